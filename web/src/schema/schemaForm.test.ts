import { describe, expect, it } from "vitest";
import type { JsonObject } from "../api/types";
import { servedNodeTypes } from "../catalog/servedNodeTypes";
import { buildCatalog } from "../catalog/catalog";
import catalogJson from "../../../connectors/catalog.json";
import type { Connector } from "../api/types";
import { defaultsFromSchema, displayValue, fieldProblems, fieldsFromSchema, parseFieldValue, resolveRef, sampleFromSchema, unwrapNullable } from "./schemaForm";

const catalog = buildCatalog(servedNodeTypes(), catalogJson as unknown as Connector[]);

describe("fieldsFromSchema on the real catalog", () => {
  it("builds the if node's form: one required text field with its help", () => {
    const [condition] = fieldsFromSchema(catalog.get("logic.if")!.inputSchema);
    expect(condition).toMatchObject({ name: "condition", title: "Condition", required: true, kind: "string" });
    expect(condition.description).toContain("true or false");
  });

  it("turns enums, optional (anyOf null) fields and defaults into the right controls", () => {
    const fields = fieldsFromSchema(catalog.get("data.aggregate")!.inputSchema);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(byName.operation).toMatchObject({ kind: "enum", required: true, options: ["count", "sum", "average", "min", "max", "concat", "group_by"] });
    expect(byName.field).toMatchObject({ kind: "string", nullable: true, required: false });
    expect(byName.field.schema.pattern).toBe("^[A-Za-z_][A-Za-z0-9_.]*$");
    expect(byName.items).toMatchObject({ kind: "json", defaultValue: "{{ $input }}" });
  });

  it("gives integers and numbers their own kinds and every connector action a form", () => {
    const loop = Object.fromEntries(fieldsFromSchema(catalog.get("logic.loop")!.inputSchema).map((f) => [f.name, f.kind]));
    expect(loop).toMatchObject({ max_concurrency: "integer", tolerated_failure_percentage: "number", batch_size: "integer" });
    const actions = [...catalog.values()].filter((info) => info.kind === "action");
    expect(actions.length).toBeGreaterThan(10);
    for (const action of actions) {
      const fields = fieldsFromSchema(action.inputSchema);
      const required = (action.inputSchema.required as string[] | undefined) ?? [];
      expect(fields.filter((f) => f.required).map((f) => f.name).sort()).toEqual([...required].sort());
    }
  });

  it("resolves $ref into $defs (switch cases)", () => {
    const schema = catalog.get("logic.switch")!.inputSchema;
    const [cases] = fieldsFromSchema(schema);
    expect(cases.kind).toBe("json");
    const item = resolveRef(cases.schema.items as JsonObject, schema);
    expect(Object.keys(item.properties as JsonObject)).toEqual(["name", "condition"]);
  });
});

describe("unwrapNullable", () => {
  it("keeps a real union as it is", () => {
    const union = { anyOf: [{ type: "integer" }, { type: "string" }, { type: "null" }] };
    expect(unwrapNullable(union, {})).toEqual({ schema: union, nullable: true });
  });
});

describe("defaultsFromSchema", () => {
  it("fills non-null defaults only", () => {
    expect(defaultsFromSchema(catalog.get("logic.approval")!.inputSchema)).toMatchObject({ timeout_seconds: 604800 });
    const schema: JsonObject = { type: "object", properties: { a: { type: "integer", default: 3 }, b: { anyOf: [{ type: "string" }, { type: "null" }], default: null }, c: { type: "string" } } };
    expect(defaultsFromSchema(schema)).toEqual({ a: 3 });
    expect(defaultsFromSchema(catalog.get("logic.wait")!.inputSchema)).toEqual({});
  });
});

describe("parseFieldValue", () => {
  const [integerField] = fieldsFromSchema({ properties: { n: { type: "integer" } } });
  const [jsonField] = fieldsFromSchema({ properties: { j: {} } });

  it("parses numbers and rejects what is not one, but lets an expression through", () => {
    expect(parseFieldValue(integerField, "42")).toEqual({ ok: true, value: 42 });
    expect(parseFieldValue(integerField, "4.2").ok).toBe(false);
    expect(parseFieldValue(integerField, "{{ $input.n }}")).toEqual({ ok: true, value: "{{ $input.n }}" });
    expect(parseFieldValue(integerField, "  ")).toEqual({ ok: true, value: undefined });
  });

  it("parses JSON with expressions inside as JSON, a lone expression or bare word as text", () => {
    expect(parseFieldValue(jsonField, '{"a": "{{ $trigger.x }}"}')).toEqual({ ok: true, value: { a: "{{ $trigger.x }}" } });
    expect(parseFieldValue(jsonField, "{{ $input.items }}")).toEqual({ ok: true, value: "{{ $input.items }}" });
    expect(parseFieldValue(jsonField, "hello")).toEqual({ ok: true, value: "hello" });
    expect(parseFieldValue(jsonField, '{"a": ').ok).toBe(false);
  });

  it("shows JSON values as indented text and strings as they are", () => {
    expect(displayValue(jsonField, { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(displayValue(jsonField, "{{ $input }}")).toBe("{{ $input }}");
    expect(displayValue(integerField, undefined)).toBe("");
  });
});

describe("fieldProblems", () => {
  it("flags missing required fields, enum misses, patterns and bounds, but not expressions", () => {
    const schema = catalog.get("data.aggregate")!.inputSchema;
    const fields = fieldsFromSchema(schema);
    expect(fieldProblems(fields, {}).get("operation")).toBe("Operation is required.");
    expect(fieldProblems(fields, { operation: "median" }).get("operation")).toContain("Choose one of");
    expect(fieldProblems(fields, { operation: "sum", field: "1bad" }).get("field")).toContain("Must match");
    expect(fieldProblems(fields, { operation: "{{ $trigger.op }}" }).size).toBe(0);
    const loop = fieldsFromSchema(catalog.get("logic.loop")!.inputSchema);
    expect(fieldProblems(loop, { items: [], max_concurrency: -1 }).get("max_concurrency")).toBe("At least 0.");
  });
});

describe("sampleFromSchema", () => {
  it("follows refs, nullable fields, lists and nested objects of a real output schema", () => {
    const action = catalog.get("github.add_comment")!;
    expect(sampleFromSchema(action.outputSchema!)).toEqual({ id: 0, body: "", html_url: "", user: { login: "", id: 0 }, created_at: "" });
    expect(sampleFromSchema({ type: "array", items: { type: "object", properties: { a: { type: "boolean" } } } })).toEqual([{ a: false }]);
  });
});
