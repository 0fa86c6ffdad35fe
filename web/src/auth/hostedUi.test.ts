import { describe, expect, it } from "vitest";
import {
  REFRESH_MARGIN_MS,
  SignInError,
  beginSignIn,
  bearerToken,
  completeSignIn,
  hostedUiConfig,
  isRedirectBack,
  loadSession,
  refreshDelay,
  refreshSession,
  signOutUrl,
  type Fetch,
  type KeyValueStore,
} from "./hostedUi";
import { codeChallenge } from "./pkce";

class MemoryStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
}

interface Call {
  url: string;
  form: URLSearchParams;
}

function tokenEndpoint(answers: { status: number; body: unknown }[]): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, form: new URLSearchParams(String(init?.body)) });
      const answer = answers.shift();
      if (!answer) throw new TypeError("connection refused");
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
    },
  };
}

const served = {
  stage: "prod",
  apiEndpoint: "https://api.example/v1/",
  userPoolClientId: "client123",
  authDomain: "https://wfaib-prod.auth.eu-west-1.amazoncognito.com",
  redirectUri: "https://d111.cloudfront.net/",
  logoutUri: "https://d111.cloudfront.net/",
  scopes: "openid email profile",
};
const config = hostedUiConfig(served, "https://d111.cloudfront.net")!;
const tokens = { id_token: "id.1", access_token: "access.1", refresh_token: "refresh.1", expires_in: 3600, token_type: "Bearer" };
const clock = () => 1_000_000;

async function started(store: MemoryStore) {
  const url = new URL(await beginSignIn(config, store));
  return { url, state: url.searchParams.get("state")! };
}

describe("hostedUiConfig", () => {
  it("is on only when config.json names a Cognito domain and an app client", () => {
    expect(hostedUiConfig({ apiEndpoint: "/api" }, "http://localhost:8080")).toBeNull();
    expect(hostedUiConfig("<!doctype html>", "http://localhost:8080")).toBeNull();
    expect(hostedUiConfig({ ...served, authDomain: "" }, "https://x")).toBeNull();
    expect(config).toEqual({
      authDomain: served.authDomain,
      clientId: "client123",
      redirectUri: served.redirectUri,
      logoutUri: served.logoutUri,
      scopes: "openid email profile",
    });
  });

  it("returns to the editor's own address when config.json names none", () => {
    const fallback = hostedUiConfig({ authDomain: `${served.authDomain}/`, userPoolClientId: "c" }, "https://editor.example")!;
    expect(fallback.redirectUri).toBe("https://editor.example/");
    expect(fallback.logoutUri).toBe("https://editor.example/");
    expect(fallback.authDomain).toBe(served.authDomain);
  });
});

