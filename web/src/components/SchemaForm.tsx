import { useEffect, useState } from "react";
import type { Json, JsonObject } from "../api/types";
import type { Scope } from "../expressions/expressions";
import { displayValue, fieldProblems, parseFieldValue, type FieldSpec } from "../schema/schemaForm";
import { ExpressionField } from "./ExpressionField";

interface SchemaFormProps {
  idPrefix: string;
  fields: FieldSpec[];
  values: JsonObject;
  onChange: (name: string, value: Json | undefined) => void;
  scope: Scope;
  /** Problems from the API by field name (without the `params.` prefix). */
  serverProblems: Map<string, string[]>;
}

/** A form generated from a JSON Schema; every text field also takes a `{{ … }}` expression. */
export function SchemaForm({ idPrefix, fields, values, onChange, scope, serverProblems }: SchemaFormProps) {
  const local = fieldProblems(fields, values);
  if (fields.length === 0) return <p className="muted">This node has no settings.</p>;
  return (
    <div className="schema-form">
      {fields.map((field) => (
        <SchemaField
          key={field.name}
          id={`${idPrefix}-${field.name}`}
          field={field}
          value={values[field.name]}
          onChange={(value) => onChange(field.name, value)}
          scope={scope}
          problems={serverProblems.get(field.name) ?? (local.has(field.name) ? [local.get(field.name)!] : [])}
        />
      ))}
    </div>
  );
}

interface SchemaFieldProps {
  id: string;
  field: FieldSpec;
  value: Json | undefined;
  onChange: (value: Json | undefined) => void;
  scope: Scope;
  problems: string[];
}

function SchemaField({ id, field, value, onChange, scope, problems }: SchemaFieldProps) {
  const shown = displayValue(field, value);
  const [draft, setDraft] = useState(shown);
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo, another field's rename) unless the draft already means the same.
    setDraft((current) => {
      const parsed = parseFieldValue(field, current);
      return parsed.ok && JSON.stringify(parsed.value) === JSON.stringify(value) ? current : shown;
    });
  }, [shown, value, field]);

  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const allProblems = [...(parseError ? [parseError] : []), ...problems];
  const describedBy = [field.description ? helpId : "", allProblems.length ? errorId : ""].filter(Boolean).join(" ") || undefined;
  const label = (
    <label htmlFor={id}>
      {field.title}
      {field.required && <span aria-hidden="true" className="required"> *</span>}
      {field.required && <span className="visually-hidden"> (required)</span>}
    </label>
  );

  const commitText = (text: string) => {
    setDraft(text);
    const parsed = parseFieldValue(field, text);
    if (parsed.ok) {
      setParseError(null);
      onChange(parsed.value);
    } else setParseError(parsed.error);
  };

  let control;
  if (field.kind === "enum") {
    control = (
      <select id={id} value={value === undefined || value === null ? "" : JSON.stringify(value)} onChange={(e) => onChange(e.target.value === "" ? undefined : (JSON.parse(e.target.value) as Json))} aria-describedby={describedBy} aria-invalid={allProblems.length > 0 || undefined} required={field.required}>
        <option value="">{field.defaultValue !== undefined ? `default (${String(field.defaultValue)})` : "— choose —"}</option>
        {field.options.map((option) => (
          <option key={JSON.stringify(option)} value={JSON.stringify(option)}>{String(option)}</option>
        ))}
      </select>
    );
  } else if (field.kind === "boolean") {
    control = (
      <select id={id} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value === "true")} aria-describedby={describedBy}>
        <option value="">{field.defaultValue !== undefined ? `default (${String(field.defaultValue)})` : "— not set —"}</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else {
    control = (
      <ExpressionField
        id={id}
        value={draft}
        onChange={commitText}
        scope={scope}
        multiline={field.kind === "json" || field.kind === "text"}
        json={field.kind === "json"}
        describedBy={describedBy}
        invalid={allProblems.length > 0}
        required={field.required}
        type={field.kind === "secret" ? "password" : undefined}
        placeholder={field.defaultValue !== undefined && field.defaultValue !== null ? `default: ${JSON.stringify(field.defaultValue)}` : field.kind === "json" ? "JSON, or {{ … }}" : undefined}
      />
    );
  }

  return (
    <div className={`field${allProblems.length ? " field-invalid" : ""}`} data-field={field.name}>
      {label}
      {control}
      {field.description && <p id={helpId} className="help">{field.description}</p>}
      {allProblems.length > 0 && (
        <p id={errorId} className="field-error" role="alert">{allProblems.join(" ")}</p>
      )}
    </div>
  );
}
