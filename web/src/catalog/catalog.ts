// The palette's node types: the built-ins the API serves (GET /node-types, read from the workflow
// model the validator uses, so a type added there appears here) plus every connector action (GET /connectors).
import type { Connector, Json, JsonObject, NodeTypesResponse, WorkflowNode } from "../api/types";
import { sampleFromSchema } from "../schema/schemaForm";

export interface NodeTypeInfo {
  type: string;
  kind: string;
  title: string;
  description: string;
  category: string;
  connector: string | null;
  auth: string | null;
  inputSchema: JsonObject;
  outputSchema: JsonObject | null;
  /** Fixed named outputs (if: true/false, loop: each/done, approval: rejected). */
  outputs: string[];
}

const BUILTIN_CATEGORY: Record<string, string> = { logic: "Logic", data: "Data", code: "Code", aws: "AWS", ai: "AI" };

/** The palette group of a built-in type: named for its prefix (`logic.if` → Logic), a new prefix capitalised. */
export function builtinCategory(type: string): string {
  const prefix = type.split(".")[0];
  return BUILTIN_CATEGORY[prefix] ?? (prefix ? prefix[0].toUpperCase() + prefix.slice(1) : "Other");
}

/**
 * Names a node id may not take (`$sum`, `$input` already mean something in expressions). The
 * expression variables are known before the API answers; buildCatalog adds the rest from
 * GET /node-types. One shared set because the id check runs deep inside the document operations
 * (a pasted node's fresh id) and the names are the same for the whole app.
 */
export const RESERVED_IDS: Set<string> = new Set(["trigger", "input", "execution", "item", "index"]);

export function buildCatalog(nodeTypes: NodeTypesResponse | null, connectors: Connector[]): Map<string, NodeTypeInfo> {
  const catalog = new Map<string, NodeTypeInfo>();
  for (const id of nodeTypes?.reserved_ids ?? []) RESERVED_IDS.add(id);
  for (const entry of nodeTypes?.node_types ?? []) {
    catalog.set(entry.type, {
      type: entry.type,
      kind: entry.kind,
      title: entry.title,
      description: entry.description,
      category: builtinCategory(entry.type),
      connector: null,
      auth: null,
      inputSchema: entry.input_schema,
      outputSchema: null,
      outputs: entry.outputs,
    });
  }
  for (const connector of connectors) {
    for (const action of connector.actions ?? []) {
      if (action.deprecated) continue;
      catalog.set(action.id, {
        type: action.id,
        kind: "action",
        title: `${connector.name}: ${action.title ?? action.name ?? action.id}`,
        description: action.description ?? "",
        category: connector.name,
        connector: connector.id,
        auth: connector.auth && connector.auth !== "none" ? connector.auth : null,
        inputSchema: action.input_schema ?? { type: "object" },
        outputSchema: action.output_schema ?? null,
        outputs: [],
      });
    }
  }
  return catalog;
}

/** Case-insensitive search over title, type, category and description; every word must match. */
export function searchCatalog(catalog: Iterable<NodeTypeInfo>, query: string): NodeTypeInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches: NodeTypeInfo[] = [];
  for (const info of catalog) {
    const text = `${info.title} ${info.type} ${info.category} ${info.description}`.toLowerCase();
    if (words.every((word) => text.includes(word))) matches.push(info);
  }
  const rank = (info: NodeTypeInfo) => (words.length && info.type.toLowerCase().startsWith(words[0]) ? 0 : 1);
  return matches.sort((a, b) => rank(a) - rank(b) || a.category.localeCompare(b.category) || a.title.localeCompare(b.title));
}

const CAN_FAIL = new Set(["action", "code", "service", "sub_workflow", "approval", "wait"]);
const NO_PLAIN_OUTPUT = new Set(["choice", "loop", "stop", "fail"]);

export interface OutputHandle {
  /** The edge's `branch`; null for the plain output. */
  branch: string | null;
  label: string;
  kind: "plain" | "branch" | "error";
}

/** The output handles a node shows, in order: its branches, its plain output, its error output. */
export function outputHandles(node: WorkflowNode, info: NodeTypeInfo | undefined): OutputHandle[] {
  const kind = info?.kind ?? "action";
  const handles: OutputHandle[] = [];
  if (node.type === "logic.switch") {
    const cases = Array.isArray(node.params?.cases) ? node.params.cases : [];
    for (const item of cases) {
      const name = item && typeof item === "object" && !Array.isArray(item) ? item.name : null;
      if (typeof name === "string" && name) handles.push({ branch: name, label: name, kind: "branch" });
    }
    handles.push({ branch: "default", label: "default", kind: "branch" });
  } else {
    for (const output of info?.outputs ?? []) handles.push({ branch: output, label: output, kind: "branch" });
  }
  if (!NO_PLAIN_OUTPUT.has(kind)) handles.unshift({ branch: null, label: kind === "approval" ? "approved" : "out", kind: "plain" });
  if (CAN_FAIL.has(kind)) handles.push({ branch: "error", label: "error", kind: "error" });
  return handles;
}

/** Whether a node takes an input handle: the error handler starts its own chain. */
export function hasInput(info: NodeTypeInfo | undefined): boolean {
  return info?.kind !== "error_handler";
}

/** What a node's output looks like before it has run: its action's output schema, or what a data step builds. */
export function outputShape(node: WorkflowNode, info: NodeTypeInfo | undefined): Json | undefined {
  if (info?.outputSchema) return sampleFromSchema(info.outputSchema);
  const params = node.params ?? {};
  if (node.type === "data.transform") return params.output;
  if (node.type === "data.set" && params.fields && typeof params.fields === "object") return params.fields;
  return undefined;
}
