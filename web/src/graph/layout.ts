// Auto-layout: left-to-right layers with dagre (the layout React Flow's own examples use).
import { Graph, layout } from "@dagrejs/dagre";
import type { Position, WorkflowDocument } from "../api/types";
import { TRIGGER_ID, moveNodes } from "./workflow";

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;

/** New positions for every node (the trigger sits left of the first nodes). */
export function layoutPositions(doc: WorkflowDocument): Map<string, Position> {
  const graph = new Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  graph.setNode(TRIGGER_ID, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const targets = new Set(doc.edges.map((edge) => edge.target));
  for (const node of doc.nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of doc.edges) {
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target);
  }
  for (const node of doc.nodes) {
    if (!targets.has(node.id) && node.type !== "logic.error_handler") graph.setEdge(TRIGGER_ID, node.id);
  }
  layout(graph);
  const positions = new Map<string, Position>();
  for (const id of graph.nodes()) {
    const placed = graph.node(id) as { x: number; y: number };
    positions.set(id, { x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 });
  }
  return positions;
}

export function autoLayout(doc: WorkflowDocument): WorkflowDocument {
  return moveNodes(doc, layoutPositions(doc));
}

/** Lay out only when some node has no position (imported or hand-written JSON). */
export function ensurePositions(doc: WorkflowDocument): WorkflowDocument {
  return doc.nodes.every((node) => node.position) ? doc : autoLayout(doc);
}

/** Where the trigger node is drawn: left of the leftmost node. */
export function triggerPosition(doc: WorkflowDocument): Position {
  if (doc.nodes.length === 0) return { x: 0, y: 0 };
  const xs = doc.nodes.map((node) => node.position?.x ?? 0);
  const first = doc.nodes.find((node) => !doc.edges.some((edge) => edge.target === node.id)) ?? doc.nodes[0];
  return { x: Math.min(...xs) - NODE_WIDTH - 80, y: first.position?.y ?? 0 };
}
