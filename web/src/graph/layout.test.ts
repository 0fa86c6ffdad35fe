import { describe, expect, it } from "vitest";
import type { WorkflowDocument } from "../api/types";
import { autoLayout, ensurePositions, layoutPositions, triggerPosition } from "./layout";

const doc: WorkflowDocument = {
  id: "wf",
  name: "wf",
  trigger: { type: "manual" },
  nodes: [
    { id: "c", type: "logic.stop" },
    { id: "a", type: "data.set" },
    { id: "b1", type: "data.set" },
    { id: "b2", type: "data.set" },
  ],
  edges: [
    { source: "a", target: "b1" },
    { source: "a", target: "b2" },
    { source: "b1", target: "c" },
    { source: "b2", target: "c" },
  ],
};

describe("layout", () => {
  it("places each node right of what leads to it, branches apart, trigger first", () => {
    const p = layoutPositions(doc);
    expect(p.get("trigger")!.x).toBeLessThan(p.get("a")!.x);
    expect(p.get("a")!.x).toBeLessThan(p.get("b1")!.x);
    expect(p.get("b1")!.x).toBe(p.get("b2")!.x);
    expect(p.get("b1")!.y).not.toBe(p.get("b2")!.y);
    expect(p.get("b1")!.x).toBeLessThan(p.get("c")!.x);
  });

  it("lays out only documents with unplaced nodes", () => {
    const placed = autoLayout(doc);
    expect(placed.nodes.every((n) => n.position)).toBe(true);
    expect(ensurePositions(placed)).toBe(placed);
    expect(triggerPosition(placed).x).toBeLessThan(Math.min(...placed.nodes.map((n) => n.position!.x)));
  });
});
