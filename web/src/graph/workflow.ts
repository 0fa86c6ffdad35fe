// Pure operations on the workflow document: every canvas action is one of these, so undo/redo,
// copy/paste and the keyboard shortcuts share the same tested code.
import type { Json, JsonObject, Position, WorkflowDocument, WorkflowEdge, WorkflowNode } from "../api/types";
import { RESERVED_IDS, type NodeTypeInfo } from "../catalog/catalog";
import { defaultsFromSchema } from "../schema/schemaForm";

export const TRIGGER_ID = "trigger";
const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function edgeId(edge: WorkflowEdge): string {
  return `${edge.source}:${edge.branch ?? ""}->${edge.target}`;
}

export function isValidNodeId(id: string): boolean {
  return ID_PATTERN.test(id) && !RESERVED_IDS.has(id);
}

/** A fresh node id from a base name (`slack.post_message` → `post_message`, then `post_message_2`). */
export function uniqueNodeId(doc: WorkflowDocument, base: string): string {
  let stem = base.split(".").pop()!.replace(/[^A-Za-z0-9_]/g, "_").replace(/^[^A-Za-z]+/, "") || "node";
  stem = stem.slice(0, 56);
  const taken = new Set(doc.nodes.map((node) => node.id));
  if (!taken.has(stem) && isValidNodeId(stem)) return stem;
  for (let n = 2; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!taken.has(candidate) && isValidNodeId(candidate)) return candidate;
  }
}

export function emptyWorkflow(id: string, name: string): WorkflowDocument {
  return { id, name, trigger: { type: "manual", sample_input: {} }, nodes: [], edges: [] };
}

/** A workflow id from a name: lower-case words joined by dashes. */
export function slugify(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return slug && /^[a-z0-9]/.test(slug) ? slug : `workflow-${Date.now().toString(36)}`;
}

export function addNode(doc: WorkflowDocument, info: NodeTypeInfo, position: Position): { doc: WorkflowDocument; id: string } {
  const id = uniqueNodeId(doc, info.type);
  const node: WorkflowNode = { id, type: info.type, params: defaultsFromSchema(info.inputSchema), position: roundPosition(position) };
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

function roundPosition(position: Position): Position {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

export function updateNode(doc: WorkflowDocument, id: string, patch: Partial<WorkflowNode>): WorkflowDocument {
  return { ...doc, nodes: doc.nodes.map((node) => (node.id === id ? dropUndefined({ ...node, ...patch }) : node)) };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function moveNodes(doc: WorkflowDocument, positions: Map<string, Position>): WorkflowDocument {
  if (positions.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((node) => {
      const position = positions.get(node.id);
      return position ? { ...node, position: roundPosition(position) } : node;
    }),
  };
}

export function removeElements(doc: WorkflowDocument, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): WorkflowDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((node) => !nodes.has(node.id)),
    edges: doc.edges.filter((edge) => !nodes.has(edge.source) && !nodes.has(edge.target) && !edges.has(edgeId(edge))),
  };
}

export type ConnectResult = { ok: true; doc: WorkflowDocument } | { ok: false; reason: string };

/** Connect an output handle to a node; an `error` edge also switches the node to on_error=branch. */
export function connect(doc: WorkflowDocument, source: string, branch: string | null, target: string): ConnectResult {
  if (source === target) return { ok: false, reason: "A node cannot connect to itself." };
  if (target === TRIGGER_ID) return { ok: false, reason: "Nothing can lead to the trigger." };
  const known = new Set(doc.nodes.map((node) => node.id));
  if (source !== TRIGGER_ID && !known.has(source)) return { ok: false, reason: `Unknown node '${source}'.` };
  if (!known.has(target)) return { ok: false, reason: `Unknown node '${target}'.` };
  const edge: WorkflowEdge = branch ? { source, target, branch } : { source, target };
  if (doc.edges.some((existing) => edgeId(existing) === edgeId(edge))) return { ok: false, reason: "Those nodes are already connected." };
  // A named branch (true/false, a case, error) leads to one place: reconnecting it moves it.
  const edges = branch ? doc.edges.filter((e) => !(e.source === source && e.branch === branch)) : doc.edges;
  let next: WorkflowDocument = { ...doc, edges: [...edges, edge] };
  if (branch === "error") next = updateNode(next, source, { on_error: "branch" });
  return { ok: true, doc: next };
}

/** Ids of every node with a path to `nodeId` (the nodes whose output it may read). */
export function upstreamNodes(doc: WorkflowDocument, nodeId: string): string[] {
  const incoming = new Map<string, string[]>();
  for (const edge of doc.edges) {
    if (edge.branch === "error") continue;
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source]);
  }
  const seen = new Set<string>();
  const order: string[] = [];
  const stack = [...(incoming.get(nodeId) ?? [])];
  while (stack.length) {
    const current = stack.pop()!;
    if (seen.has(current) || current === nodeId || current === TRIGGER_ID) continue;
    seen.add(current);
    order.push(current);
    stack.push(...(incoming.get(current) ?? []));
  }
  const position = new Map(doc.nodes.map((node, index) => [node.id, index]));
  return order.filter((id) => position.has(id)).sort((a, b) => position.get(a)! - position.get(b)!);
}

