import { describe, expect, it } from "vitest";
import type { Connector, WorkflowNode } from "../api/types";
import catalogJson from "../../../connectors/catalog.json";
import { servedNodeTypes } from "./servedNodeTypes";
import { RESERVED_IDS, buildCatalog, builtinCategory, hasInput, outputHandles, outputShape, searchCatalog } from "./catalog";

const catalog = buildCatalog(servedNodeTypes(), catalogJson as unknown as Connector[]);
const handles = (node: WorkflowNode) => outputHandles(node, catalog.get(node.type)).map((h) => `${h.kind}:${h.branch ?? ""}`);

describe("outputHandles", () => {
  it("shows if branches, loop each/done and switch cases plus default, without a plain output", () => {
    expect(handles({ id: "a", type: "logic.if" })).toEqual(["branch:true", "branch:false"]);
    expect(handles({ id: "a", type: "logic.loop" })).toEqual(["branch:each", "branch:done"]);
    expect(handles({ id: "a", type: "logic.switch", params: { cases: [{ name: "vip", condition: "" }, { name: "eu", condition: "" }] } })).toEqual(["branch:vip", "branch:eu", "branch:default"]);
  });

  it("gives actions, code and approvals an error output, data steps none, stops no output", () => {
    const action = [...catalog.values()].find((info) => info.kind === "action")!;
    expect(handles({ id: "a", type: action.type })).toEqual(["plain:", "error:error"]);
    expect(handles({ id: "a", type: "code.python" })).toEqual(["plain:", "error:error"]);
    expect(handles({ id: "a", type: "logic.approval" })).toEqual(["plain:", "branch:rejected", "error:error"]);
    expect(handles({ id: "a", type: "data.set" })).toEqual(["plain:"]);
    expect(handles({ id: "a", type: "logic.stop" })).toEqual([]);
    expect(hasInput(catalog.get("logic.error_handler"))).toBe(false);
  });
});

describe("buildCatalog and searchCatalog", () => {
  it("takes every built-in type the API serves, grouped by prefix, and its reserved ids", () => {
    for (const entry of servedNodeTypes().node_types) {
      expect(catalog.get(entry.type)).toMatchObject({ kind: entry.kind, title: entry.title, outputs: entry.outputs, inputSchema: entry.input_schema, connector: null });
    }
    expect(RESERVED_IDS.has("sum")).toBe(true);
    expect(builtinCategory("logic.if")).toBe("Logic");
    expect(builtinCategory("ai.llm")).toBe("AI");
    expect(builtinCategory("webhook.respond")).toBe("Webhook");
  });

  it("offers a node type the API adds without any change here", () => {
    const added = buildCatalog({ node_types: [{ type: "brand.new", version: 1, kind: "data", title: "Brand new", description: "", outputs: ["left", "right"], input_schema: { type: "object" } }], reserved_ids: [] }, []);
    expect(searchCatalog(added.values(), "brand")[0]).toMatchObject({ type: "brand.new", category: "Brand" });
    expect(outputHandles({ id: "b", type: "brand.new" }, added.get("brand.new")).map((h) => h.branch)).toEqual([null, "left", "right"]);
  });

  it("has built-ins and connector actions with their auth", () => {
    const slack = [...catalog.values()].filter((info) => info.connector === "slack");
    expect(slack.length).toBeGreaterThanOrEqual(3);
    expect(slack[0].auth).not.toBeNull();
    expect(catalog.get("data.set")?.category).toBe("Data");
  });

  it("matches every word, best type prefix first", () => {
    const results = searchCatalog(catalog.values(), "set fields");
    expect(results[0].type).toBe("data.set");
    expect(searchCatalog(catalog.values(), "slack").every((info) => `${info.title} ${info.type} ${info.category}`.toLowerCase().includes("slack"))).toBe(true);
    expect(searchCatalog(catalog.values(), "zzz-nothing")).toEqual([]);
  });
});

describe("outputShape", () => {
  it("uses the action's output schema, or what a data step builds", () => {
    expect(outputShape({ id: "c", type: "github.add_comment" }, catalog.get("github.add_comment"))).toMatchObject({ html_url: "" });
    expect(outputShape({ id: "s", type: "data.set", params: { fields: { lane: "fast" } } }, catalog.get("data.set"))).toEqual({ lane: "fast" });
    expect(outputShape({ id: "t", type: "data.transform", params: { output: { n: "{{ 1 }}" } } }, catalog.get("data.transform"))).toEqual({ n: "{{ 1 }}" });
    expect(outputShape({ id: "w", type: "logic.wait" }, catalog.get("logic.wait"))).toBeUndefined();
  });
});
