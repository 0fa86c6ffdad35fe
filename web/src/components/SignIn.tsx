import { useState, type FormEvent } from "react";

/** Fallback sign-in: paste a token (`wfaib dev` hands one over in the address it prints). */
export function SignIn({ onSignIn, error }: { onSignIn: (token: string) => void; error: string | null }) {
  const [token, setToken] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onSignIn(token.trim());
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to WFAIB</h1>
        <p>Open the editor from the address <code>wfaib dev</code> prints, or paste an access token.</p>
        {error && <p className="error" role="alert">{error}</p>}
        <label htmlFor="token">Access token</label>
        <textarea id="token" value={token} onChange={(e) => setToken(e.target.value)} rows={4} autoFocus />
        <button type="submit" className="primary">Sign in</button>
      </form>
    </main>
  );
}
