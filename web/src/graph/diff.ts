// What changed between two versions of a workflow, node by node: for the conflict dialog and
// the version history.
import type { Json, WorkflowDocument, WorkflowNode } from "../api/types";
import { edgeId } from "./workflow";

export interface NodeChange {
  id: string;
  fields: string[];
}

export interface WorkflowDiff {
  addedNodes: string[];
  removedNodes: string[];
  changedNodes: NodeChange[];
  addedEdges: string[];
  removedEdges: string[];
  changedFields: string[];
}

/** Deep equality for JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  const ak = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function nodeFields(before: WorkflowNode, after: WorkflowNode, includePositions: boolean): string[] {
  const fields = new Set<string>();
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === "position" && !includePositions) continue;
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (key === "params" && a && b && typeof a === "object" && typeof b === "object") {
      for (const param of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!jsonEqual((a as Record<string, Json>)[param], (b as Record<string, Json>)[param])) fields.add(`params.${param}`);
      }
    } else if (!jsonEqual(a ?? null, b ?? null)) {
      fields.add(key);
    }
  }
  return [...fields].sort();
}

export function diffWorkflows(before: WorkflowDocument, after: WorkflowDocument, { includePositions = false } = {}): WorkflowDiff {
  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterNodes = new Map(after.nodes.map((node) => [node.id, node]));
  const beforeEdges = new Set(before.edges.map(edgeId));
  const afterEdges = new Set(after.edges.map(edgeId));
  const changedNodes: NodeChange[] = [];
  for (const [id, node] of afterNodes) {
    const old = beforeNodes.get(id);
    if (!old) continue;
    const fields = nodeFields(old, node, includePositions);
    if (fields.length) changedNodes.push({ id, fields });
  }
  const topLevel = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changedFields = [...topLevel]
    .filter((key) => !["nodes", "edges"].includes(key))
    .filter((key) => !jsonEqual((before as Record<string, unknown>)[key] ?? null, (after as Record<string, unknown>)[key] ?? null))
    .sort();
  return {
    addedNodes: [...afterNodes.keys()].filter((id) => !beforeNodes.has(id)),
    removedNodes: [...beforeNodes.keys()].filter((id) => !afterNodes.has(id)),
    changedNodes,
    addedEdges: [...afterEdges].filter((id) => !beforeEdges.has(id)),
    removedEdges: [...beforeEdges].filter((id) => !afterEdges.has(id)),
    changedFields,
  };
}

/** One line per change, for people. */
export function describeDiff(diff: WorkflowDiff): string[] {
  return [
    ...diff.changedFields.map((field) => `changed ${field}`),
    ...diff.addedNodes.map((id) => `added node ${id}`),
    ...diff.removedNodes.map((id) => `removed node ${id}`),
    ...diff.changedNodes.map((change) => `changed ${change.id}: ${change.fields.join(", ")}`),
    ...diff.addedEdges.map((id) => `added edge ${id}`),
    ...diff.removedEdges.map((id) => `removed edge ${id}`),
  ];
}

export type MergeResult = { merged: WorkflowDocument; conflicts: string[] };

/**
 * Three-way merge at node granularity: take theirs, then re-apply every node, edge and top-level
 * field that I changed since `base`. A node both sides changed differently is a conflict; mine wins
 * there (I am the one saving) and the conflict is reported so the user can check it.
 */
export function mergeWorkflows(base: WorkflowDocument, mine: WorkflowDocument, theirs: WorkflowDocument): MergeResult {
  const my = diffWorkflows(base, mine, { includePositions: true });
  const their = diffWorkflows(base, theirs, { includePositions: true });
  const conflicts: string[] = [];
  const theirChanged = new Set([...their.changedNodes.map((c) => c.id), ...their.removedNodes]);
  let nodes = [...theirs.nodes];
  const mineById = new Map(mine.nodes.map((node) => [node.id, node]));
  for (const change of my.changedNodes) {
    if (theirChanged.has(change.id)) conflicts.push(change.id);
    const node = mineById.get(change.id)!;
    nodes = nodes.some((n) => n.id === change.id) ? nodes.map((n) => (n.id === change.id ? node : n)) : [...nodes, node];
  }
  for (const id of my.addedNodes) {
    if (nodes.some((n) => n.id === id)) conflicts.push(id);
    nodes = [...nodes.filter((n) => n.id !== id), mineById.get(id)!];
  }
  for (const id of my.removedNodes) {
    if (theirChanged.has(id)) conflicts.push(id);
    nodes = nodes.filter((n) => n.id !== id);
  }
  const ids = new Set(nodes.map((n) => n.id));
  const removedEdges = new Set(my.removedEdges);
  const edges = theirs.edges.filter((edge) => !removedEdges.has(edgeId(edge)));
  const present = new Set(edges.map(edgeId));
  for (const edge of mine.edges) if (my.addedEdges.includes(edgeId(edge)) && !present.has(edgeId(edge))) edges.push(edge);
  const merged: WorkflowDocument = { ...theirs, nodes, edges: edges.filter((e) => (e.source === "trigger" || ids.has(e.source)) && ids.has(e.target)) };
  for (const field of my.changedFields) {
    if (their.changedFields.includes(field)) conflicts.push(field);
    (merged as Record<string, unknown>)[field] = (mine as Record<string, unknown>)[field];
  }
  return { merged, conflicts: [...new Set(conflicts)].sort() };
}
