// Sign-in with the Cognito Hosted UI: authorization code flow with PKCE, tokens kept in this
// tab's sessionStorage, refreshed before they expire. Active only when the served config.json
// names a Cognito domain and app client (the AWS deployment); `make dev` keeps the token sign-in.
import { codeChallenge, codeVerifier, cryptoRandom, newState, type RandomBytes } from "./pkce";

export interface HostedUiConfig {
  authDomain: string;
  clientId: string;
  redirectUri: string;
  logoutUri: string;
  scopes: string;
}

export interface Session {
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds when the ID and access tokens expire. */
  expiresAt: number;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;
export type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

const SESSION_KEY = "wfaib.session";
const PENDING_KEY = "wfaib.signin";
/** Refresh this long before the tokens expire, so no request carries an expired one. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInError";
  }
}

/** The Hosted UI settings in config.json, or null when it names no Cognito domain and client. */
export function hostedUiConfig(config: unknown, origin: string): HostedUiConfig | null {
  if (!config || typeof config !== "object") return null;
  const values = config as Record<string, unknown>;
  const text = (key: string) => (typeof values[key] === "string" && values[key] ? (values[key] as string) : null);
  const authDomain = text("authDomain");
  const clientId = text("userPoolClientId");
  if (!authDomain || !clientId) return null;
  const here = `${origin.replace(/\/$/, "")}/`;
  return {
    authDomain: authDomain.replace(/\/$/, ""),
    clientId,
    redirectUri: text("redirectUri") ?? here,
    logoutUri: text("logoutUri") ?? text("redirectUri") ?? here,
    scopes: text("scopes") ?? "openid email profile",
  };
}

/** Start a sign-in: remember verifier and state in this tab, and return the authorize URL to open. */
export async function beginSignIn(config: HostedUiConfig, storage: KeyValueStore, random: RandomBytes = cryptoRandom): Promise<string> {
  const verifier = codeVerifier(random);
  const state = newState(random);
  storage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scopes,
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: "S256",
  });
  return `${config.authDomain}/oauth2/authorize?${query}`;
}

/** True when the address carries the Hosted UI's answer (a code or an error) for this app. */
export function isRedirectBack(search: string): boolean {
  const query = new URLSearchParams(search);
  return query.has("state") && (query.has("code") || query.has("error"));
}

/**
 * Finish a sign-in from the redirect's query string: check the state against the one this tab
 * sent (a forged or replayed redirect is refused), then exchange the code with the verifier.
 */
export async function completeSignIn(config: HostedUiConfig, search: string, storage: KeyValueStore, fetchImpl: Fetch, now: () => number = Date.now): Promise<Session> {
  const query = new URLSearchParams(search);
  const pendingText = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  const pending = pendingText ? (JSON.parse(pendingText) as { verifier?: string; state?: string }) : null;
  if (!pending?.verifier || !pending.state || query.get("state") !== pending.state) {
    throw new SignInError("This sign-in was not started here, or it was already used; sign in again.");
  }
  const error = query.get("error");
  if (error) throw new SignInError(`Sign-in was refused: ${query.get("error_description") ?? error}.`);
  const code = query.get("code");
  if (!code) throw new SignInError("The sign-in answer carries no code; sign in again.");
  const session = await tokenRequest(
    config,
    { grant_type: "authorization_code", client_id: config.clientId, code, redirect_uri: config.redirectUri, code_verifier: pending.verifier },
    null,
    fetchImpl,
    now,
  );
  saveSession(storage, session);
  return session;
}

/** New tokens from the refresh token (Cognito keeps the refresh token: it is carried over). */
export async function refreshSession(config: HostedUiConfig, session: Session, storage: KeyValueStore, fetchImpl: Fetch, now: () => number = Date.now): Promise<Session> {
  if (!session.refreshToken) throw new SignInError("The session cannot be renewed; sign in again.");
  const renewed = await tokenRequest(
    config,
    { grant_type: "refresh_token", client_id: config.clientId, refresh_token: session.refreshToken },
    session.refreshToken,
    fetchImpl,
    now,
  );
  saveSession(storage, renewed);
  return renewed;
}

async function tokenRequest(config: HostedUiConfig, form: Record<string, string>, keptRefreshToken: string | null, fetchImpl: Fetch, now: () => number): Promise<Session> {
  let response: Response;
  try {
    response = await fetchImpl(`${config.authDomain}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(form).toString(),
    });
  } catch {
    throw new SignInError("The sign-in service could not be reached; try again.");
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new SignInError(`Sign-in failed: ${String(body.error_description ?? body.error ?? response.status)}.`);
  }
  const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = body;
  if (typeof idToken !== "string" || typeof accessToken !== "string" || typeof expiresIn !== "number") {
    throw new SignInError("The sign-in service answered without tokens; sign in again.");
  }
  return {
    idToken,
    accessToken,
    refreshToken: typeof refreshToken === "string" ? refreshToken : keptRefreshToken,
    expiresAt: now() + expiresIn * 1000,
  };
}

export function saveSession(storage: KeyValueStore, session: Session): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function loadSession(storage: KeyValueStore): Session | null {
  const text = storage.getItem(SESSION_KEY);
  if (!text) return null;
  try {
    const session = JSON.parse(text) as Session;
    return typeof session.idToken === "string" && typeof session.expiresAt === "number" ? session : null;
  } catch {
    return null;
  }
}

/** The token API calls carry: the ID token (API Gateway's Cognito authorizer expects it), if still valid. */
export function bearerToken(storage: KeyValueStore, now: () => number = Date.now): string | null {
  const session = loadSession(storage);
  return session && session.expiresAt > now() ? session.idToken : null;
}

/** Milliseconds until the session should be refreshed (0: now). */
export function refreshDelay(session: Session, now: () => number = Date.now): number {
  return Math.max(0, session.expiresAt - REFRESH_MARGIN_MS - now());
}

export function clearSession(storage: KeyValueStore): void {
  storage.removeItem(SESSION_KEY);
  storage.removeItem(PENDING_KEY);
}

/** Forget the tokens and return the Hosted UI's sign-out address (which returns to the editor). */
export function signOutUrl(config: HostedUiConfig, storage: KeyValueStore): string {
  clearSession(storage);
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri });
  return `${config.authDomain}/logout?${query}`;
}
