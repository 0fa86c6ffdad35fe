import { describe, expect, it } from "vitest";
import type { WorkflowDocument } from "../api/types";
import { describeDiff, diffWorkflows, jsonEqual, mergeWorkflows } from "./diff";

const base: WorkflowDocument = {
  id: "wf",
  name: "Orders",
  trigger: { type: "manual" },
  nodes: [
    { id: "a", type: "data.set", params: { fields: { x: 1 } }, position: { x: 0, y: 0 } },
    { id: "b", type: "data.set", params: { fields: { y: 2 } }, position: { x: 200, y: 0 } },
  ],
  edges: [{ source: "a", target: "b" }],
};

function edit(change: (doc: WorkflowDocument) => void): WorkflowDocument {
  const copy = JSON.parse(JSON.stringify(base)) as WorkflowDocument;
  change(copy);
  return copy;
}

describe("jsonEqual", () => {
  it("ignores key order and undefined keys, not values", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, z: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});

describe("diffWorkflows", () => {
  it("names added, removed and changed nodes down to the param, and edges", () => {
    const after = edit((d) => {
      d.name = "Orders v2";
      d.nodes[0].params = { fields: { x: 5 } };
      d.nodes.pop();
      d.nodes.push({ id: "c", type: "logic.stop" });
      d.edges = [{ source: "a", target: "c" }];
    });
    const diff = diffWorkflows(base, after);
    expect(diff).toEqual({
      addedNodes: ["c"],
      removedNodes: ["b"],
      changedNodes: [{ id: "a", fields: ["params.fields"] }],
      addedEdges: ["a:->c"],
      removedEdges: ["a:->b"],
      changedFields: ["name"],
    });
    expect(describeDiff(diff)).toContain("changed a: params.fields");
  });

  it("ignores moved nodes unless asked", () => {
    const moved = edit((d) => (d.nodes[0].position = { x: 50, y: 50 }));
    expect(describeDiff(diffWorkflows(base, moved))).toEqual([]);
    expect(diffWorkflows(base, moved, { includePositions: true }).changedNodes).toEqual([{ id: "a", fields: ["position"] }]);
  });
});

describe("mergeWorkflows", () => {
  it("keeps both sides when they changed different nodes", () => {
    const mine = edit((d) => (d.nodes[0].params = { fields: { x: 10 } }));
    const theirs = edit((d) => {
      d.nodes[1].params = { fields: { y: 20 } };
      d.nodes.push({ id: "c", type: "logic.stop" });
      d.edges.push({ source: "b", target: "c" });
    });
    const { merged, conflicts } = mergeWorkflows(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.nodes.map((n) => [n.id, n.params])).toEqual([
      ["a", { fields: { x: 10 } }],
      ["b", { fields: { y: 20 } }],
      ["c", undefined],
    ]);
    expect(merged.edges).toHaveLength(2);
  });

  it("reports a node both changed, keeping mine, and applies my deletions and new edges", () => {
    const mine = edit((d) => {
      d.nodes[1].params = { fields: { y: "mine" } };
      d.nodes.push({ id: "d", type: "logic.stop" });
      d.edges.push({ source: "b", target: "d" });
    });
    const theirs = edit((d) => {
      d.nodes[1].params = { fields: { y: "theirs" } };
      d.name = "Renamed";
    });
    const { merged, conflicts } = mergeWorkflows(base, mine, theirs);
    expect(conflicts).toEqual(["b"]);
    expect(merged.name).toBe("Renamed");
    expect(merged.nodes.find((n) => n.id === "b")!.params).toEqual({ fields: { y: "mine" } });
    expect(merged.edges.map((e) => `${e.source}->${e.target}`)).toEqual(["a->b", "b->d"]);

    const deleting = edit((d) => {
      d.nodes = d.nodes.filter((n) => n.id !== "b");
      d.edges = [];
    });
    const afterDelete = mergeWorkflows(base, deleting, theirs);
    expect(afterDelete.merged.nodes.map((n) => n.id)).toEqual(["a"]);
    expect(afterDelete.merged.edges).toEqual([]);
    expect(afterDelete.conflicts).toEqual(["b"]);
  });
});
