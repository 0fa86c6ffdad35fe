import { useState, type FormEvent } from "react";
import type { Json, WorkflowDocument, WorkflowNode, WorkflowRecord } from "../api/types";
import { outputHandles, type NodeTypeInfo } from "../catalog/catalog";
import { describeDiff, diffWorkflows, mergeWorkflows } from "../graph/diff";
import { SHORTCUTS } from "../graph/shortcuts";
import { TRIGGER_ID } from "../graph/workflow";
import { downloadJson } from "../download";
import { Modal } from "./Modal";

export function RunDialog({ initialInput, onRun, onClose }: { initialInput: Json; onRun: (input: Json) => void; onClose: () => void }) {
  const [text, setText] = useState(JSON.stringify(initialInput ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      onRun(JSON.parse(text || "{}") as Json);
    } catch {
      setError("The input is not valid JSON.");
    }
  };
  return (
    <Modal title="Run the workflow" onClose={onClose}>
      <form onSubmit={submit}>
        <p className="help">Saves, publishes the saved version to <strong>dev</strong> and starts a run with this input (<code>$trigger</code>).</p>
        <label htmlFor="run-input">Input (JSON)</label>
        <textarea
          id="run-input"
          rows={8}
          value={text}
          autoFocus
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "run-input-error" : "run-input-help"}
        />
        <p id="run-input-help" className="help">Ctrl+Enter runs.</p>
        {error && <p id="run-input-error" className="field-error" role="alert">{error}</p>}
        <div className="actions">
          <button type="submit" className="primary">Run</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}

export function ConnectDialog({ doc, source, catalog, onConnect, onClose }: { doc: WorkflowDocument; source: string; catalog: Map<string, NodeTypeInfo>; onConnect: (branch: string | null, target: string) => void; onClose: () => void }) {
  const node: WorkflowNode | undefined = doc.nodes.find((n) => n.id === source);
  const handles = source === TRIGGER_ID ? [{ branch: null, label: "start", kind: "plain" as const }] : node ? outputHandles(node, catalog.get(node.type)) : [];
  const targets = doc.nodes.filter((n) => n.id !== source);
  const [branch, setBranch] = useState(handles[0]?.branch ?? "");
  const [target, setTarget] = useState(targets[0]?.id ?? "");
  if (!handles.length) {
    return (
      <Modal title={`Connect ${source}`} onClose={onClose}>
        <p>This node has no outputs.</p>
      </Modal>
    );
  }
  return (
    <Modal title={`Connect ${source}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (target) onConnect(branch || null, target);
        }}
      >
        <label htmlFor="connect-output">Output</label>
        <select id="connect-output" value={branch ?? ""} onChange={(e) => setBranch(e.target.value)} autoFocus>
          {handles.map((h) => <option key={h.branch ?? ""} value={h.branch ?? ""}>{h.label}</option>)}
        </select>
        <label htmlFor="connect-target">To node</label>
        <select id="connect-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          {targets.map((n) => <option key={n.id} value={n.id}>{n.name ? `${n.name} (${n.id})` : n.id}</option>)}
        </select>
        <div className="actions">
          <button type="submit" className="primary" disabled={!target}>Connect</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys + s.label}>
              <th scope="row"><kbd>{s.keys}</kbd></th>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

interface ConflictProps {
  base: WorkflowDocument;
  mine: WorkflowDocument;
  theirs: WorkflowRecord;
  onResolve: (doc: WorkflowDocument, save: boolean) => void;
  onClose: () => void;
}

/** A stale save: what they changed, what I changed, and three ways out that all keep my work. */
export function ConflictDialog({ base, mine, theirs, onResolve, onClose }: ConflictProps) {
  const theirChanges = describeDiff(diffWorkflows(base, theirs.document));
  const myChanges = describeDiff(diffWorkflows(base, mine));
  const { merged, conflicts } = mergeWorkflows(base, mine, theirs.document);
  return (
    <Modal title="Someone else saved this workflow" onClose={onClose} wide>
      <div data-testid="conflict-dialog">
        <p role="alert">
          {theirs.updated_by} saved version {theirs.version} at {new Date(theirs.updated_at).toLocaleString()} while you were editing. Nothing has been overwritten.
        </p>
        <div className="grid-2">
          <section aria-labelledby="their-changes">
            <h3 id="their-changes">Their changes</h3>
            <ul className="diff-list" data-testid="their-changes">{theirChanges.length ? theirChanges.map((line) => <li key={line}>{line}</li>) : <li>layout only</li>}</ul>
          </section>
          <section aria-labelledby="my-changes">
            <h3 id="my-changes">Your unsaved changes</h3>
            <ul className="diff-list" data-testid="my-changes">{myChanges.length ? myChanges.map((line) => <li key={line}>{line}</li>) : <li>layout only</li>}</ul>
          </section>
        </div>
        {conflicts.length > 0 && <p className="warning">Both of you changed {conflicts.join(", ")}: merging keeps your version of those.</p>}
        <div className="actions">
          <button type="button" className="primary" onClick={() => onResolve(merged, true)}>Merge and save</button>
          <button type="button" onClick={() => onResolve(mine, true)}>Save mine over theirs</button>
          <button type="button" onClick={() => onResolve(theirs.document, false)}>Load theirs (undo brings mine back)</button>
          <button type="button" onClick={() => downloadJson(`${mine.id}-mine.json`, mine)}>Download mine</button>
        </div>
      </div>
    </Modal>
  );
}
