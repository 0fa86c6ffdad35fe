import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiClient, ApiError, discoverApiBase } from "./api/client";
import { buildCatalog, type NodeTypeInfo } from "./catalog/catalog";
import { AppContext } from "./context";
import { Editor } from "./components/Editor";
import { WorkflowList } from "./components/WorkflowList";
import { RunsPage } from "./components/RunsPage";
import { RunPage } from "./components/RunPage";
import { Templates } from "./components/Templates";
import { Credentials } from "./components/Credentials";
import { SignIn } from "./components/SignIn";
import { bearerToken } from "./auth/hostedUi";
import { useHostedUi } from "./auth/useHostedUi";
import { href, parseRoute, takeTokenFromHash, type Route } from "./route";
import { useTheme } from "./theme";

const TOKEN_KEY = "wfaib.token";

interface Toast {
  id: number;
  message: string;
  kind: "info" | "error";
}

export function App() {
  const [token, setToken] = useState<string | null>(() => {
    const handed = takeTokenFromHash();
    if (handed) localStorage.setItem(TOKEN_KEY, handed);
    return handed ?? localStorage.getItem(TOKEN_KEY);
  });
  const [baseUrl, setBaseUrl] = useState<string | null>(null);
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const [catalog, setCatalog] = useState<Map<string, NodeTypeInfo>>(() => buildCatalog(null, []));
  const [catalogLoaded, setCatalogLoaded] = useState(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [authError, setAuthError] = useState<string | null>(null);
  const { theme, toggleTheme } = useTheme();
  // The Hosted UI (AWS deployment) when config.json names one; else the pasted or handed-over token.
  const hosted = useHostedUi();
  const hostedMode = hosted.status === "signed-in" || hosted.status === "signed-out";
  const activeToken = hostedMode ? (hosted.status === "signed-in" ? "cognito" : null) : token;

  useEffect(() => {
    discoverApiBase().then(setBaseUrl);
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const api = useMemo(() => (baseUrl ? new ApiClient({ baseUrl, token: () => bearerToken(sessionStorage) ?? localStorage.getItem(TOKEN_KEY) }) : null), [baseUrl]);

  const notify = useCallback((message: string, kind: "info" | "error" = "info") => {
    const id = Date.now() + Math.random();
    setToasts((current) => [...current.slice(-3), { id, message, kind }]);
    window.setTimeout(() => setToasts((current) => current.filter((toast) => toast.id !== id)), kind === "error" ? 8000 : 4000);
  }, []);

  useEffect(() => {
    if (!api || !activeToken) return;
    Promise.all([api.listNodeTypes(), api.listConnectors()])
      .then(([nodeTypes, connectors]) => {
        setCatalog(buildCatalog(nodeTypes, connectors));
        setCatalogLoaded(true);
      })
      .catch((exc: unknown) => {
        if (exc instanceof ApiError && exc.status === 401) {
          if (hostedMode) return hosted.signOut();
          localStorage.removeItem(TOKEN_KEY);
          setAuthError("That token was not accepted; sign in again.");
          setToken(null);
        } else notify(`The node types could not be loaded: ${String((exc as Error).message)}`, "error");
      });
  }, [api, activeToken, hostedMode, hosted.signOut, notify]);

  const signIn = (value: string) => {
    localStorage.setItem(TOKEN_KEY, value);
    setAuthError(null);
    setToken(value);
  };
  const signOut = () => {
    if (hostedMode) return hosted.signOut();
    localStorage.removeItem(TOKEN_KEY);
    setToken(null);
  };

  if (hosted.status === "loading") return <p className="loading">Loading…</p>;
  if (!activeToken) return <SignIn onSignIn={signIn} error={authError ?? hosted.error} onHostedSignIn={hostedMode ? hosted.signIn : undefined} />;
  if (!api) return <p className="loading">Loading…</p>;

  const nav: [Route["page"], string, Route][] = [
    ["workflows", "Workflows", { page: "workflows" }],
    ["runs", "Runs", { page: "runs", workflowId: null }],
    ["templates", "Templates", { page: "templates" }],
    ["credentials", "Credentials", { page: "credentials" }],
  ];

  return (
    <AppContext.Provider value={{ api, catalog, catalogLoaded, notify }}>
      <div className="app">
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="topbar">
          <a className="brand" href={href({ page: "workflows" })}>WFAIB</a>
          <nav aria-label="Main">
            {nav.map(([page, label, target]) => (
              <a key={page} href={href(target)} aria-current={route.page === page || (page === "workflows" && route.page === "editor") || (page === "runs" && route.page === "run") ? "page" : undefined}>
                {label}
              </a>
            ))}
          </nav>
          <div className="topbar-actions">
            <button type="button" onClick={toggleTheme} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} mode`}>
              {theme === "dark" ? "☀ Light" : "☾ Dark"}
            </button>
            <button type="button" onClick={signOut}>Sign out</button>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {route.page === "workflows" && <WorkflowList />}
          {route.page === "editor" && <Editor key={route.id} workflowId={route.id} runId={route.run} />}
          {route.page === "runs" && <RunsPage workflowId={route.workflowId} />}
          {route.page === "run" && <RunPage runId={route.id} />}
          {route.page === "templates" && <Templates />}
          {route.page === "credentials" && <Credentials />}
        </main>
        <div className="toasts" role="status" aria-live="polite">
          {toasts.map((toast) => (
            <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === "error" ? "alert" : undefined}>
              {toast.message}
            </div>
          ))}
        </div>
      </div>
    </AppContext.Provider>
  );
}
