import { ViewportPortal, type Edge, type ReactFlowState } from "@xyflow/react";
import { memo, useMemo } from "react";
import { NODE_HEIGHT, NODE_WIDTH } from "../graph/layout";
import { overviewPaths } from "../graph/overview";
import type { WfFlowNode } from "./WfNode";

/** Below this zoom a node's text is too small to read (13px → under 6.5px) and its handles too small to grab. */
export const LOW_DETAIL_ZOOM = 0.5;

/** For `useStore`: true while zoomed out. It changes only when the threshold is crossed, so panning and zooming re-render nothing. */
export const zoomedOutSelector = (state: ReactFlowState): boolean => state.transform[2] < LOW_DETAIL_ZOOM;

/**
 * Every connection of the zoomed-out canvas, drawn as a few SVG paths in the viewport (see
 * graph/overview.ts for why React Flow's own edges are not drawn then). Moves with the viewport's
 * transform, so it renders again only when the workflow, a node's size or a run status changes.
 */
export const OverviewEdges = memo(function OverviewEdges({ nodes, edges }: { nodes: WfFlowNode[]; edges: Edge[] }) {
  const paths = useMemo(
    () =>
      overviewPaths(
        nodes.map((node) => ({
          id: node.id,
          position: node.position,
          width: node.measured?.width ?? NODE_WIDTH,
          height: node.measured?.height ?? NODE_HEIGHT,
          outputs: node.data.handles.map((handle) => handle.branch ?? "out"),
        })),
        edges.map((edge) => ({ source: edge.source, target: edge.target, sourceHandle: edge.sourceHandle ?? "out", className: edge.className ?? "" })),
      ),
    [nodes, edges],
  );
  return (
    <ViewportPortal>
      <svg className="overview-edges" aria-hidden="true" data-testid="overview-edges">
        {paths.map((path) => (
          <g key={path.className} className={path.className}>
            <path className="react-flow__edge-path" d={path.d} />
          </g>
        ))}
      </svg>
    </ViewportPortal>
  );
});
