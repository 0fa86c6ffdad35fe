import type { RunDetail } from "../api/types";
import { href } from "../route";
import { isFinished } from "../run/runStatus";
import { StatusBadge } from "./StatusBadge";
import { StepDetails } from "./StepDetails";

/** The run beside the canvas: status, output or error, and every step (select a node for its own). */
export function RunPanel({ run, onClose, onRerun, onCancel }: { run: RunDetail; onClose: () => void; onRerun: () => void; onCancel: () => void }) {
  return (
    <aside className="side-panel" aria-labelledby="run-panel-title" data-testid="run-panel">
      <div className="panel-header">
        <h2 id="run-panel-title">Run</h2>
        <button type="button" onClick={onClose} aria-label="Close the run view">✕</button>
      </div>
      <p>
        <span data-testid="run-status" aria-live="polite">
          <StatusBadge status={run.status} />
        </span> <a href={href({ page: "run", id: run.id })}>{run.id}</a>
      </p>
      <p className="muted">Version {run.workflow_version} on {run.environment} · started {new Date(run.started_at).toLocaleTimeString()}</p>
      {!isFinished(run.status) && <p role="status">Running… the nodes change colour as steps finish.</p>}
      {run.error && (
        <div className="step-error" role="alert">
          <strong>{run.error}</strong> {run.cause}
        </div>
      )}
      {run.output !== undefined && isFinished(run.status) && (
        <>
          <h3>Output</h3>
          <pre tabIndex={0} data-testid="run-output">{JSON.stringify(run.output, null, 2)}</pre>
        </>
      )}
      <h3>Steps ({run.steps.length})</h3>
      {run.steps.map((step, index) => <StepDetails key={`${step.state}-${index}`} step={step} open={false} />)}
      <div className="actions">
        {!isFinished(run.status) && <button type="button" className="danger" onClick={onCancel}>Cancel the run</button>}
        <button type="button" onClick={onRerun}>Run again</button>
      </div>
    </aside>
  );
}
