import { useEffect, useState } from "react";
import type { Credential, Json, JsonObject, OnError, Problem, RetryPolicy, RunStep, WorkflowDocument, WorkflowNode } from "../api/types";
import type { NodeTypeInfo } from "../catalog/catalog";
import type { Scope } from "../expressions/expressions";
import { isValidNodeId } from "../graph/workflow";
import { fieldsFromSchema } from "../schema/schemaForm";
import workflowSchema from "../../../docs/workflow.schema.json";
import { SchemaForm } from "./SchemaForm";
import { StepDetails } from "./StepDetails";

interface NodePanelProps {
  doc: WorkflowDocument;
  node: WorkflowNode;
  info: NodeTypeInfo | undefined;
  problems: Problem[];
  scope: Scope;
  credentials: Credential[];
  steps: RunStep[];
  onChange: (patch: Partial<WorkflowNode>, coalesceKey?: string) => void;
  onRename: (newId: string) => string | null;
  onClose: () => void;
}

function problemsByParam(problems: Problem[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const problem of problems) {
    const match = /^params\.([^.[]+)/.exec(problem.field ?? "");
    if (match) byField.set(match[1], [...(byField.get(match[1]) ?? []), problem.message]);
  }
  return byField;
}

export function NodePanel({ doc, node, info, problems, scope, credentials, steps, onChange, onRename, onClose }: NodePanelProps) {
  const [idDraft, setIdDraft] = useState(node.id);
  const [idError, setIdError] = useState<string | null>(null);
  useEffect(() => {
    setIdDraft(node.id);
    setIdError(null);
  }, [node.id]);
  const fields = fieldsFromSchema(info?.inputSchema ?? { type: "object" });
  const params = node.params ?? {};
  const nodeLevel = problems.filter((p) => !(p.field ?? "").startsWith("params."));
  const retry = node.retry ?? null;
  const matchingCredentials = credentials.filter((c) => !info?.connector || !c.connector || c.connector === info.connector);

  const setParam = (name: string, value: Json | undefined) => {
    const next: JsonObject = { ...params };
    if (value === undefined) delete next[name];
    else next[name] = value;
    onChange({ params: next }, `${node.id}.params.${name}`);
  };
  const setRetry = (patch: Partial<RetryPolicy>) => {
    const next = { ...(retry ?? { max_attempts: 3, interval_seconds: 2, backoff_rate: 2 }), ...patch };
    onChange({ retry: next }, `${node.id}.retry`);
  };
  const commitId = () => {
    if (idDraft === node.id) return;
    if (!isValidNodeId(idDraft)) {
      setIdError("A letter, then letters, digits or _ (not a reserved name such as input or trigger).");
      return;
    }
    setIdError(onRename(idDraft));
  };

  return (
    <aside className="side-panel" aria-labelledby="node-panel-title" data-testid="node-panel">
      <div className="panel-header">
        <h2 id="node-panel-title">{node.name || node.id}</h2>
        <button type="button" onClick={onClose} aria-label="Close the node panel">✕</button>
      </div>
      <p className="muted">{info ? info.title : `Unknown type ${node.type}`} <code>{node.type}</code></p>
      {info?.description && <p className="help">{info.description}</p>}
      {nodeLevel.length > 0 && (
        <ul className="problems" aria-label="Problems with this node">
          {nodeLevel.map((problem, index) => <li key={index}>{problem.field ? <code>{problem.field}</code> : null} {problem.message}</li>)}
        </ul>
      )}
      <div className="field">
        <label htmlFor="node-id">Id (its output is <code>${idDraft || "id"}</code>)</label>
        <input id="node-id" value={idDraft} onChange={(e) => setIdDraft(e.target.value)} onBlur={commitId} onKeyDown={(e) => e.key === "Enter" && commitId()} aria-invalid={idError ? true : undefined} aria-describedby={idError ? "node-id-error" : undefined} />
        {idError && <p id="node-id-error" className="field-error" role="alert">{idError}</p>}
      </div>
      <div className="field">
        <label htmlFor="node-name">Name</label>
        <input id="node-name" value={node.name ?? ""} onChange={(e) => onChange({ name: e.target.value || undefined }, `${node.id}.name`)} />
      </div>
      <fieldset>
        <legend>Parameters</legend>
        <SchemaForm idPrefix={`param-${node.id}`} fields={fields} values={params} onChange={setParam} scope={scope} serverProblems={problemsByParam(problems)} />
      </fieldset>
      {info?.auth && (
        <div className="field">
          <label htmlFor="node-credential">Credential ({info.auth})</label>
          {matchingCredentials.length ? (
            <select id="node-credential" value={node.credential ?? ""} onChange={(e) => onChange({ credential: e.target.value || undefined })}>
              <option value="">— none —</option>
              {matchingCredentials.map((c) => <option key={c.id} value={c.id}>{c.name ?? c.id}</option>)}
            </select>
          ) : (
            <input id="node-credential" value={node.credential ?? ""} placeholder="credential id" onChange={(e) => onChange({ credential: e.target.value || undefined }, `${node.id}.credential`)} />
          )}
          <p className="help">Values are fetched by reference when the step runs; the editor never sees them.</p>
        </div>
      )}
      <fieldset>
        <legend>Errors, retries and timeout</legend>
        <div className="field">
          <label htmlFor="node-on-error">On error</label>
          <select id="node-on-error" value={node.on_error ?? "stop"} onChange={(e) => onChange({ on_error: e.target.value as OnError })} aria-describedby="node-on-error-help">
            <option value="stop">stop the run</option>
            <option value="continue">continue with the error as output</option>
            <option value="branch">follow the error output</option>
          </select>
          <p id="node-on-error-help" className="help">{String((workflowSchema.$defs.Node.properties.on_error as { description?: string }).description ?? "")}</p>
        </div>
        <div className="field">
          <label htmlFor="node-timeout">Timeout (seconds)</label>
          <input id="node-timeout" type="number" min={1} value={node.timeout ?? ""} onChange={(e) => onChange({ timeout: e.target.value ? Number(e.target.value) : undefined }, `${node.id}.timeout`)} />
        </div>
        <div className="field field-inline">
          <input id="node-retry" type="checkbox" checked={retry !== null} onChange={(e) => (e.target.checked ? setRetry({}) : onChange({ retry: undefined }))} />
          <label htmlFor="node-retry">Retry transient errors</label>
        </div>
        {retry && (
          <div className="grid-2">
            <div className="field">
              <label htmlFor="retry-attempts">Retries</label>
              <input id="retry-attempts" type="number" min={0} max={25} value={retry.max_attempts ?? 3} onChange={(e) => setRetry({ max_attempts: Number(e.target.value) })} />
            </div>
            <div className="field">
              <label htmlFor="retry-interval">Interval (s)</label>
              <input id="retry-interval" type="number" min={1} value={retry.interval_seconds ?? 2} onChange={(e) => setRetry({ interval_seconds: Number(e.target.value) })} />
            </div>
            <div className="field">
              <label htmlFor="retry-backoff">Backoff rate</label>
              <input id="retry-backoff" type="number" min={1} max={10} step={0.5} value={retry.backoff_rate ?? 2} onChange={(e) => setRetry({ backoff_rate: Number(e.target.value) })} />
            </div>
            <div className="field">
              <label htmlFor="retry-max-delay">Max delay (s)</label>
              <input id="retry-max-delay" type="number" min={1} value={retry.max_delay_seconds ?? ""} onChange={(e) => setRetry({ max_delay_seconds: e.target.value ? Number(e.target.value) : null })} />
            </div>
            <div className="field field-inline">
              <input id="retry-jitter" type="checkbox" checked={retry.jitter ?? false} onChange={(e) => setRetry({ jitter: e.target.checked })} />
              <label htmlFor="retry-jitter">Jitter</label>
            </div>
          </div>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor="node-notes">Notes</label>
        <textarea id="node-notes" rows={2} value={node.notes ?? ""} onChange={(e) => onChange({ notes: e.target.value || undefined }, `${node.id}.notes`)} />
      </div>
      {steps.length > 0 && (
        <section aria-label="Last run of this node">
          <h3>Last run</h3>
          {steps.map((step, index) => <StepDetails key={index} step={step} />)}
        </section>
      )}
      <p className="muted">Used by {doc.edges.filter((e) => e.source === node.id).length} outgoing connection(s).</p>
    </aside>
  );
}
