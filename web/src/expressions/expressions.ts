// The `{{ … }}` expression editor's logic: where the cursor is, what to suggest, and a live
// preview with the reference JSONata implementation (the language Step Functions evaluates).
import jsonata from "jsonata";
import type { Json } from "../api/types";

export interface Segment {
  start: number;
  end: number;
  body: string;
}

/** Every `{{ … }}` in a string, with the offsets of the braces. */
export function findExpressions(text: string): Segment[] {
  const segments: Segment[] = [];
  const pattern = /\{\{([\s\S]*?)\}\}/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    segments.push({ start: match.index, end: match.index + match[0].length, body: match[1].trim() });
  }
  return segments;
}

/** The `$name.path` being typed at the cursor, when the cursor is inside `{{ … }}`. */
export function tokenAt(text: string, cursor: number): { start: number; token: string } | null {
  const before = text.slice(0, cursor);
  const open = before.lastIndexOf("{{");
  if (open < 0 || before.lastIndexOf("}}") > open) return null;
  const match = /\$[A-Za-z0-9_.]*$/.exec(before);
  if (!match || match.index < open) return null;
  return { start: match.index, token: match[0] };
}

export interface Suggestion {
  /** The full token that replaces what was typed, e.g. `$trigger.customer`. */
  value: string;
  detail: string;
}

export interface Scope {
  /** Variables without `$` (trigger, input, node ids) and their value in the last run (may be undefined). */
  variables: Record<string, Json | undefined>;
  /** What a variable looks like when no run has produced it yet (from output schemas and params): for autocomplete only. */
  shapes?: Record<string, Json | undefined>;
}

const FUNCTIONS = ["sum", "count", "max", "min", "average", "string", "number", "length", "substring", "uppercase", "lowercase", "join", "split", "map", "filter", "now", "uuid", "exists", "keys", "lookup", "merge", "round", "contains", "replace", "partition", "range", "hash", "random", "parse"];

function describe(value: Json | undefined): string {
  if (value === undefined) return "";
  if (value === null) return "null";
  if (Array.isArray(value)) return `list (${value.length})`;
  if (typeof value === "object") return "object";
  const text = JSON.stringify(value);
  return text.length > 30 ? `${text.slice(0, 27)}…` : text;
}

/** Completions for a token: variable names after `$`, field names after a `.`. */
export function suggest(token: string, scope: Scope): Suggestion[] {
  const path = token.slice(1).split(".");
  if (path.length === 1) {
    const prefix = path[0].toLowerCase();
    const variables = Object.entries(scope.variables)
      .filter(([name]) => name.toLowerCase().startsWith(prefix))
      .map(([name, value]) => ({ value: `$${name}`, detail: describe(value ?? scope.shapes?.[name]) || "output" }));
    const functions = prefix ? FUNCTIONS.filter((name) => name.startsWith(prefix)).map((name) => ({ value: `$${name}(`, detail: "function" })) : [];
    return [...variables, ...functions];
  }
  let value: Json | undefined = scope.variables[path[0]] ?? scope.shapes?.[path[0]];
  for (const part of path.slice(1, -1)) {
    if (Array.isArray(value)) value = value[0];
    value = value && typeof value === "object" && !Array.isArray(value) ? value[part] : undefined;
  }
  if (Array.isArray(value)) value = value[0];
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  const prefix = path[path.length - 1].toLowerCase();
  const base = `$${path.slice(0, -1).join(".")}`;
  return Object.entries(value)
    .filter(([key]) => key.toLowerCase().startsWith(prefix))
    .map(([key, sample]) => ({ value: `${base}.${key}`, detail: describe(sample) }));
}

/** Replace the token at the cursor with a suggestion; the new text and cursor. */
export function applySuggestion(text: string, cursor: number, suggestion: Suggestion): { text: string; cursor: number } {
  const token = tokenAt(text, cursor);
  if (!token) return { text, cursor };
  const next = text.slice(0, token.start) + suggestion.value + text.slice(cursor);
  return { text: next, cursor: token.start + suggestion.value.length };
}

export type Preview = { ok: true; value: Json | undefined } | { ok: false; error: string };

/**
 * Evaluate a param value as the runtime would: a string that is exactly one `{{ … }}` keeps the
 * value's type; otherwise each expression is turned into text in place.
 */
export async function previewValue(text: string, scope: Scope): Promise<Preview> {
  const segments = findExpressions(text);
  if (segments.length === 0) return { ok: true, value: text };
  const bindings: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(scope.variables)) if (value !== undefined) bindings[name] = value;
  const input = scope.variables.input ?? null;
  try {
    const values: (Json | undefined)[] = [];
    for (const segment of segments) {
      const result = (await jsonata(segment.body).evaluate(input, bindings)) as Json | undefined;
      values.push(result);
    }
    if (segments.length === 1 && segments[0].start === 0 && segments[0].end === text.length) return { ok: true, value: values[0] };
    let out = "";
    let last = 0;
    segments.forEach((segment, index) => {
      const value = values[index];
      out += text.slice(last, segment.start) + (value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));
      last = segment.end;
    });
    return { ok: true, value: out + text.slice(last) };
  } catch (exc) {
    const error = exc as { message?: string };
    return { ok: false, error: error.message ?? String(exc) };
  }
}

/** Evaluate every string of a JSON value (a transform's `output`, a set's `fields`) as the runtime would. */
export async function previewJson(value: Json, scope: Scope): Promise<Preview> {
  if (typeof value === "string") return previewValue(value, scope);
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) {
      const result = await previewJson(item, scope);
      if (!result.ok) return result;
      items.push(result.value ?? null);
    }
    return { ok: true, value: items };
  }
  if (value && typeof value === "object") {
    const object: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const result = await previewJson(item, scope);
      if (!result.ok) return result;
      if (result.value !== undefined) object[key] = result.value;
    }
    return { ok: true, value: object };
  }
  return { ok: true, value };
}

/** Preview what a field holds: JSON whose strings may hold expressions, or one string. */
export function previewText(text: string, scope: Scope, json: boolean): Promise<Preview> {
  if (json) {
    try {
      return previewJson(JSON.parse(text) as Json, scope);
    } catch {
      // not JSON (yet): preview it as a string
    }
  }
  return previewValue(text, scope);
}
