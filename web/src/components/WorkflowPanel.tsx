import type { Json, JsonObject, Problem, Trigger, WorkflowDocument } from "../api/types";
import type { Scope } from "../expressions/expressions";
import { fieldsFromSchema } from "../schema/schemaForm";
import workflowSchema from "../../../docs/workflow.schema.json";
import { SchemaForm } from "./SchemaForm";

const TRIGGER_DEFS: Record<Trigger["type"], string> = {
  manual: "ManualTrigger",
  webhook: "WebhookTrigger",
  schedule: "ScheduleTrigger",
  event: "EventTrigger",
  sub_workflow: "SubWorkflowTrigger",
};

interface WorkflowPanelProps {
  doc: WorkflowDocument;
  problems: Problem[];
  onChange: (doc: WorkflowDocument, coalesceKey?: string) => void;
}

/** The workflow's own settings: name, description, trigger (with its sample input) and execution type. */
export function WorkflowPanel({ doc, problems, onChange }: WorkflowPanelProps) {
  const root = workflowSchema as unknown as JsonObject;
  const defs = root.$defs as JsonObject;
  const triggerFields = fieldsFromSchema({ ...(defs[TRIGGER_DEFS[doc.trigger.type]] as JsonObject), $defs: defs }).filter((f) => f.name !== "type");
  const settings = doc.settings ?? {};
  const general = problems.filter((p) => !p.node);
  const triggerProblems = new Map<string, string[]>();
  for (const p of general) {
    const match = /^trigger\.([^.]+)/.exec(p.field ?? "");
    if (match) triggerProblems.set(match[1], [...(triggerProblems.get(match[1]) ?? []), p.message]);
  }
  const noScope: Scope = { variables: {} };
  return (
    <aside className="side-panel" aria-labelledby="workflow-panel-title" data-testid="workflow-panel">
      <h2 id="workflow-panel-title">Workflow</h2>
      {general.length > 0 && (
        <ul className="problems" aria-label="Problems with the workflow">
          {general.map((p, i) => <li key={i}>{p.field ? <code>{p.field}</code> : null} {p.message}</li>)}
        </ul>
      )}
      <div className="field">
        <label htmlFor="wf-name">Name</label>
        <input id="wf-name" value={doc.name} onChange={(e) => onChange({ ...doc, name: e.target.value }, "name")} />
      </div>
      <div className="field">
        <label htmlFor="wf-description">Description</label>
        <textarea id="wf-description" rows={2} value={doc.description ?? ""} onChange={(e) => onChange({ ...doc, description: e.target.value || undefined }, "description")} />
      </div>
      <fieldset>
        <legend>Trigger</legend>
        <div className="field">
          <label htmlFor="wf-trigger-type">Type</label>
          <select id="wf-trigger-type" value={doc.trigger.type} onChange={(e) => onChange({ ...doc, trigger: { type: e.target.value as Trigger["type"], sample_input: doc.trigger.sample_input } })}>
            {Object.keys(TRIGGER_DEFS).map((type) => <option key={type} value={type}>{type.replace("_", "-")}</option>)}
          </select>
        </div>
        <SchemaForm
          idPrefix="trigger"
          fields={triggerFields}
          values={doc.trigger as unknown as JsonObject}
          scope={noScope}
          serverProblems={triggerProblems}
          onChange={(name, value: Json | undefined) => {
            const trigger = { ...doc.trigger } as Record<string, Json | undefined>;
            if (value === undefined) delete trigger[name];
            else trigger[name] = value;
            onChange({ ...doc, trigger: trigger as Trigger }, `trigger.${name}`);
          }}
        />
      </fieldset>
      <div className="field">
        <label htmlFor="wf-execution-type">Execution type</label>
        <select id="wf-execution-type" value={String(settings.execution_type ?? "STANDARD")} onChange={(e) => onChange({ ...doc, settings: { ...settings, execution_type: e.target.value } })}>
          <option value="STANDARD">Standard (durable, up to a year)</option>
          <option value="EXPRESS">Express (up to five minutes, cheaper)</option>
        </select>
      </div>
    </aside>
  );
}
