import { useMemo, useState } from "react";
import type { WorkflowDocument } from "../api/types";
import { useApp } from "../context";
import { withFreshId } from "../graph/importExport";
import { navigate } from "../route";

// The bundled examples (examples/*.json) are the gallery: built into the editor, installed with
// one click through the same API call as an import.
const bundled = import.meta.glob<WorkflowDocument>("../../../examples/*.json", { eager: true, import: "default" });

export function templates(): WorkflowDocument[] {
  return Object.values(bundled).sort((a, b) => a.name.localeCompare(b.name));
}

export function Templates() {
  const { api, notify } = useApp();
  const [query, setQuery] = useState("");
  const all = useMemo(templates, []);
  const visible = all.filter((t) => `${t.name} ${t.description ?? ""} ${t.nodes.map((n) => n.type).join(" ")}`.toLowerCase().includes(query.toLowerCase()));
  const install = async (template: WorkflowDocument) => {
    try {
      const taken = new Set((await api.allWorkflows()).map((w) => w.id));
      const doc = withFreshId(template, taken);
      await api.createWorkflow(doc);
      notify(`Installed ${doc.id}.`);
      navigate({ page: "editor", id: doc.id, run: null });
    } catch (exc) {
      notify((exc as Error).message, "error");
    }
  };
  return (
    <section className="page" aria-labelledby="templates-title">
      <div className="page-header">
        <h1 id="templates-title">Templates</h1>
      </div>
      <label className="search">
        <span className="visually-hidden">Search templates</span>
        <input type="search" placeholder="Search templates" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <ul className="cards">
        {visible.map((template) => (
          <li key={template.id} className="card">
            <h2>{template.name}</h2>
            <p>{template.description}</p>
            <p className="muted">{template.nodes.length} nodes · {template.trigger.type} trigger</p>
            <button type="button" className="primary" onClick={() => void install(template)} aria-label={`Install ${template.name}`}>Install</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
