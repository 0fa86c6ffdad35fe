// Shapes of the workflow document (docs/workflow.schema.json) and of the control-plane API.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Position {
  x: number;
  y: number;
}

export interface RetryPolicy {
  max_attempts?: number;
  interval_seconds?: number;
  backoff_rate?: number;
  max_delay_seconds?: number | null;
  jitter?: boolean;
}

export type OnError = "stop" | "continue" | "branch";

export interface WorkflowNode {
  id: string;
  type: string;
  version?: number;
  name?: string | null;
  notes?: string | null;
  params?: JsonObject;
  credential?: string | null;
  retry?: RetryPolicy | null;
  timeout?: number | null;
  on_error?: OnError;
  position?: Position | null;
}

export interface WorkflowEdge {
  source: string;
  target: string;
  branch?: string | null;
}

export interface Trigger {
  type: "manual" | "webhook" | "schedule" | "event" | "sub_workflow";
  sample_input?: Json;
  [key: string]: Json | undefined;
}

export interface WorkflowDocument {
  id: string;
  name: string;
  description?: string | null;
  trigger: Trigger;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  settings?: JsonObject;
  [key: string]: unknown;
}

export interface WorkflowRecord {
  id: string;
  name: string;
  version: number;
  etag: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
  environments: Record<string, { version?: number; [key: string]: unknown }>;
  document: WorkflowDocument;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  version: number;
  updated_at: string;
  updated_by: string;
  environments: Record<string, { version?: number; [key: string]: unknown }>;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type VersionStatus = "active" | "deprecated" | "retired";

export interface VersionSummary {
  version: number;
  created_at: string;
  created_by: string;
  published: boolean;
  status?: VersionStatus;
}

export interface VersionRecord {
  workflow_id: string;
  version: number;
  document: WorkflowDocument;
  created_at: string;
  created_by: string;
}

export interface Problem {
  code: string;
  node: string | null;
  field: string | null;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
}

export type RunStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

export interface RunRecord {
  id: string;
  workflow_id: string;
  workflow_version: number;
  environment: string;
  status: RunStatus | string;
  input?: Json;
  started_at: string;
  stopped_at?: string | null;
  started_by: string;
  trigger?: string;
  rerun_of?: string | null;
  express?: boolean;
}

export type StepStatus = "running" | "succeeded" | "caught" | "failed" | string;

export interface RunStep {
  state: string;
  type: string;
  nodes: string[];
  status: StepStatus;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  input: Json;
  output: Json;
  error: string | null;
  cause: string | null;
  attempts: number;
}

export interface TokenUsage {
  tokens_in: number;
  tokens_out: number;
  total_tokens: number;
  calls: number;
}

export interface RunDetail extends RunRecord {
  output?: Json;
  error?: string | null;
  cause?: string | null;
  steps: RunStep[];
  usage?: TokenUsage | null;
}

export interface PublishResult {
  workflow_id: string;
  version: number;
  environment: string;
}

export interface ConnectorAction {
  id: string;
  version?: number;
  title?: string;
  name?: string;
  description?: string;
  side_effect?: boolean;
  deprecated?: boolean;
  input_schema?: JsonObject;
  output_schema?: JsonObject;
}

export interface Connector {
  id: string;
  name: string;
  category?: string;
  description?: string;
  auth?: string;
  credential_schema?: JsonObject;
  actions: ConnectorAction[];
}

export interface Credential {
  id: string;
  name?: string;
  connector?: string;
  created_at?: string;
  created_by?: string;
  rotated_at?: string | null;
}

export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  source: "builtin" | "tenant" | string;
  trigger: string;
  nodes: number;
}

/** A built-in node type as GET /node-types serves it (from the workflow model the validator uses). */
export interface BuiltinNodeType {
  type: string;
  version: number;
  kind: string;
  title: string;
  description: string;
  /** Fixed named outputs (if: true/false, loop: each/done, approval: rejected). */
  outputs: string[];
  input_schema: JsonObject;
  side_effect?: boolean;
}

export interface NodeTypesResponse {
  node_types: BuiltinNodeType[];
  /** Names a node id may not take: they already mean something in expressions. */
  reserved_ids: string[];
}

/** One n8n node that became a placeholder: the WFAIB node standing in for it, and why. */
export interface N8nPlaceholder {
  node: string;
  name: string;
  n8n_type: string;
  reason: string;
}

/** POST /imports/n8n: the converted workflow (not saved) and what happened to each n8n node. */
export interface N8nImportResult {
  workflow: WorkflowDocument;
  report: { nodes: number; converted: number; placeholders: N8nPlaceholder[]; notes: string[] };
}
