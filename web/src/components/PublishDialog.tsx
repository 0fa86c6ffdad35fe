import { useEffect, useState } from "react";
import type { VersionSummary, WorkflowRecord } from "../api/types";
import { useApp } from "../context";
import { Modal } from "./Modal";

/** The environments in promotion order: a version goes dev → staging → prod. */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

interface PublishDialogProps {
  record: WorkflowRecord;
  /** The version Publish would publish: the editor's, saved first when there are unsaved changes. */
  version: number;
  onPublish: (environment: string) => void;
  onPromote: (source: string, target: string) => void;
  onRollback: (environment: string, version: number) => void;
  onClose: () => void;
}

/**
 * Publish what is in the editor to an environment; and, for each environment, which version it runs,
 * promote the version of the environment before it (no recompiling: the same state machine version)
 * or roll it back to a version published before.
 */
export function PublishDialog({ record, version, onPublish, onPromote, onRollback, onClose }: PublishDialogProps) {
  const { api, notify } = useApp();
  const [environment, setEnvironment] = useState("dev");
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [rollbackTo, setRollbackTo] = useState<Record<string, number>>({});

  // Again after each publish: a version published for the first time becomes one to roll back to.
  useEffect(() => {
    api.listVersions(record.id).then(setVersions, (exc: Error) => notify(exc.message, "error"));
  }, [api, record.id, record.environments, notify]);

  const running = (env: string): number | null => {
    const found = record.environments?.[env]?.version;
    return typeof found === "number" ? found : null;
  };
  const published = versions.filter((v) => v.published).map((v) => v.version);

  return (
    <Modal title={`Publish version ${version}`} onClose={onClose} wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onPublish(environment);
        }}
      >
        <p className="help">Compiles the saved version and points the environment at it (unsaved changes are saved first).</p>
        <label htmlFor="publish-environment">Environment</label>
        <select id="publish-environment" value={environment} onChange={(e) => setEnvironment(e.target.value)} autoFocus>
          {ENVIRONMENTS.map((env) => (
            <option key={env} value={env}>{env}</option>
          ))}
        </select>
        <div className="actions">
          <button type="submit" className="primary">Publish</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
      <section aria-labelledby="environments-title">
        <h3 id="environments-title">Live versions: promote and roll back</h3>
        <table className="table" data-testid="environments">
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Runs</th>
              <th scope="col">Promote</th>
              <th scope="col">Roll back</th>
            </tr>
          </thead>
          <tbody>
            {ENVIRONMENTS.map((env, index) => {
              const current = running(env);
              const source = index > 0 ? ENVIRONMENTS[index - 1] : null;
              const sourceVersion = source ? running(source) : null;
              const earlier = published.filter((v) => v !== current);
              const chosen = rollbackTo[env] ?? earlier[0];
              return (
                <tr key={env} data-testid={`environment-${env}`}>
                  <th scope="row">{env}</th>
                  <td data-testid={`environment-${env}-version`}>{current === null ? "not published" : `v${current}`}</td>
                  <td>
                    {source && (
                      <button
                        type="button"
                        disabled={sourceVersion === null || sourceVersion === current}
                        onClick={() => onPromote(source, env)}
                        title={sourceVersion === null ? `${source} runs no version yet` : undefined}
                      >
                        Promote {source}{sourceVersion === null ? "" : ` v${sourceVersion}`} to {env}
                      </button>
                    )}
                  </td>
                  <td>
                    {earlier.length > 0 && chosen !== undefined ? (
                      <div className="row">
                        <label htmlFor={`rollback-${env}`} className="visually-hidden">Version to roll {env} back to</label>
                        <select id={`rollback-${env}`} value={chosen} onChange={(e) => setRollbackTo({ ...rollbackTo, [env]: Number(e.target.value) })}>
                          {earlier.map((v) => (
                            <option key={v} value={v}>v{v}</option>
                          ))}
                        </select>
                        <button type="button" onClick={() => onRollback(env, chosen)}>Roll {env} back</button>
                      </div>
                    ) : (
                      <span className="muted">no other published version</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </Modal>
  );
}
