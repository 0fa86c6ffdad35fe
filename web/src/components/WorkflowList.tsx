import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { N8nImportResult, RunRecord, WorkflowDocument, WorkflowSummary } from "../api/types";
import { useApp } from "../context";
import { downloadJson } from "../download";
import { emptyWorkflow, slugify } from "../graph/workflow";
import { importableDocument, isN8nExport, withFreshId } from "../graph/importExport";
import { href, navigate } from "../route";
import { N8nImportDialog } from "./N8nImportDialog";
import { StatusBadge } from "./StatusBadge";

function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function WorkflowList() {
  const { api, notify } = useApp();
  const [workflows, setWorkflows] = useState<WorkflowSummary[] | null>(null);
  const [lastRuns, setLastRuns] = useState<Map<string, RunRecord>>(new Map());
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [n8nImport, setN8nImport] = useState<{ fileName: string; result: N8nImportResult } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      setWorkflows(await api.allWorkflows());
      const runs = await api.listRuns();
      const latest = new Map<string, RunRecord>();
      for (const run of runs.items) if (!latest.has(run.workflow_id)) latest.set(run.workflow_id, run);
      setLastRuns(latest);
    } catch (exc) {
      notify((exc as Error).message, "error");
      setWorkflows((current) => current ?? []);
    }
  }, [api, notify]);

  useEffect(() => {
    void load();
  }, [load]);

  const visible = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return (workflows ?? []).filter((wf) => words.every((word) => `${wf.name} ${wf.id}`.toLowerCase().includes(word)));
  }, [workflows, query]);

  const takenIds = useMemo(() => new Set((workflows ?? []).map((wf) => wf.id)), [workflows]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const title = name.trim() || "Untitled workflow";
    const doc = withFreshId(emptyWorkflow(slugify(title), title), takenIds);
    try {
      await api.createWorkflow(doc);
      navigate({ page: "editor", id: doc.id, run: null });
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const duplicate = async (id: string) => {
    try {
      const record = await api.getWorkflow(id);
      const copy = withFreshId({ ...record.document, name: `${record.name} (copy)` }, takenIds);
      await api.createWorkflow(copy);
      notify(`Duplicated as ${copy.id}.`);
      await load();
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const remove = async (wf: WorkflowSummary) => {
    if (!window.confirm(`Delete "${wf.name}" and all its versions? Runs stay in the history.`)) return;
    try {
      await api.deleteWorkflow(wf.id);
      notify(`Deleted ${wf.id}.`);
      await load();
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const exportOne = async (id: string) => {
    try {
      const record = await api.getWorkflow(id);
      downloadJson(`${id}.json`, record.document);
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const createImported = async (imported: WorkflowDocument) => {
    const doc = withFreshId(imported, takenIds);
    try {
      await api.createWorkflow(doc);
      notify(`Imported ${doc.id}.`);
      navigate({ page: "editor", id: doc.id, run: null });
    } catch (exc) {
      const problems = exc instanceof ApiError ? exc.problems.map((p) => `${p.node ? `${p.node}: ` : ""}${p.message}`).join("; ") : "";
      notify(`Import failed: ${(exc as Error).message} ${problems}`, "error");
    }
  };

  /** A WFAIB workflow file is created at once; an n8n export is converted by the API first and its report shown. */
  const importFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (exc) {
      notify(`${file.name} is not JSON: ${(exc as Error).message}`, "error");
      return;
    }
    if (isN8nExport(parsed)) {
      try {
        setN8nImport({ fileName: file.name, result: await api.importN8n(parsed) });
      } catch (exc) {
        notify(`${file.name} could not be converted from n8n: ${(exc as Error).message}`, "error");
      }
      return;
    }
    let doc: WorkflowDocument;
    try {
      doc = importableDocument(parsed);
    } catch (exc) {
      notify(`${file.name} is not a workflow: ${(exc as Error).message}`, "error");
      return;
    }
    await createImported(doc);
  };

  return (
    <section className="page" aria-labelledby="workflows-title">
      <div className="page-header">
        <h1 id="workflows-title">Workflows</h1>
        <div className="actions">
          <button type="button" className="primary" onClick={() => setCreating(true)}>New workflow</button>
          <button type="button" onClick={() => fileInput.current?.click()}>Import JSON</button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            aria-label="Workflow JSON file (or n8n export) to import"
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void importFile(file);
              e.target.value = "";
            }}
          />
        </div>
      </div>
      {n8nImport && (
        <N8nImportDialog
          fileName={n8nImport.fileName}
          result={n8nImport.result}
          onCreate={() => {
            const { workflow } = n8nImport.result;
            setN8nImport(null);
            void createImported(importableDocument(workflow));
          }}
          onClose={() => setN8nImport(null)}
        />
      )}
      {creating && (
        <form className="inline-form" onSubmit={create} aria-label="New workflow">
          <label htmlFor="new-name">Name</label>
          <input id="new-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus placeholder="e.g. Route orders" onKeyDown={(e) => e.key === "Escape" && setCreating(false)} />
          <button type="submit" className="primary">Create</button>
          <button type="button" onClick={() => setCreating(false)}>Cancel</button>
        </form>
      )}
      <label className="search">
        <span className="visually-hidden">Search workflows</span>
        <input type="search" placeholder="Search workflows" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      {workflows === null ? (
        <p>Loading…</p>
      ) : visible.length === 0 ? (
        <p className="empty">{workflows.length ? "No workflow matches." : "No workflows yet: create one, import a JSON file (or an n8n export) or install a template."}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Last run</th>
              <th scope="col">Updated</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {visible.map((wf) => {
              const run = lastRuns.get(wf.id);
              const environments = Object.entries(wf.environments ?? {});
              return (
                <tr key={wf.id}>
                  <td>
                    <a href={href({ page: "editor", id: wf.id, run: null })}>{wf.name}</a>
                    <div className="muted">{wf.id} · v{wf.version}</div>
                  </td>
                  <td>{environments.length ? environments.map(([env, info]) => <span key={env} className="pill">{env} v{String(info?.version ?? "?")}</span>) : <span className="muted">draft</span>}</td>
                  <td>{run ? <a href={href({ page: "run", id: run.id })}><StatusBadge status={run.status} /> {formatTime(run.started_at)}</a> : <span className="muted">never</span>}</td>
                  <td>{formatTime(wf.updated_at)}<div className="muted">{wf.updated_by}</div></td>
                  <td className="row-actions">
                    <button type="button" onClick={() => duplicate(wf.id)} aria-label={`Duplicate ${wf.name}`}>Duplicate</button>
                    <button type="button" onClick={() => exportOne(wf.id)} aria-label={`Export ${wf.name}`}>Export</button>
                    <button type="button" className="danger" onClick={() => remove(wf)} aria-label={`Delete ${wf.name}`}>Delete</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
