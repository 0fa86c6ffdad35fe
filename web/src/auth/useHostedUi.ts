// The editor's view of the Hosted UI sign-in: reads config.json once, finishes a sign-in the
// address carries, keeps the session fresh, and signs out through Cognito.
import { useCallback, useEffect, useState } from "react";
import {
  beginSignIn,
  clearSession,
  completeSignIn,
  hostedUiConfig,
  isRedirectBack,
  loadSession,
  refreshDelay,
  refreshSession,
  signOutUrl,
  type Fetch,
  type HostedUiConfig,
  type Session,
} from "./hostedUi";

export type HostedUiStatus = "loading" | "off" | "signed-out" | "signed-in";

export interface HostedUi {
  status: HostedUiStatus;
  error: string | null;
  signIn: () => void;
  signOut: () => void;
}

const browserFetch: Fetch = (input, init) => fetch(input, init);

// One exchange per redirect, even when React runs the effect twice (StrictMode): a code is single-use.
let completing: Promise<Session> | null = null;

async function readConfig(fetchImpl: Fetch): Promise<HostedUiConfig | null> {
  try {
    const response = await fetchImpl("/config.json", { headers: { Accept: "application/json" } });
    return response.ok ? hostedUiConfig(await response.json(), window.location.origin) : null;
  } catch {
    return null; // the local platform answers index.html here: no Hosted UI, keep the token sign-in
  }
}

export function useHostedUi(fetchImpl: Fetch = browserFetch): HostedUi {
  const [config, setConfig] = useState<HostedUiConfig | null | undefined>(undefined);
  const [session, setSession] = useState<Session | null>(() => loadSession(sessionStorage));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    readConfig(fetchImpl).then(async (loaded) => {
      if (loaded && isRedirectBack(window.location.search)) {
        completing ??= completeSignIn(loaded, window.location.search, sessionStorage, fetchImpl);
        try {
          const signedIn = await completing;
          if (live) setSession(signedIn);
        } catch (exc) {
          if (live) setError((exc as Error).message);
        } finally {
          window.history.replaceState(null, "", `${window.location.pathname}#/workflows`);
        }
      }
      if (live) setConfig(loaded);
    });
    return () => {
      live = false;
    };
  }, [fetchImpl]);

  useEffect(() => {
    if (!config || !session) return;
    const timer = window.setTimeout(() => {
      refreshSession(config, session, sessionStorage, fetchImpl).then(setSession, () => {
        clearSession(sessionStorage);
        setSession(null);
        setError("Your session has ended; sign in again.");
      });
    }, refreshDelay(session));
    return () => window.clearTimeout(timer);
  }, [config, session, fetchImpl]);

  const signIn = useCallback(() => {
    if (!config) return;
    setError(null);
    beginSignIn(config, sessionStorage).then((url) => window.location.assign(url));
  }, [config]);

  const signOut = useCallback(() => {
    if (!config) return;
    setSession(null);
    window.location.assign(signOutUrl(config, sessionStorage));
  }, [config]);

  // A stored session whose tokens have expired is renewed at once (the timer above): wait for it.
  const status: HostedUiStatus =
    config === undefined ? "loading" : config === null ? "off" : !session ? "signed-out" : session.expiresAt > Date.now() ? "signed-in" : "loading";
  return { status, error, signIn, signOut };
}
