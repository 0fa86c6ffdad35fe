// Import: accept a workflow document, or an API record/version that wraps one, or an n8n export
// (converted by the API); give it an id the tenant does not use yet.
import type { WorkflowDocument } from "../api/types";
import { slugify } from "./workflow";

export function importableDocument(value: unknown): WorkflowDocument {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("expected a JSON object");
  const object = value as Record<string, unknown>;
  const doc = (object.document && typeof object.document === "object" ? object.document : object) as Record<string, unknown>;
  if (!Array.isArray(doc.nodes)) throw new Error("it has no `nodes` list");
  if (!doc.trigger || typeof doc.trigger !== "object") throw new Error("it has no `trigger`");
  const name = typeof doc.name === "string" && doc.name ? doc.name : "Imported workflow";
  const id = typeof doc.id === "string" && doc.id ? doc.id : slugify(name);
  return { ...(doc as object), id, name, edges: Array.isArray(doc.edges) ? doc.edges : [] } as WorkflowDocument;
}

/** The document with an id not in `taken` (`id`, `id-2`, `id-3`, …). */
export function withFreshId(doc: WorkflowDocument, taken: Set<string>): WorkflowDocument {
  if (!taken.has(doc.id)) return doc;
  const stem = doc.id.replace(/-\d+$/, "");
  for (let n = 2; ; n++) {
    const id = `${stem}-${n}`;
    if (!taken.has(id)) return { ...doc, id };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);
/** An n8n node type: a package's (`n8n-nodes-base.slack`, `@n8n/n8n-nodes-langchain.agent`, a community `n8n-nodes-x.y`). */
const N8N_NODE_TYPE = /^(@[\w.-]+\/)?n8n-nodes-[\w.-]+\.\w/;

/**
 * Whether a parsed file is an n8n workflow export rather than a WFAIB document: its `nodes` each have
 * a `name` and a `type` (at least one from an n8n package) and its `connections` are keyed by node
 * name; a WFAIB document has a `trigger` and `edges` instead.
 */
export function isN8nExport(value: unknown): boolean {
  if (!isObject(value) || "trigger" in value) return false;
  const { nodes, connections } = value;
  if (!Array.isArray(nodes) || !nodes.length || !isObject(connections)) return false;
  const names = new Set<string>();
  for (const node of nodes) {
    if (!isObject(node) || typeof node.name !== "string" || typeof node.type !== "string") return false;
    names.add(node.name);
  }
  return nodes.some((node) => N8N_NODE_TYPE.test(String((node as Record<string, unknown>).type))) && Object.keys(connections).every((name) => names.has(name));
}
