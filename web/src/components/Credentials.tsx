import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { Connector, Credential } from "../api/types";
import { useApp } from "../context";
import { fieldsFromSchema } from "../schema/schemaForm";

/** Credentials: create and delete; values are write-only and never shown back. */
export function Credentials() {
  const { api, notify } = useApp();
  const [items, setItems] = useState<Credential[] | null>(null);
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [connectorId, setConnectorId] = useState("");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [unsupported, setUnsupported] = useState(false);

  const load = () => api.listCredentials().then(setItems, (exc: Error) => notify(exc.message, "error"));
  useEffect(() => {
    void load();
    api.listConnectors().then((list) => {
      const withAuth = list.filter((c) => c.auth && c.auth !== "none");
      setConnectors(withAuth);
      setConnectorId((current) => current || withAuth[0]?.id || "");
    }, () => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  const connector = connectors.find((c) => c.id === connectorId);
  const fields = useMemo(() => (connector?.credential_schema ? fieldsFromSchema(connector.credential_schema) : []), [connector]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.createCredential({ name, connector: connectorId, values });
      setValues({});
      setName("");
      notify(`Created ${name}.`);
      await load();
    } catch (exc) {
      if (exc instanceof ApiError && (exc.status === 404 || exc.status === 405)) setUnsupported(true);
      notify((exc as Error).message, "error");
    }
  };

  return (
    <section className="page" aria-labelledby="credentials-title">
      <div className="page-header">
        <h1 id="credentials-title">Credentials</h1>
      </div>
      <p className="help">A credential's values are stored encrypted and used by reference when a step runs. They are never shown again, here or anywhere.</p>
      {unsupported && <p className="warning" role="alert">This API does not offer credentials yet.</p>}
      {items === null ? <p>Loading…</p> : items.length === 0 ? <p className="empty">No credentials.</p> : (
        <table className="table">
          <thead><tr><th scope="col">Name</th><th scope="col">Connector</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>{c.name ?? c.id}</td>
                <td>{c.connector}</td>
                <td><button type="button" className="danger" onClick={() => void api.deleteCredential(c.id).then(load, (exc: Error) => notify(exc.message, "error"))}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="card" onSubmit={create} aria-labelledby="new-credential">
        <h2 id="new-credential">New credential</h2>
        <label htmlFor="cred-connector">Connector</label>
        <select id="cred-connector" value={connectorId} onChange={(e) => { setConnectorId(e.target.value); setValues({}); }}>
          {connectors.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.auth})</option>)}
        </select>
        <label htmlFor="cred-name">Name</label>
        <input id="cred-name" value={name} onChange={(e) => setName(e.target.value)} required />
        {fields.map((field) => (
          <div className="field" key={field.name}>
            <label htmlFor={`cred-${field.name}`}>{field.title}{field.required ? " *" : ""}</label>
            <input id={`cred-${field.name}`} type={field.kind === "secret" ? "password" : "text"} autoComplete="off" value={values[field.name] ?? ""} required={field.required} onChange={(e) => setValues({ ...values, [field.name]: e.target.value })} />
            {field.description && <p className="help">{field.description}</p>}
          </div>
        ))}
        <button type="submit" className="primary">Save credential</button>
      </form>
    </section>
  );
}
