// Hash routes, so the static site needs no server-side rewrites (S3 + CloudFront, local server).
export type Route =
  | { page: "workflows" }
  | { page: "editor"; id: string; run: string | null }
  | { page: "runs"; workflowId: string | null }
  | { page: "run"; id: string }
  | { page: "templates" }
  | { page: "credentials" };

export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "workflows" && parts[1]) return { page: "editor", id: parts[1], run: params.get("run") };
  if (parts[0] === "runs" && parts[1]) return { page: "run", id: parts[1] };
  if (parts[0] === "runs") return { page: "runs", workflowId: params.get("workflow") };
  if (parts[0] === "templates") return { page: "templates" };
  if (parts[0] === "credentials") return { page: "credentials" };
  return { page: "workflows" };
}

export function href(route: Route): string {
  switch (route.page) {
    case "editor":
      return `#/workflows/${encodeURIComponent(route.id)}${route.run ? `?run=${encodeURIComponent(route.run)}` : ""}`;
    case "runs":
      return `#/runs${route.workflowId ? `?workflow=${encodeURIComponent(route.workflowId)}` : ""}`;
    case "run":
      return `#/runs/${encodeURIComponent(route.id)}`;
    case "templates":
      return "#/templates";
    case "credentials":
      return "#/credentials";
    default:
      return "#/workflows";
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

/** A token handed over in the address (`wfaib dev` prints `…/#token=…`), removed from it at once. */
export function takeTokenFromHash(): string | null {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/workflows`);
  return decodeURIComponent(match[1]);
}
