// Import: accept a workflow document, or an API record/version that wraps one; give it an id the
// tenant does not use yet.
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
