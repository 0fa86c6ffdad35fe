import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import type { TemplateSummary, WorkflowDocument } from "../api/types";
import { useApp } from "../context";
import { withFreshId } from "../graph/importExport";
import { navigate } from "../route";

// The examples are also built into the editor, for an API without the template routes.
const bundled = import.meta.glob<WorkflowDocument>("../../../examples/*.json", { eager: true, import: "default" });

function bundledTemplates(): (TemplateSummary & { document: WorkflowDocument })[] {
  return Object.entries(bundled).map(([path, document]) => ({
    id: path.split("/").pop()!.replace(/\.json$/, ""),
    name: document.name,
    description: document.description ?? "",
    source: "builtin",
    trigger: document.trigger.type,
    nodes: document.nodes.length,
    document,
  }));
}

/** The gallery: built-in and the tenant's own templates; Install creates a workflow at once. */
export function Templates() {
  const { api, notify } = useApp();
  const [query, setQuery] = useState("");
  const [all, setAll] = useState<(TemplateSummary & { document?: WorkflowDocument })[] | null>(null);
  useEffect(() => {
    api.listTemplates().then(
      (list) => setAll(list),
      (exc: unknown) => {
        if (exc instanceof ApiError && exc.status === 404) setAll(bundledTemplates());
        else notify((exc as Error).message, "error");
      },
    );
  }, [api, notify]);

  const visible = (all ?? [])
    .filter((t) => `${t.name} ${t.description} ${t.id}`.toLowerCase().includes(query.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));

  const install = async (template: TemplateSummary & { document?: WorkflowDocument }) => {
    try {
      const taken = new Set((await api.allWorkflows()).map((w) => w.id));
      const workflowId = withFreshId({ id: template.document?.id ?? template.id } as WorkflowDocument, taken).id;
      if (template.document) await api.createWorkflow({ ...template.document, id: workflowId });
      else await api.installTemplate(template.id, workflowId);
      notify(`Installed ${workflowId}.`);
      navigate({ page: "editor", id: workflowId, run: null });
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
      {all === null ? (
        <p>Loading…</p>
      ) : (
        <ul className="cards">
          {visible.map((template) => (
            <li key={`${template.source}-${template.id}`} className="card">
              <h2>{template.name}</h2>
              <p>{template.description}</p>
              <p className="muted">
                {template.nodes} nodes · {template.trigger} trigger{template.source === "tenant" ? " · your team's" : ""}
              </p>
              <button type="button" className="primary" onClick={() => void install(template)} aria-label={`Install ${template.name}`}>Install</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
