// From an action's JSON Schema (pydantic's model_json_schema) to form fields, and back from what
// the user typed to params. Hand-written rather than a form library: pydantic schemas use a small
// subset ($ref into $defs, anyOf with null, enums, defaults), and every field must also accept a
// `{{ … }}` expression, which generic JSON-Schema form libraries would reject as a type error.
import type { Json, JsonObject } from "../api/types";

export type FieldKind = "string" | "text" | "secret" | "number" | "integer" | "boolean" | "enum" | "json";

export interface FieldSpec {
  name: string;
  title: string;
  description: string;
  required: boolean;
  kind: FieldKind;
  options: Json[];
  defaultValue: Json | undefined;
  nullable: boolean;
  schema: JsonObject;
}

type Schema = JsonObject;

function asObject(value: Json | undefined): Schema | null {
  return value && typeof value === "object" && !Array.isArray(value) ? value : null;
}

/** Follow a local `$ref` (`#/$defs/Name`) against the root schema. */
export function resolveRef(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 10 && typeof current.$ref === "string"; depth++) {
    const path = current.$ref.replace(/^#\//, "").split("/");
    let target: Json | undefined = root;
    for (const part of path) target = asObject(target ?? null)?.[part];
    const resolved = asObject(target ?? null);
    if (!resolved) break;
    const { $ref: _ignored, ...rest } = current;
    current = { ...resolved, ...rest };
  }
  return current;
}

/** `anyOf: [X, {type: null}]` → X, nullable. */
export function unwrapNullable(schema: Schema, root: Schema): { schema: Schema; nullable: boolean } {
  const variants = Array.isArray(schema.anyOf) ? schema.anyOf.map(asObject).filter((v): v is Schema => v !== null) : null;
  if (!variants) return { schema: resolveRef(schema, root), nullable: false };
  const nonNull = variants.filter((variant) => variant.type !== "null");
  const nullable = nonNull.length < variants.length;
  if (nonNull.length === 1) {
    const { anyOf: _ignored, ...rest } = schema;
    return { schema: { ...resolveRef(nonNull[0], root), ...rest }, nullable };
  }
  return { schema, nullable };
}

function kindOf(schema: Schema): FieldKind {
  if (Array.isArray(schema.enum)) return "enum";
  if (schema.const !== undefined) return "enum";
  if (schema.writeOnly === true || schema.format === "password") return "secret";
  switch (schema.type) {
    case "string":
      return typeof schema.maxLength === "number" && schema.maxLength <= 200 ? "string" : schema.format === "textarea" || /code|body|text|message|prompt/i.test(String(schema.title ?? "")) ? "text" : "string";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    default:
      return "json";
  }
}

export function fieldsFromSchema(root: Schema): FieldSpec[] {
  const schema = resolveRef(root, root);
  const properties = asObject(schema.properties ?? null) ?? {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(properties).map(([name, raw]) => {
    const { schema: field, nullable } = unwrapNullable(asObject(raw) ?? {}, root);
    const kind = kindOf(field);
    return {
      name,
      title: typeof field.title === "string" ? field.title : name,
      description: typeof field.description === "string" ? field.description : "",
      required: required.has(name),
      kind,
      options: Array.isArray(field.enum) ? field.enum : field.const !== undefined ? [field.const] : [],
      defaultValue: field.default,
      nullable,
      schema: field,
    };
  });
}

/** Params for a new node: every property's non-null default. */
export function defaultsFromSchema(root: Schema): JsonObject {
  const params: JsonObject = {};
  for (const field of fieldsFromSchema(root)) {
    if (field.defaultValue !== undefined && field.defaultValue !== null) params[field.name] = field.defaultValue;
  }
  return params;
}

export const isExpression = (value: unknown): boolean => typeof value === "string" && value.includes("{{");

/** What the input shows for a param value. */
export function displayValue(field: FieldSpec, value: Json | undefined): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "json" && typeof value !== "string") return JSON.stringify(value, null, 2);
  if (typeof value === "string") return value;
  return field.kind === "json" ? JSON.stringify(value, null, 2) : String(value);
}

