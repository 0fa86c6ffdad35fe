import { describe, expect, it } from "vitest";
import { importableDocument, isN8nExport, withFreshId } from "./importExport";

const n8n = {
  name: "Chat bot",
  nodes: [
    { id: "1", name: "Telegram Trigger", type: "n8n-nodes-base.telegramTrigger", parameters: {}, position: [0, 0] },
    { id: "2", name: "OpenAI", type: "@n8n/n8n-nodes-langchain.openAi", parameters: {}, position: [200, 0] },
  ],
  connections: { "Telegram Trigger": { main: [[{ node: "OpenAI", type: "main", index: 0 }]] } },
  pinData: {},
};
const wfaib = { id: "hello", name: "Hello", trigger: { type: "manual" }, nodes: [{ id: "greet", type: "data.set" }], edges: [] };

describe("isN8nExport", () => {
  it("recognises an n8n export by its typed, named nodes and connections keyed by node name", () => {
    expect(isN8nExport(n8n)).toBe(true);
    expect(isN8nExport({ nodes: [{ name: "Run", type: "n8n-nodes-gcf.gcf" }], connections: {} })).toBe(true);
  });

  it("leaves WFAIB documents, API records and other JSON to the workflow import", () => {
    expect(isN8nExport(wfaib)).toBe(false);
    expect(isN8nExport({ id: "hello", version: 3, document: wfaib })).toBe(false);
    expect(isN8nExport([n8n])).toBe(false);
    expect(isN8nExport(null)).toBe(false);
    expect(isN8nExport({ ...n8n, nodes: [] })).toBe(false);
  });

  it("wants an n8n node type, names on every node and connections naming them", () => {
    expect(isN8nExport({ ...n8n, nodes: n8n.nodes.map((node) => ({ ...node, type: "custom.thing" })) })).toBe(false);
    expect(isN8nExport({ ...n8n, nodes: [{ type: "n8n-nodes-base.set" }] })).toBe(false);
    expect(isN8nExport({ ...n8n, connections: { Elsewhere: {} } })).toBe(false);
    expect(isN8nExport({ ...n8n, connections: [] })).toBe(false);
  });
});

describe("importableDocument and withFreshId", () => {
  it("unwraps an API record and renames a taken id", () => {
    const doc = importableDocument({ id: "hello", version: 3, document: wfaib });
    expect(doc.id).toBe("hello");
    expect(withFreshId(doc, new Set(["hello", "hello-2"])).id).toBe("hello-3");
    expect(() => importableDocument(n8n)).toThrow("it has no `trigger`");
  });
});
