import { useEffect, useState } from "react";
import type { RunDetail } from "../api/types";
import { useApp } from "../context";
import { href, navigate } from "../route";
import { isFinished } from "../run/runStatus";
import { StatusBadge } from "./StatusBadge";
import { StepDetails } from "./StepDetails";

const REDRIVABLE = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

/** One run: its input, output or error and the step timeline; open it on the canvas to see colours. */
export function RunPage({ runId }: { runId: string }) {
  const { api, notify } = useApp();
  const [run, setRun] = useState<RunDetail | null>(null);
  const [generation, setGeneration] = useState(0); // a redrive makes a finished run poll again
  useEffect(() => {
    let live = true;
    let timer = 0;
    const load = () =>
      api.getRun(runId).then(
        (detail) => {
          if (!live) return;
          setRun(detail);
          if (!isFinished(detail.status)) timer = window.setTimeout(load, 500);
        },
        (exc: Error) => notify(exc.message, "error"),
      );
    void load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [api, runId, notify, generation]);
  if (!run) return <p className="loading">Loading run {runId}…</p>;
  const act = async (action: "cancel" | "rerun" | "redrive") => {
    try {
      if (action === "rerun") {
        navigate({ page: "run", id: (await api.rerun(run.id)).id });
      } else if (action === "redrive") {
        setRun({ ...run, ...(await api.redrive(run.id)) });
        setGeneration((g) => g + 1);
      } else {
        setRun({ ...run, ...(await api.cancelRun(run.id)) });
      }
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };
  return (
    <section className="page" aria-labelledby="run-title">
      <div className="page-header">
        <h1 id="run-title">Run {run.id}</h1>
        <div className="actions">
          <a className="button" href={href({ page: "editor", id: run.workflow_id, run: run.id })}>Open on the canvas</a>
          {!isFinished(run.status) && <button type="button" onClick={() => void act("cancel")}>Cancel</button>}
          {REDRIVABLE.has(run.status) && !run.express && (
            <button type="button" onClick={() => void act("redrive")}>Redrive from the failed step</button>
          )}
          <button type="button" onClick={() => void act("rerun")}>Re-run with the same input</button>
        </div>
      </div>
      <p>
        <StatusBadge status={run.status} /> <a href={href({ page: "editor", id: run.workflow_id, run: null })}>{run.workflow_id}</a> v{run.workflow_version} on {run.environment} · started {new Date(run.started_at).toLocaleString()} by {run.started_by}
        {run.usage && (
          <span data-testid="run-usage">
            {" "}· {run.usage.total_tokens} tokens ({run.usage.tokens_in} in, {run.usage.tokens_out} out) in {run.usage.calls} LLM call{run.usage.calls === 1 ? "" : "s"}
          </span>
        )}
      </p>
      {run.error && <div className="step-error" role="alert"><strong>{run.error}</strong> {run.cause}</div>}
      <div className="io">
        <div>
          <h2>Input</h2>
          <pre tabIndex={0}>{JSON.stringify(run.input, null, 2)}</pre>
        </div>
        <div>
          <h2>Output</h2>
          <pre tabIndex={0}>{run.output === undefined ? "" : JSON.stringify(run.output, null, 2)}</pre>
        </div>
      </div>
      <h2>Steps</h2>
      {run.steps.map((step, index) => <StepDetails key={`${step.state}-${index}`} step={step} open={false} />)}
    </section>
  );
}
