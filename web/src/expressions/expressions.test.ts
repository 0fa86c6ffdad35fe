import { describe, expect, it } from "vitest";
import { applySuggestion, findExpressions, previewJson, previewText, previewValue, suggest, tokenAt, type Scope } from "./expressions";

const scope: Scope = {
  variables: {
    trigger: { customer: { name: "Ada", tier: "gold" }, items: [{ price: 2 }, { price: 3 }] },
    input: { total: 5 },
    fetch_order: { id: "o-1", lines: [{ sku: "A" }] },
    later: undefined,
  },
};

describe("findExpressions", () => {
  it("finds each {{ … }} with its offsets", () => {
    expect(findExpressions("Hi {{ $trigger.name }}, {{1+1}}")).toEqual([
      { start: 3, end: 22, body: "$trigger.name" },
      { start: 24, end: 31, body: "1+1" },
    ]);
  });
});

describe("tokenAt", () => {
  it("sees the $path being typed only inside braces", () => {
    expect(tokenAt("{{ $trigger.cu", 14)).toEqual({ start: 3, token: "$trigger.cu" });
    expect(tokenAt("$trigger.cu", 11)).toBeNull();
    expect(tokenAt("{{ $a }} $b", 11)).toBeNull();
    expect(tokenAt("{{ 1 + ", 7)).toBeNull();
  });
});

describe("suggest", () => {
  it("offers variables and earlier nodes after $, with functions matching the prefix", () => {
    expect(suggest("$", scope).map((s) => s.value)).toEqual(["$trigger", "$input", "$fetch_order", "$later"]);
    expect(suggest("$su", scope).map((s) => s.value)).toEqual(["$sum(", "$substring("]);
  });

  it("offers fields of the sample value, through lists, with a short description", () => {
    expect(suggest("$trigger.", scope)).toEqual([
      { value: "$trigger.customer", detail: "object" },
      { value: "$trigger.items", detail: "list (2)" },
    ]);
    expect(suggest("$trigger.customer.t", scope)).toEqual([{ value: "$trigger.customer.tier", detail: '"gold"' }]);
    expect(suggest("$trigger.items.p", scope)).toEqual([{ value: "$trigger.items.price", detail: "2" }]);
    expect(suggest("$later.", scope)).toEqual([]);
  });
});

describe("applySuggestion", () => {
  it("replaces the token at the cursor and puts the cursor after it", () => {
    const text = "{{ $trig }} rest";
    expect(applySuggestion(text, 8, { value: "$trigger", detail: "" })).toEqual({ text: "{{ $trigger }} rest", cursor: 11 });
  });
});

describe("preview", () => {
  it("keeps the type of a lone expression and interpolates mixed text", async () => {
    expect(await previewValue("{{ $sum($trigger.items.price) }}", scope)).toEqual({ ok: true, value: 5 });
    expect(await previewValue("Hello {{ $trigger.customer.name }}, {{ $input }}", scope)).toEqual({ ok: true, value: 'Hello Ada, {"total":5}' });
    expect(await previewValue("no expression", scope)).toEqual({ ok: true, value: "no expression" });
  });

  it("reports JSONata errors instead of throwing", async () => {
    const result = await previewValue("{{ $trigger. }}", scope);
    expect(result.ok).toBe(false);
  });

  it("evaluates the strings inside JSON values", async () => {
    expect(await previewJson({ who: "{{ $trigger.customer.name }}", n: 1, list: ["{{ $input.total * 2 }}"] }, scope)).toEqual({
      ok: true,
      value: { who: "Ada", n: 1, list: [10] },
    });
    expect(await previewText('{"id": "{{ $fetch_order.id }}"}', scope, true)).toEqual({ ok: true, value: { id: "o-1" } });
    expect(await previewText('{"id": "{{ $fetch_order.id }}"', scope, true)).toEqual({ ok: true, value: '{"id": "o-1"' });
  });
});

describe("suggest before any run", () => {
  it("falls back to the shape of a node's output for field names", () => {
    const before: Scope = { variables: { post: undefined }, shapes: { post: { ts: "", channel: "" } } };
    expect(suggest("$post.", before).map((s) => s.value)).toEqual(["$post.ts", "$post.channel"]);
    expect(suggest("$po", before)).toEqual([{ value: "$post", detail: "object" }]);
  });
});