describe("sign-in with PKCE", () => {
  it("sends the user to the authorize endpoint with the S256 challenge of the verifier it keeps", async () => {
    const store = new MemoryStore();
    const { url, state } = await started(store);
    expect(`${url.origin}${url.pathname}`).toBe(`${served.authDomain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "client123",
      redirect_uri: served.redirectUri,
      scope: "openid email profile",
      code_challenge_method: "S256",
    });
    const pending = JSON.parse(store.getItem("wfaib.signin")!) as { verifier: string; state: string };
    expect(pending.state).toBe(state);
    expect(url.searchParams.get("code_challenge")).toBe(await codeChallenge(pending.verifier));
  });

  it("exchanges the code with the verifier and keeps the tokens in the tab's storage", async () => {
    const store = new MemoryStore();
    const { state } = await started(store);
    const verifier = (JSON.parse(store.getItem("wfaib.signin")!) as { verifier: string }).verifier;
    const { fetch, calls } = tokenEndpoint([{ status: 200, body: tokens }]);

    const session = await completeSignIn(config, `?code=abc&state=${state}`, store, fetch, clock);

    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(`${served.authDomain}/oauth2/token`);
    expect(Object.fromEntries(calls[0].form)).toEqual({
      grant_type: "authorization_code",
      client_id: "client123",
      code: "abc",
      redirect_uri: served.redirectUri,
      code_verifier: verifier,
    });
    expect(session).toEqual({ idToken: "id.1", accessToken: "access.1", refreshToken: "refresh.1", expiresAt: 1_000_000 + 3_600_000 });
    expect(loadSession(store)).toEqual(session);
    expect(store.getItem("wfaib.signin")).toBeNull();
    expect(bearerToken(store, clock)).toBe("id.1");
  });

  it("refuses a redirect whose state this tab did not send, and a second use of the same one", async () => {
    const store = new MemoryStore();
    const { state } = await started(store);
    const { fetch, calls } = tokenEndpoint([{ status: 200, body: tokens }]);
    await expect(completeSignIn(config, "?code=abc&state=forged", store, fetch, clock)).rejects.toThrow(SignInError);
    await expect(completeSignIn(config, `?code=abc&state=${state}`, store, fetch, clock)).rejects.toThrow(/not started here/);
    expect(calls).toHaveLength(0);
    expect(loadSession(store)).toBeNull();
  });

  it("reports what the authorization server or the token endpoint refused", async () => {
    const store = new MemoryStore();
    let { state } = await started(store);
    const denied = tokenEndpoint([]);
    await expect(completeSignIn(config, `?error=access_denied&error_description=User+cancelled&state=${state}`, store, denied.fetch, clock)).rejects.toThrow(
      "Sign-in was refused: User cancelled.",
    );
    ({ state } = await started(store));
    const invalid = tokenEndpoint([{ status: 400, body: { error: "invalid_grant" } }]);
    await expect(completeSignIn(config, `?code=old&state=${state}`, store, invalid.fetch, clock)).rejects.toThrow("Sign-in failed: invalid_grant.");
    ({ state } = await started(store));
    const unreachable = tokenEndpoint([]);
    await expect(completeSignIn(config, `?code=abc&state=${state}`, store, unreachable.fetch, clock)).rejects.toThrow(/could not be reached/);
    expect(loadSession(store)).toBeNull();
  });

  it("recognises the redirect back only when it carries a state and a code or an error", () => {
    expect(isRedirectBack("?code=a&state=b")).toBe(true);
    expect(isRedirectBack("?error=access_denied&state=b")).toBe(true);
    expect(isRedirectBack("?code=a")).toBe(false);
    expect(isRedirectBack("")).toBe(false);
  });
});

describe("the session", () => {
  const session = { idToken: "id.1", accessToken: "access.1", refreshToken: "refresh.1", expiresAt: 1_000_000 + 3_600_000 };

  it("is refreshed a margin before it expires, with the refresh token carried over", async () => {
    expect(refreshDelay(session, clock)).toBe(3_600_000 - REFRESH_MARGIN_MS);
    expect(refreshDelay({ ...session, expiresAt: 1_000_000 }, clock)).toBe(0);
    const store = new MemoryStore();
    const { fetch, calls } = tokenEndpoint([{ status: 200, body: { id_token: "id.2", access_token: "access.2", expires_in: 3600 } }]);
    const later = () => 4_000_000;
    const renewed = await refreshSession(config, session, store, fetch, later);
    expect(Object.fromEntries(calls[0].form)).toEqual({ grant_type: "refresh_token", client_id: "client123", refresh_token: "refresh.1" });
    expect(renewed).toEqual({ idToken: "id.2", accessToken: "access.2", refreshToken: "refresh.1", expiresAt: 4_000_000 + 3_600_000 });
    expect(bearerToken(store, later)).toBe("id.2");
  });

  it("gives no bearer token once expired, and a refused refresh is an error", async () => {
    const store = new MemoryStore();
    store.setItem("wfaib.session", JSON.stringify(session));
    expect(bearerToken(store, () => session.expiresAt + 1)).toBeNull();
    const { fetch } = tokenEndpoint([{ status: 400, body: { error: "invalid_grant" } }]);
    await expect(refreshSession(config, session, store, fetch, clock)).rejects.toThrow(SignInError);
    await expect(refreshSession(config, { ...session, refreshToken: null }, store, fetch, clock)).rejects.toThrow(/cannot be renewed/);
  });

  it("signs out by forgetting the tokens and returning through the Hosted UI's logout", () => {
    const store = new MemoryStore();
    store.setItem("wfaib.session", JSON.stringify(session));
    const url = new URL(signOutUrl(config, store));
    expect(`${url.origin}${url.pathname}`).toBe(`${served.authDomain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "client123", logout_uri: served.logoutUri });
    expect(loadSession(store)).toBeNull();
  });
});
