import { describe, expect, it } from "vitest";
import type { RunStep } from "../api/types";
import { isFinished, lastOutputs, nodeStatuses, stepsOfNode } from "./runStatus";

function step(state: string, nodes: string[], status: string, output: unknown = null): RunStep {
  return { state, type: "Pass", nodes, status, started_at: null, ended_at: null, duration_ms: 1, input: null, output: output as never, error: null, cause: null, attempts: 0 };
}

describe("nodeStatuses", () => {
  it("colours every node of a folded state and lets the worst iteration of a loop win", () => {
    const steps = [
      step("set", ["set", "transform"], "succeeded"),
      step("loop_body", ["call"], "succeeded"),
      step("loop_body", ["call"], "failed"),
      step("loop_body", ["call"], "succeeded"),
      step("next", ["next"], "running"),
      step("handled", ["risky"], "caught"),
    ];
    expect(Object.fromEntries(nodeStatuses(steps))).toEqual({ set: "succeeded", transform: "succeeded", call: "failed", next: "running", risky: "caught" });
  });

  it("reads unknown failure statuses as failed", () => {
    expect(nodeStatuses([step("a", ["a"], "TIMED_OUT")]).get("a")).toBe("failed");
  });
});

describe("steps and outputs", () => {
  it("finds a node's steps and the last successful output of each node", () => {
    const steps = [step("a", ["a"], "succeeded", { v: 1 }), step("b", ["b", "c"], "succeeded", { v: 2 }), step("a", ["a"], "succeeded", { v: 3 }), step("d", ["d"], "failed", { v: 4 })];
    expect(stepsOfNode(steps, "a")).toHaveLength(2);
    expect(Object.fromEntries(lastOutputs(steps))).toEqual({ a: { v: 3 }, b: { v: 2 }, c: { v: 2 } });
    expect(isFinished("RUNNING")).toBe(false);
    expect(isFinished("SUCCEEDED")).toBe(true);
  });
});