export interface Clipboard {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export function copySelection(doc: WorkflowDocument, nodeIds: Iterable<string>): Clipboard {
  const ids = new Set(nodeIds);
  return {
    nodes: doc.nodes.filter((node) => ids.has(node.id)),
    edges: doc.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  };
}

/** Paste with fresh ids, shifted by `offset`; expressions that named a copied node follow its new id. */
export function paste(doc: WorkflowDocument, clipboard: Clipboard, offset: Position = { x: 40, y: 40 }): { doc: WorkflowDocument; ids: string[] } {
  const renamed = new Map<string, string>();
  let scratch = doc;
  for (const node of clipboard.nodes) {
    const id = uniqueNodeId(scratch, node.id.replace(/_\d+$/, ""));
    renamed.set(node.id, id);
    scratch = { ...scratch, nodes: [...scratch.nodes, { id, type: node.type }] };
  }
  const pasted = clipboard.nodes.map((node) => {
    const position = node.position ?? { x: 0, y: 0 };
    return {
      ...node,
      id: renamed.get(node.id)!,
      ...(node.params ? { params: renameReferences(node.params, renamed) as JsonObject } : {}),
      position: { x: position.x + offset.x, y: position.y + offset.y },
    };
  });
  const edges = clipboard.edges.map((edge) => ({ ...edge, source: renamed.get(edge.source)!, target: renamed.get(edge.target)! }));
  return { doc: { ...doc, nodes: [...doc.nodes, ...pasted], edges: [...doc.edges, ...edges] }, ids: [...renamed.values()] };
}

function renameReferences(value: Json, renamed: Map<string, string>): Json {
  if (typeof value === "string") {
    if (!value.includes("{{")) return value;
    return value.replace(/\$([A-Za-z][A-Za-z0-9_]*)/g, (match, name: string) => (renamed.has(name) ? `$${renamed.get(name)}` : match));
  }
  if (Array.isArray(value)) return value.map((item) => renameReferences(item, renamed));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameReferences(v, renamed)]));
  }
  return value;
}

/** Rename a node: its edges and every expression that reads `$old` follow. */
export function renameNode(doc: WorkflowDocument, oldId: string, newId: string): WorkflowDocument {
  const renamed = new Map([[oldId, newId]]);
  return {
    ...doc,
    nodes: doc.nodes.map((node) => ({
      ...node,
      id: node.id === oldId ? newId : node.id,
      ...(node.params ? { params: renameReferences(node.params, renamed) as JsonObject } : {}),
    })),
    edges: doc.edges.map((edge) => ({
      ...edge,
      source: edge.source === oldId ? newId : edge.source,
      target: edge.target === oldId ? newId : edge.target,
    })),
  };
}
