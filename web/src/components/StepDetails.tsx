import type { Json, RunStep } from "../api/types";
import { StatusBadge } from "./StatusBadge";

function pretty(value: Json): string {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

/** One step of a run: status, attempts, duration, input, output and error. */
export function StepDetails({ step, open = true }: { step: RunStep; open?: boolean }) {
  return (
    <details className="step" open={open} data-testid={`step-${step.state}`}>
      <summary>
        <StatusBadge status={step.status} /> <strong>{step.nodes.join(", ")}</strong>{" "}
        <span className="muted">
          {step.type} · {step.duration_ms === null ? "…" : `${Math.round(step.duration_ms)} ms`}
          {step.attempts > 1 ? ` · ${step.attempts} attempts` : step.attempts === 1 ? " · 1 attempt" : ""}
        </span>
      </summary>
      {step.error && (
        <div className="step-error" role="note">
          <strong>{step.error}</strong> {step.cause}
        </div>
      )}
      <div className="io">
        <div>
          <h4>Input</h4>
          <pre tabIndex={0} aria-label="Step input">{pretty(step.input)}</pre>
        </div>
        <div>
          <h4>Output</h4>
          <pre tabIndex={0} aria-label="Step output" data-testid="step-output">{pretty(step.output)}</pre>
        </div>
      </div>
    </details>
  );
}
