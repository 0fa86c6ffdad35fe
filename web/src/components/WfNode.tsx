import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useRef } from "react";
import type { OutputHandle } from "../catalog/catalog";
import type { NodeRunStatus } from "../run/runStatus";

export type WfNodeData = {
  label: string;
  type: string;
  title: string;
  handles: OutputHandle[];
  hasInput: boolean;
  status: NodeRunStatus | null;
  problems: string[];
  isTrigger: boolean;
};

export type WfFlowNode = Node<WfNodeData, "wf">;

const STATUS_TEXT: Record<NodeRunStatus, string> = { running: "running", succeeded: "succeeded", failed: "failed", caught: "error handled" };

function WfNodeView({ id, data, selected }: NodeProps<WfFlowNode>) {
  const updateInternals = useUpdateNodeInternals();
  const handleKey = data.handles.map((h) => h.branch ?? "out").join("|");
  // React Flow measures handles when a node mounts; re-measure only when the handles change
  // (a switch case added), or a 1,000-node canvas re-renders once per node while it opens.
  const measuredKey = useRef(handleKey);
  useEffect(() => {
    if (measuredKey.current === handleKey) return;
    measuredKey.current = handleKey;
    updateInternals(id);
  }, [id, handleKey, updateInternals]);
  const classes = ["wf-node", data.isTrigger ? "wf-trigger" : "", data.status ? `status-${data.status}` : "", data.problems.length ? "has-problems" : "", selected ? "selected" : ""];
  const description = [data.title, data.status ? `status ${STATUS_TEXT[data.status]}` : "", data.problems.length ? `${data.problems.length} problem(s): ${data.problems.join(" ")}` : ""].filter(Boolean).join(", ");
  return (
    <div className={classes.filter(Boolean).join(" ")} data-testid={`node-${id}`} data-status={data.status ?? ""} title={data.problems.join("\n") || undefined} aria-description={description}>
      {data.hasInput && <Handle type="target" position={Position.Left} id="in" className="handle-in" aria-hidden="true" title="input" />}
      <div className="wf-node-title">
        <span className="wf-node-label">{data.label}</span>
        {data.status && <span className={`node-status node-status-${data.status}`}>{STATUS_TEXT[data.status]}</span>}
        {data.problems.length > 0 && <span className="node-problems" aria-label={`${data.problems.length} problems`}>⚠ {data.problems.length}</span>}
      </div>
      <div className="wf-node-type">{data.title}</div>
      {data.handles.length > 0 && (
        <div className="wf-node-outputs">
          {data.handles.map((handle, index) => (
            <div key={handle.branch ?? "out"} className={`wf-output wf-output-${handle.kind}`} style={{ top: `${((index + 1) * 100) / (data.handles.length + 1)}%` }}>
              <span className="wf-output-label">{handle.label}</span>
              <Handle type="source" position={Position.Right} id={handle.branch ?? "out"} className={`handle-out handle-${handle.kind}`} aria-hidden="true" title={`output: ${handle.label}`} data-testid={`handle-${id}-${handle.branch ?? "out"}`} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const WfNode = memo(WfNodeView);
