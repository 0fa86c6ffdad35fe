import { useEffect, useState } from "react";
import type { VersionStatus, VersionSummary, WorkflowDocument, WorkflowRecord } from "../api/types";
import { useApp } from "../context";
import { describeDiff, diffWorkflows } from "../graph/diff";

interface VersionsPanelProps {
  workflowId: string;
  current: WorkflowDocument;
  record: WorkflowRecord;
  onCompare: (doc: WorkflowDocument | null) => void;
  onRestore: (doc: WorkflowDocument) => void;
  onPublish: (environment: string, version: number) => void;
  onClose: () => void;
}

/** Version history: pick a version to see what changed since (on the canvas and as a list), restore it or publish it. */
export function VersionsPanel({ workflowId, current, record, onCompare, onRestore, onPublish, onClose }: VersionsPanelProps) {
  const { api, notify } = useApp();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [selected, setSelected] = useState<{ version: number; document: WorkflowDocument } | null>(null);
  const [environment, setEnvironment] = useState("dev");

  const [reload, setReload] = useState(0);
  useEffect(() => {
    api.listVersions(workflowId).then(setVersions, (exc: Error) => notify(exc.message, "error"));
  }, [api, workflowId, record.version, notify, reload]);

  const setStatus = async (version: number, status: VersionStatus) => {
    try {
      await api.setVersionStatus(workflowId, version, status);
      notify(status === "active" ? `v${version} is active again.` : `v${version} is ${status}.`, "info");
      setReload((n) => n + 1);
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const choose = async (version: number) => {
    try {
      const loaded = await api.getVersion(workflowId, version);
      setSelected({ version, document: loaded.document });
      onCompare(loaded.document);
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const changes = selected ? describeDiff(diffWorkflows(selected.document, current)) : [];
  const live = Object.entries(record.environments ?? {});
  return (
    <aside className="side-panel" aria-labelledby="versions-title" data-testid="versions-panel">
      <div className="panel-header">
        <h2 id="versions-title">Version history</h2>
        <button type="button" onClick={onClose} aria-label="Close the version history">✕</button>
      </div>
      {live.length > 0 && <p className="muted">Live: {live.map(([env, info]) => `${env} → v${String(info?.version)}`).join(", ")}</p>}
      {versions === null ? (
        <p>Loading…</p>
      ) : (
        <ul className="version-list">
          {versions.map((v) => (
            <li key={v.version}>
              <button type="button" onClick={() => void choose(v.version)} aria-pressed={selected?.version === v.version}>
                v{v.version} {v.published ? "· published" : ""}
                {v.status && v.status !== "active" && <span className={`version-status version-${v.status}`}> · {v.status}</span>}
                <span className="muted"> {new Date(v.created_at).toLocaleString()} · {v.created_by}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && (
        <section aria-labelledby="diff-title">
          <h3 id="diff-title">From v{selected.version} to what you see now</h3>
          <p className="help">On the canvas: <span className="legend diff-added">added</span> <span className="legend diff-changed">changed</span> nodes.</p>
          <ul className="diff-list" data-testid="version-diff">{changes.length ? changes.map((line) => <li key={line}>{line}</li>) : <li>No changes.</li>}</ul>
          <div className="actions">
            <button type="button" onClick={() => onRestore(selected.document)}>Restore v{selected.version} into the editor</button>
          </div>
          <div className="actions" role="group" aria-label={`Status of v${selected.version}`}>
            {(["active", "deprecated", "retired"] as const)
              .filter((status) => status !== (versions?.find((v) => v.version === selected.version)?.status ?? "active"))
              .map((status) => (
                <button key={status} type="button" onClick={() => void setStatus(selected.version, status)}>
                  {status === "active" ? "Make active again" : status === "deprecated" ? "Deprecate" : "Retire (refuse new runs)"}
                </button>
              ))}
          </div>
          <div className="field">
            <label htmlFor="rollback-env">Roll back an environment to v{selected.version}</label>
            <div className="row">
              <select id="rollback-env" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
                <option value="dev">dev</option>
                <option value="staging">staging</option>
                <option value="prod">prod</option>
              </select>
              <button type="button" onClick={() => onPublish(environment, selected.version)}>Publish v{selected.version}</button>
            </div>
          </div>
        </section>
      )}
    </aside>
  );
}
