import { useState, type FormEvent } from "react";

/**
 * Sign-in. In the AWS deployment (config.json names a Cognito domain) it sends the user to the
 * Cognito Hosted UI; with `make dev` it takes a pasted token (`wfaib dev` hands one over in the
 * address it prints).
 */
export function SignIn({ onSignIn, error, onHostedSignIn }: { onSignIn: (token: string) => void; error: string | null; onHostedSignIn?: () => void }) {
  const [token, setToken] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onSignIn(token.trim());
  };
  if (onHostedSignIn) {
    return (
      <main className="signin">
        <section aria-labelledby="signin-title">
          <h1 id="signin-title">Sign in to WFAIB</h1>
          <p>Sign in with your WFAIB account; you come back here once you are signed in.</p>
          {error && <p className="error" role="alert">{error}</p>}
          <button type="button" className="primary" onClick={onHostedSignIn} autoFocus>Sign in</button>
        </section>
      </main>
    );
  }
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
