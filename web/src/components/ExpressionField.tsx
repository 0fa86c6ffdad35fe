import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { applySuggestion, findExpressions, previewText, suggest, tokenAt, type Preview, type Scope, type Suggestion } from "../expressions/expressions";

interface ExpressionFieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  scope: Scope;
  multiline?: boolean;
  describedBy?: string;
  invalid?: boolean;
  required?: boolean;
  placeholder?: string;
  type?: string;
  /** The value is JSON whose strings may hold expressions. */
  json?: boolean;
}

function formatPreview(preview: Preview): string {
  if (!preview.ok) return preview.error;
  if (preview.value === undefined) return "(no value)";
  return typeof preview.value === "string" ? preview.value : JSON.stringify(preview.value);
}

/** A text input that understands `{{ … }}`: autocomplete of names and fields, and a live preview. */
export function ExpressionField({ id, value, onChange, scope, multiline, describedBy, invalid, required, placeholder, type, json }: ExpressionFieldProps) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const listId = useId();
  const previewId = useId();

  const suggestions: Suggestion[] = useMemo(() => {
    if (cursor === null || dismissed) return [];
    const token = tokenAt(value, cursor);
    return token ? suggest(token.token, scope).slice(0, 12) : [];
  }, [value, cursor, scope, dismissed]);

  const hasExpression = findExpressions(value).length > 0;
  useEffect(() => {
    if (!hasExpression) {
      setPreview(null);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      void previewText(value, scope, Boolean(json)).then((result) => live && setPreview(result));
    }, 150);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [value, scope, hasExpression, json]);

  const accept = (suggestion: Suggestion) => {
    const next = applySuggestion(value, cursor ?? value.length, suggestion);
    onChange(next.text);
    setCursor(next.cursor);
    setActive(0);
    window.requestAnimationFrame(() => ref.current?.setSelectionRange(next.cursor, next.cursor));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (suggestions.length === 0) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((i) => (i + 1) % suggestions.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => (i - 1 + suggestions.length) % suggestions.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && !(event.ctrlKey || event.metaKey || event.altKey)) {
      // Ctrl+Enter runs the workflow: it must never also pick a suggestion into the field.
      event.preventDefault();
      accept(suggestions[Math.min(active, suggestions.length - 1)]);
    } else if (event.key === "Escape") {
      event.stopPropagation();
      setDismissed(true);
    }
  };

  const common = {
    id,
    ref,
    value,
    placeholder,
    required,
    "aria-invalid": invalid || undefined,
    "aria-describedby": [describedBy, hasExpression ? previewId : ""].filter(Boolean).join(" ") || undefined,
    "aria-autocomplete": "list" as const,
    "aria-controls": suggestions.length ? listId : undefined,
    "aria-expanded": suggestions.length > 0,
    "aria-activedescendant": suggestions.length ? `${listId}-${active}` : undefined,
    role: "combobox",
    onChange: (event: { target: { value: string; selectionStart: number | null } }) => {
      onChange(event.target.value);
      setCursor(event.target.selectionStart);
      setDismissed(false);
    },
    onSelect: (event: { currentTarget: { selectionStart: number | null } }) => setCursor(event.currentTarget.selectionStart),
    onBlur: () => window.setTimeout(() => setCursor(null), 150),
    onKeyDown,
    spellCheck: false,
  };

  return (
    <div className="expression-field">
      {multiline ? <textarea {...common} rows={Math.min(10, Math.max(2, value.split("\n").length))} /> : <input {...common} type={type ?? "text"} />}
      {suggestions.length > 0 && (
        <ul className="suggestions" role="listbox" id={listId} aria-label="Suggestions">
          {suggestions.map((suggestion, index) => (
            <li
              key={suggestion.value}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? "active" : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                accept(suggestion);
              }}
            >
              <code>{suggestion.value}</code> <span className="muted">{suggestion.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {hasExpression && preview && (
        <div id={previewId} className={`preview ${preview.ok ? "" : "preview-error"}`} data-testid={`preview-${id}`}>
          <span className="muted">{preview.ok ? "Preview: " : "Error: "}</span>
          {formatPreview(preview)}
        </div>
      )}
    </div>
  );
}
