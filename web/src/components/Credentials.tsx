import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import type { Connector, Credential } from "../api/types";
import { useApp } from "../context";
import { slugify } from "../graph/workflow";
import { fieldsFromSchema, type FieldSpec } from "../schema/schemaForm";

function ValueFields({ fields, values, onChange, prefix }: { fields: FieldSpec[]; values: Record<string, string>; onChange: (v: Record<string, string>) => void; prefix: string }) {
  return (
    <>
      {fields.map((field) => (
        <div className="field" key={field.name}>
          <label htmlFor={`${prefix}-${field.name}`}>
            {field.title}
            {field.required ? " *" : ""}
          </label>
          <input
            id={`${prefix}-${field.name}`}
            type={field.kind === "secret" ? "password" : "text"}
            autoComplete="off"
            value={values[field.name] ?? ""}
            required={field.required}
            onChange={(e) => onChange({ ...values, [field.name]: e.target.value })}
          />
          {field.description && <p className="help">{field.description}</p>}
        </div>
      ))}
    </>
  );
}

/** Credentials: create, rotate and delete; values are write-only and never shown back. */
export function Credentials() {
  const { api, notify } = useApp();
  const [items, setItems] = useState<Credential[] | null>(null);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [connectorId, setConnectorId] = useState("");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [rotating, setRotating] = useState<Credential | null>(null);
  const [rotateValues, setRotateValues] = useState<Record<string, string>>({});

  const load = useCallback(() => api.listCredentials().then(setItems, (exc: Error) => notify(exc.message, "error")), [api, notify]);
  useEffect(() => {
    void load();
    api.listConnectors().then((list) => {
      const withAuth = list.filter((c) => c.auth && c.auth !== "none" && c.credential_schema);
      setConnectors(withAuth);
      setConnectorId((current) => current || withAuth[0]?.id || "");
    }, () => undefined);
  }, [api, load]);

  const schemaOf = useCallback((id: string | undefined) => {
    const connector = connectors.find((c) => c.id === id);
    return connector?.credential_schema ? fieldsFromSchema(connector.credential_schema) : [];
  }, [connectors]);
  const fields = useMemo(() => schemaOf(connectorId), [schemaOf, connectorId]);
  const filled = (raw: Record<string, string>) => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const id = slugify(`${connectorId}-${name}`);
    try {
      await api.createCredential({ id, name, connector: connectorId, value: filled(values) });
      setValues({});
      setName("");
      notify(`Stored credential ${id}.`);
      await load();
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const rotate = async (event: FormEvent) => {
    event.preventDefault();
    if (!rotating) return;
    try {
      await api.rotateCredential(rotating.id, filled(rotateValues));
      notify(`Rotated ${rotating.id}.`);
      setRotating(null);
      setRotateValues({});
      await load();
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  const remove = async (credential: Credential) => {
    if (!window.confirm(`Delete the credential ${credential.name ?? credential.id}? Nodes that use it will fail.`)) return;
    try {
      await api.deleteCredential(credential.id);
      await load();
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };

  return (
    <section className="page" aria-labelledby="credentials-title">
      <div className="page-header">
        <h1 id="credentials-title">Credentials</h1>
      </div>
      <p className="help">A credential's value is stored encrypted and used by reference when a step runs. It is never shown again, here or anywhere.</p>
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p className="empty">No credentials.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id (for nodes)</th>
              <th scope="col">Connector</th>
              <th scope="col">Rotated</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>{c.name ?? c.id}</td>
                <td><code>{c.id}</code></td>
                <td>{c.connector}</td>
                <td>{c.rotated_at ? new Date(c.rotated_at).toLocaleString() : <span className="muted">never</span>}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => { setRotating(c); setRotateValues({}); }} aria-label={`Rotate ${c.name ?? c.id}`}>Rotate</button>
                  <button type="button" className="danger" onClick={() => void remove(c)} aria-label={`Delete ${c.name ?? c.id}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rotating && (
        <form className="card" onSubmit={rotate} aria-labelledby="rotate-title">
          <h2 id="rotate-title">New value for {rotating.name ?? rotating.id}</h2>
          <ValueFields prefix="rotate" fields={schemaOf(rotating.connector)} values={rotateValues} onChange={setRotateValues} />
          <div className="actions">
            <button type="submit" className="primary">Replace the value</button>
            <button type="button" onClick={() => setRotating(null)}>Cancel</button>
          </div>
        </form>
      )}
      <form className="card" onSubmit={create} aria-labelledby="new-credential">
        <h2 id="new-credential">New credential</h2>
        <label htmlFor="cred-connector">Connector</label>
        <select id="cred-connector" value={connectorId} onChange={(e) => { setConnectorId(e.target.value); setValues({}); }}>
          {connectors.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.auth})</option>)}
        </select>
        <label htmlFor="cred-name">Name</label>
        <input id="cred-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <ValueFields prefix="cred" fields={fields} values={values} onChange={setValues} />
        <button type="submit" className="primary">Save credential</button>
      </form>
    </section>
  );
}
