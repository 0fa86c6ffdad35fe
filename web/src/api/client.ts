// A typed client for the control-plane API. Every error arrives as ApiError with the API's
// envelope ({error: {code, message, details}}); a body that is not the envelope still becomes one.
import type {
  Connector,
  Credential,
  Json,
  N8nImportResult,
  NodeTypesResponse,
  Page,
  Problem,
  PublishResult,
  RunDetail,
  RunRecord,
  TemplateSummary,
  ValidationResult,
  VersionRecord,
  VersionStatus,
  VersionSummary,
  WorkflowDocument,
  WorkflowRecord,
  WorkflowSummary,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Validation problems (node and field) that a 422 carries, if any. */
  get problems(): Problem[] {
    const problems = this.details.problems;
    return Array.isArray(problems) ? (problems as Problem[]) : [];
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  baseUrl: string;
  token: () => string | null;
  fetch?: Fetch;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
    if (body.error) {
      return new ApiError(
        response.status,
        body.error.code ?? "error",
        body.error.message ?? response.statusText,
        body.error.details ?? {},
      );
    }
  } catch {
    // not JSON: fall through to a generic error naming the status
  }
  return new ApiError(response.status, `http_${response.status}`, text.slice(0, 200) || response.statusText);
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: Fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, "");
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; response: Response }> {
    const token = this.options.token();
    const init: RequestInit = {
      method,
      // The API's ETag names the saved version, which publishing does not change: a cached body
      // revalidated with it would show stale environments, so the editor never uses the cache.
      cache: "no-store",
      headers: {
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, init);
    } catch (exc) {
      throw new ApiError(0, "network_error", `The API could not be reached (${String(exc)}).`);
    }
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return { data: undefined as T, response };
    const text = await response.text();
    return { data: (text ? JSON.parse(text) : undefined) as T, response };
  }

  private async get<T>(path: string): Promise<T> {
    return (await this.request<T>("GET", path)).data;
  }

  private async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>("POST", path, body ?? {})).data;
  }

  me(): Promise<{ tenant_id: string; subject: string; role: string }> {
    return this.get("/me");
  }

  listWorkflows(cursor?: string): Promise<Page<WorkflowSummary>> {
    const query = new URLSearchParams({ limit: "200" });
    if (cursor) query.set("cursor", cursor);
    return this.get(`/workflows?${query}`);
  }

  async allWorkflows(): Promise<WorkflowSummary[]> {
    const items: WorkflowSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listWorkflows(cursor);
      items.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return items;
  }

  getWorkflow(id: string): Promise<WorkflowRecord> {
    return this.get(`/workflows/${encodeURIComponent(id)}`);
  }

  createWorkflow(document: WorkflowDocument): Promise<WorkflowRecord> {
    return this.post("/workflows", document);
  }

  /** Save a new version; `etag` is the one the editor loaded, so a stale save gets a 409. */
  async saveWorkflow(document: WorkflowDocument, etag: string | null): Promise<WorkflowRecord> {
    const headers: Record<string, string> = etag ? { "If-Match": etag } : {};
    return (await this.request<WorkflowRecord>("PUT", `/workflows/${encodeURIComponent(document.id)}`, document, headers)).data;
  }

  /** Convert an n8n workflow export (nothing is saved): the workflow document and an import report. */
  importN8n(exported: unknown): Promise<N8nImportResult> {
    return this.post("/imports/n8n", exported);
  }

  async deleteWorkflow(id: string): Promise<void> {
    await this.request("DELETE", `/workflows/${encodeURIComponent(id)}`);
  }

  listVersions(id: string): Promise<VersionSummary[]> {
    return this.get(`/workflows/${encodeURIComponent(id)}/versions`);
  }

  /** Deprecate or retire a version (runs of a retired one are refused), or make it active again. */
  async setVersionStatus(id: string, version: number, status: VersionStatus): Promise<void> {
    await this.request("PUT", `/workflows/${encodeURIComponent(id)}/versions/${version}/status`, { status });
  }

  getVersion(id: string, version: number): Promise<VersionRecord> {
    return this.get(`/workflows/${encodeURIComponent(id)}/versions/${version}`);
  }

  validate(id: string, version?: number): Promise<ValidationResult> {
    return this.post(`/workflows/${encodeURIComponent(id)}/validate${version ? `?version=${version}` : ""}`);
  }

  /** Validate a document that is not saved (what is on the canvas); nothing is stored. */
  validateDocument(document: WorkflowDocument): Promise<ValidationResult> {
    return this.post("/workflows/validate", document);
  }

  publish(id: string, environment: string, version?: number): Promise<PublishResult> {
    return this.post(`/workflows/${encodeURIComponent(id)}/publish`, version ? { environment, version } : { environment });
  }

  /** Point `target` at the version `source` runs (no recompiling). */
  promote(id: string, source: string, target: string): Promise<PublishResult> {
    return this.post(`/workflows/${encodeURIComponent(id)}/promote`, { from: source, to: target });
  }

  startRun(id: string, input: Json, environment = "dev"): Promise<RunRecord> {
    return this.post(`/workflows/${encodeURIComponent(id)}/runs`, { input, environment });
  }

  listRuns(filter: { workflowId?: string; status?: string } = {}): Promise<Page<RunRecord>> {
    const query = new URLSearchParams({ limit: "100" });
    if (filter.workflowId) query.set("workflow_id", filter.workflowId);
    if (filter.status) query.set("status", filter.status);
    return this.get(`/runs?${query}`);
  }

  getRun(id: string): Promise<RunDetail> {
    return this.get(`/runs/${encodeURIComponent(id)}`);
  }

  cancelRun(id: string): Promise<RunRecord> {
    return this.post(`/runs/${encodeURIComponent(id)}/cancel`);
  }

  rerun(id: string): Promise<RunRecord> {
    return this.post(`/runs/${encodeURIComponent(id)}/rerun`);
  }

  /** Run a failed run again from the step that failed; what succeeded is kept. */
  redrive(id: string): Promise<RunRecord> {
    return this.post(`/runs/${encodeURIComponent(id)}/redrive`);
  }

  listConnectors(): Promise<Connector[]> {
    return this.get("/connectors");
  }

  /** The built-in node types (params schemas, output handles) and the reserved node ids. */
  listNodeTypes(): Promise<NodeTypesResponse> {
    return this.get("/node-types");
  }

  /** Credentials without their values; an API without the route answers an empty list. */
  async listCredentials(): Promise<Credential[]> {
    try {
      const data = await this.get<Credential[] | Page<Credential>>("/credentials");
      return Array.isArray(data) ? data : data.items;
    } catch (exc) {
      if (exc instanceof ApiError && (exc.status === 404 || exc.status === 405)) return [];
      throw exc;
    }
  }

  /** Store a credential; the value is write-only (no route ever returns it). */
  createCredential(body: { id: string; name: string; connector: string; value: Record<string, string> }): Promise<Credential> {
    return this.post("/credentials", body);
  }

  async rotateCredential(id: string, value: Record<string, string>): Promise<Credential> {
    return (await this.request<Credential>("PUT", `/credentials/${encodeURIComponent(id)}`, { value })).data;
  }

  listTemplates(): Promise<TemplateSummary[]> {
    return this.get("/templates");
  }

  installTemplate(id: string, workflowId: string): Promise<{ id: string; version: number }> {
    return this.post(`/templates/${encodeURIComponent(id)}/install`, { workflow_id: workflowId });
  }

  async deleteCredential(id: string): Promise<void> {
    await this.request("DELETE", `/credentials/${encodeURIComponent(id)}`);
  }
}

/** Where the API is: config.json (written by CDK next to the site) or `/api` on the local platform. */
export async function discoverApiBase(fetchImpl: Fetch = (i, n) => fetch(i, n)): Promise<string> {
  try {
    const response = await fetchImpl("/config.json", { headers: { Accept: "application/json" } });
    if (response.ok) {
      const config = (await response.json()) as { apiEndpoint?: string };
      if (config.apiEndpoint) return config.apiEndpoint;
    }
  } catch {
    // the local platform answers unknown paths with index.html: not JSON, so use the local API
  }
  return "/api";
}
