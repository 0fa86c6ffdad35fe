import { useEffect, useState } from "react";
import type { RunRecord } from "../api/types";
import { useApp } from "../context";
import { href } from "../route";
import { StatusBadge } from "./StatusBadge";

const STATUSES = ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

export function RunsPage({ workflowId }: { workflowId: string | null }) {
  const { api, notify } = useApp();
  const [runs, setRuns] = useState<RunRecord[] | null>(null);
  const [status, setStatus] = useState("");
  useEffect(() => {
    let live = true;
    const load = () => api.listRuns({ workflowId: workflowId ?? undefined, status: status || undefined }).then((page) => live && setRuns(page.items), (exc: Error) => notify(exc.message, "error"));
    void load();
    const timer = window.setInterval(load, 3000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [api, workflowId, status, notify]);
  return (
    <section className="page" aria-labelledby="runs-title">
      <div className="page-header">
        <h1 id="runs-title">Runs{workflowId ? ` of ${workflowId}` : ""}</h1>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{s ? s.toLowerCase().replace("_", " ") : "any"}</option>)}
          </select>
        </label>
      </div>
      {runs === null ? (
        <p>Loading…</p>
      ) : runs.length === 0 ? (
        <p className="empty">No runs yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Workflow</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td><a href={href({ page: "run", id: run.id })}>{run.id}</a></td>
                <td><a href={href({ page: "editor", id: run.workflow_id, run: null })}>{run.workflow_id}</a> <span className="muted">v{run.workflow_version} · {run.environment}</span></td>
                <td><StatusBadge status={run.status} /></td>
                <td>{new Date(run.started_at).toLocaleString()}</td>
                <td>{run.stopped_at ? `${((Date.parse(run.stopped_at) - Date.parse(run.started_at)) / 1000).toFixed(2)} s` : "…"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