export type Parsed = { ok: true; value: Json | undefined } | { ok: false; error: string };

/** Turn what the user typed into a param value; empty means "not set". Expressions pass as text. */
export function parseFieldValue(field: FieldSpec, text: string): Parsed {
  if (text.trim() === "") return { ok: true, value: undefined };
  if (field.kind === "json") {
    try {
      return { ok: true, value: JSON.parse(text) as Json };
    } catch {
      // `{{ … }}` on its own is an expression; a bare word is taken as a string, as people type it
      if (isExpression(text) || /^[^{}[\]"]*$/.test(text)) return { ok: true, value: text };
      return { ok: false, error: "Not valid JSON (or a {{ … }} expression)." };
    }
  }
  if (isExpression(text)) return { ok: true, value: text };
  switch (field.kind) {
    case "integer": {
      const value = Number(text);
      return Number.isInteger(value) ? { ok: true, value } : { ok: false, error: "Enter a whole number or a {{ … }} expression." };
    }
    case "number": {
      const value = Number(text);
      return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: "Enter a number or a {{ … }} expression." };
    }
    case "boolean":
      return text === "true" || text === "false" ? { ok: true, value: text === "true" } : { ok: false, error: "Choose true or false." };
    default:
      return { ok: true, value: text };
  }
}

/** Client-side checks the user sees at once; the API's validation remains the authority. */
export function fieldProblems(fields: FieldSpec[], params: JsonObject): Map<string, string> {
  const problems = new Map<string, string>();
  for (const field of fields) {
    const value = params[field.name];
    if (field.required && (value === undefined || value === "" || value === null)) {
      problems.set(field.name, `${field.title} is required.`);
      continue;
    }
    if (value === undefined || isExpression(value)) continue;
    if (field.kind === "enum" && field.options.length && !field.options.some((option) => option === value)) {
      problems.set(field.name, `Choose one of ${field.options.join(", ")}.`);
    }
    if (typeof value === "string" && typeof field.schema.pattern === "string" && !new RegExp(field.schema.pattern).test(value)) {
      problems.set(field.name, `Must match ${field.schema.pattern}.`);
    }
    if (typeof value === "number") {
      if (typeof field.schema.minimum === "number" && value < field.schema.minimum) problems.set(field.name, `At least ${field.schema.minimum}.`);
      if (typeof field.schema.maximum === "number" && value > field.schema.maximum) problems.set(field.name, `At most ${field.schema.maximum}.`);
    }
  }
  return problems;
}

/**
 * A placeholder value with the shape a schema describes (objects with their properties, lists
 * with one item), so autocomplete can offer an action's output fields before it has ever run.
 */
export function sampleFromSchema(schema: Schema, root: Schema = schema, depth = 0): Json {
  const { schema: resolved } = unwrapNullable(resolveRef(schema, root), root);
  if (depth > 5) return null;
  const variants = Array.isArray(resolved.anyOf) ? resolved.anyOf.map(asObject).filter((v): v is Schema => v !== null) : [];
  if (variants.length) return sampleFromSchema(variants[0], root, depth + 1);
  const properties = asObject(resolved.properties ?? null);
  if (resolved.type === "object" || properties) {
    return Object.fromEntries(Object.entries(properties ?? {}).map(([name, child]) => [name, sampleFromSchema(asObject(child) ?? {}, root, depth + 1)]));
  }
  if (resolved.type === "array") return [sampleFromSchema(asObject(resolved.items ?? null) ?? {}, root, depth + 1)];
  if (resolved.type === "string") return "";
  if (resolved.type === "integer" || resolved.type === "number") return 0;
  if (resolved.type === "boolean") return false;
  return null;
}
