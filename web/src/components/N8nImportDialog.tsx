import type { N8nImportResult } from "../api/types";
import { Modal } from "./Modal";

/** What converting an n8n export did: how many nodes became WFAIB nodes, which became placeholders and why. */
export function N8nImportDialog({ fileName, result, onCreate, onClose }: { fileName: string; result: N8nImportResult; onCreate: () => void; onClose: () => void }) {
  const { report, workflow } = result;
  return (
    <Modal title={`Import ${fileName} from n8n`} onClose={onClose} wide>
      <p data-testid="n8n-converted">
        Converted <strong>{report.converted}</strong> of {report.nodes} n8n nodes into “{workflow.name}”.
      </p>
      {report.placeholders.length > 0 && (
        <section aria-labelledby="n8n-placeholders-title">
          <h3 id="n8n-placeholders-title">To finish by hand ({report.placeholders.length})</h3>
          <p className="help">Each of these is a placeholder node on the canvas: configure it, or replace it with a connector action.</p>
          <table className="table" data-testid="n8n-placeholders">
            <thead>
              <tr>
                <th scope="col">n8n node</th>
                <th scope="col">n8n type</th>
                <th scope="col">Node</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {report.placeholders.map((placeholder) => (
                <tr key={placeholder.node}>
                  <td>{placeholder.name}</td>
                  <td><code>{placeholder.n8n_type}</code></td>
                  <td><code>{placeholder.node}</code></td>
                  <td>{placeholder.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {report.notes.length > 0 && (
        <section aria-labelledby="n8n-notes-title">
          <h3 id="n8n-notes-title">Notes</h3>
          <ul data-testid="n8n-notes">{report.notes.map((note) => <li key={note}>{note}</li>)}</ul>
        </section>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onCreate} data-autofocus>Create the workflow</button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Modal>
  );
}
