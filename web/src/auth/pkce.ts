// PKCE (RFC 7636) for the Hosted UI sign-in: a random verifier kept in this tab, and its S256
// challenge sent to the authorize endpoint. Web Crypto does the hashing and the randomness.

/** Bytes as base64url without padding (RFC 4648 §5), the encoding PKCE and OAuth state use. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** A code verifier: 32 random bytes, 43 characters of the unreserved alphabet. */
export function codeVerifier(random: RandomBytes = cryptoRandom): string {
  return base64Url(random(32));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** An unguessable state value that ties the redirect back to the sign-in this tab started. */
export function newState(random: RandomBytes = cryptoRandom): string {
  return base64Url(random(16));
}
