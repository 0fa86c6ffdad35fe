import { describe, expect, it } from "vitest";
import type { WorkflowDocument } from "../api/types";
import { servedNodeTypes } from "../catalog/servedNodeTypes";
import { buildCatalog } from "../catalog/catalog";
import {
  addNode,
  connect,
  copySelection,
  edgeId,
  emptyWorkflow,
  isValidNodeId,
  paste,
  removeElements,
  renameNode,
  slugify,
  uniqueNodeId,
  upstreamNodes,
} from "./workflow";

const catalog = buildCatalog(servedNodeTypes(), []);

function workflow(): WorkflowDocument {
  return {
    id: "wf",
    name: "wf",
    trigger: { type: "manual" },
    nodes: [
      { id: "fetch", type: "data.set", params: { fields: { a: 1 } }, position: { x: 0, y: 0 } },
      { id: "check", type: "logic.if", params: { condition: "{{ $fetch.a > 0 }}" }, position: { x: 200, y: 0 } },
      { id: "yes", type: "data.transform", params: { output: "{{ $fetch.a }}" }, position: { x: 400, y: 0 } },
      { id: "no", type: "logic.fail", position: { x: 400, y: 100 } },
    ],
    edges: [
      { source: "fetch", target: "check" },
      { source: "check", target: "yes", branch: "true" },
      { source: "check", target: "no", branch: "false" },
    ],
  };
}

describe("node ids", () => {
  it("derives ids from the type, avoids taken and reserved names", () => {
    const doc = workflow();
    expect(uniqueNodeId(doc, "slack.post_message")).toBe("post_message");
    expect(uniqueNodeId(doc, "data.fetch")).toBe("fetch_2");
    expect(uniqueNodeId(doc, "data.filter")).toBe("filter_2"); // $filter is a JSONata function
    expect(isValidNodeId("sum")).toBe(false);
    expect(isValidNodeId("trigger")).toBe(false);
    expect(isValidNodeId("9lives")).toBe(false);
    expect(isValidNodeId("total_9")).toBe(true);
  });

  it("slugifies names into workflow ids", () => {
    expect(slugify("Route Orders by Value!")).toBe("route-orders-by-value");
    expect(slugify("***")).toMatch(/^workflow-/);
  });
});

describe("addNode", () => {
  it("adds a node with its schema defaults at a rounded position", () => {
    const { doc, id } = addNode(emptyWorkflow("x", "x"), catalog.get("logic.loop")!, { x: 10.6, y: 20.2 });
    expect(id).toBe("loop");
    expect(doc.nodes[0]).toEqual({ id: "loop", type: "logic.loop", params: { max_concurrency: 0 }, position: { x: 11, y: 20 } });
  });
});

describe("connect", () => {
  it("connects a plain output once and refuses duplicates, self-loops and edges into the trigger", () => {
    const doc = workflow();
    const added = connect(doc, "yes", null, "no");
    expect(added.ok && added.doc.edges.map(edgeId)).toContain("yes:->no");
    expect(connect(doc, "fetch", null, "check")).toEqual({ ok: false, reason: "Those nodes are already connected." });
    expect(connect(doc, "yes", null, "yes").ok).toBe(false);
    expect(connect(doc, "yes", null, "trigger").ok).toBe(false);
    expect(connect(doc, "ghost", null, "yes").ok).toBe(false);
  });

  it("moves a named branch instead of giving it two targets", () => {
    const result = connect(workflow(), "check", "true", "no");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const fromTrue = result.doc.edges.filter((e) => e.source === "check" && e.branch === "true");
    expect(fromTrue).toEqual([{ source: "check", target: "no", branch: "true" }]);
  });

  it("switches a node to on_error=branch when its error output is connected", () => {
    const result = connect(workflow(), "yes", "error", "no");
    expect(result.ok && result.doc.nodes.find((n) => n.id === "yes")?.on_error).toBe("branch");
  });
});

describe("removeElements", () => {
  it("removes nodes with their edges, and single edges", () => {
    const doc = removeElements(workflow(), ["check"]);
    expect(doc.nodes.map((n) => n.id)).toEqual(["fetch", "yes", "no"]);
    expect(doc.edges).toEqual([]);
    const edgeOnly = removeElements(workflow(), [], ["check:true->yes"]);
    expect(edgeOnly.edges.map(edgeId)).toEqual(["fetch:->check", "check:false->no"]);
  });
});

describe("copy and paste", () => {
  it("pastes fresh ids, keeps inner edges, shifts positions and follows renamed references", () => {
    const doc = workflow();
    const clip = copySelection(doc, ["fetch", "check"]);
    expect(clip.edges).toEqual([{ source: "fetch", target: "check" }]);
    const { doc: pasted, ids } = paste(doc, clip);
    expect(ids).toEqual(["fetch_2", "check_2"]);
    const check2 = pasted.nodes.find((n) => n.id === "check_2")!;
    expect(check2.params).toEqual({ condition: "{{ $fetch_2.a > 0 }}" });
    expect(check2.position).toEqual({ x: 240, y: 40 });
    expect(pasted.edges.map(edgeId)).toContain("fetch_2:->check_2");
    expect(pasted.nodes.find((n) => n.id === "check")!.params).toEqual({ condition: "{{ $fetch.a > 0 }}" });
  });
});

describe("renameNode", () => {
  it("renames edges and expressions that read the node, and nothing else", () => {
    const doc = renameNode(workflow(), "fetch", "order");
    expect(doc.nodes.map((n) => n.id)).toEqual(["order", "check", "yes", "no"]);
    expect(doc.nodes[1].params).toEqual({ condition: "{{ $order.a > 0 }}" });
    expect(doc.nodes[2].params).toEqual({ output: "{{ $order.a }}" });
    expect(doc.edges[0]).toEqual({ source: "order", target: "check" });
  });
});

describe("upstreamNodes", () => {
  it("lists every node with a path to the node, in document order, not across error edges", () => {
    const doc = workflow();
    expect(upstreamNodes(doc, "yes")).toEqual(["fetch", "check"]);
    expect(upstreamNodes(doc, "fetch")).toEqual([]);
    const withError = { ...doc, edges: [...doc.edges, { source: "no", target: "yes", branch: "error" }] };
    expect(upstreamNodes(withError, "yes")).toEqual(["fetch", "check"]);
  });
});
