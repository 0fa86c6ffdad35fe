// The zoomed-out canvas draws every connection as one SVG path per style instead of React Flow's
// edges: React Flow wraps each edge in its own <svg>, and with a thousand of them the browser spends
// most of every pan frame re-layering them (measured in benchmarks/bench_editor.py). Below the
// detail zoom the handles are hidden anyway, so anchors computed from the node boxes are exact enough.
import type { Position } from "../api/types";

export interface OverviewNode {
  id: string;
  position: Position;
  width: number;
  height: number;
  /** The node's output handle ids (the branch, or "out") in the order they are drawn, top to bottom. */
  outputs: string[];
}

export interface OverviewEdge {
  source: string;
  target: string;
  /** The output handle id ("out" or the branch). */
  sourceHandle: string;
  className: string;
}

export interface OverviewPath {
  className: string;
  d: string;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Where a node's output handle sits: on its right edge, spread evenly as WfNode draws them. */
export function outputAnchor(node: OverviewNode, handle: string): Position {
  const index = Math.max(0, node.outputs.indexOf(handle));
  return { x: node.position.x + node.width, y: node.position.y + (node.height * (index + 1)) / (node.outputs.length + 1) };
}

/** Where a node's input sits: the middle of its left edge. */
export function inputAnchor(node: OverviewNode): Position {
  return { x: node.position.x, y: node.position.y + node.height / 2 };
}

/** One path per edge style (class name), each a series of cubic curves from output to input. */
export function overviewPaths(nodes: Iterable<OverviewNode>, edges: Iterable<OverviewEdge>): OverviewPath[] {
  const byId = new Map<string, OverviewNode>();
  for (const node of nodes) byId.set(node.id, node);
  const parts = new Map<string, string[]>();
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const from = outputAnchor(source, edge.sourceHandle);
    const to = inputAnchor(target);
    const bend = Math.max(25, Math.abs(to.x - from.x) / 2);
    const segment = `M${round(from.x)} ${round(from.y)}C${round(from.x + bend)} ${round(from.y)} ${round(to.x - bend)} ${round(to.y)} ${round(to.x)} ${round(to.y)}`;
    const list = parts.get(edge.className) ?? [];
    list.push(segment);
    parts.set(edge.className, list);
  }
  return [...parts].map(([className, segments]) => ({ className, d: segments.join("") }));
}
