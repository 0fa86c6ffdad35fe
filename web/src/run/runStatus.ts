// A run's step timeline, seen per node: what colour each node is and which steps it had.
import type { RunStep } from "../api/types";

export type NodeRunStatus = "running" | "succeeded" | "failed" | "caught";

const RANK: Record<NodeRunStatus, number> = { succeeded: 0, caught: 1, running: 2, failed: 3 };

function normalise(status: string): NodeRunStatus {
  const lower = status.toLowerCase();
  if (lower === "succeeded" || lower === "caught" || lower === "running" || lower === "failed") return lower;
  return lower.includes("fail") || lower.includes("timed") || lower.includes("abort") ? "failed" : "running";
}

/**
 * The status of every node that has run. A node inside a loop runs once per item: it shows the
 * most telling status of its steps (failed over running over caught over succeeded).
 */
export function nodeStatuses(steps: RunStep[]): Map<string, NodeRunStatus> {
  const statuses = new Map<string, NodeRunStatus>();
  for (const step of steps) {
    const status = normalise(step.status);
    for (const node of step.nodes) {
      const previous = statuses.get(node);
      if (previous === undefined || RANK[status] > RANK[previous]) statuses.set(node, status);
    }
  }
  return statuses;
}

/** The steps in which a node ran, in order. */
export function stepsOfNode(steps: RunStep[], nodeId: string): RunStep[] {
  return steps.filter((step) => step.nodes.includes(nodeId));
}

export function isFinished(status: string): boolean {
  return status !== "RUNNING" && status !== "PENDING_REDRIVE";
}

/** A step's output for one node: a folded state reports its last node's output as the state's. */
export function lastOutputs(steps: RunStep[]): Map<string, unknown> {
  const outputs = new Map<string, unknown>();
  for (const step of steps) {
    if (step.status !== "succeeded") continue;
    for (const node of step.nodes) outputs.set(node, step.output);
  }
  return outputs;
}
