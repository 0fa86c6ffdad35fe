import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { ApiError } from "../api/client";
import type { Credential, Json, Position, Problem, RunDetail, WorkflowDocument, WorkflowNode, WorkflowRecord } from "../api/types";
import { hasInput, outputHandles, outputShape, type NodeTypeInfo } from "../catalog/catalog";
import { useApp } from "../context";
import { downloadJson } from "../download";
import type { Scope } from "../expressions/expressions";
import { jsonEqual } from "../graph/diff";
import { canRedo, canUndo, commitFrom, createHistory, push, redo, replace, undo, type History } from "../graph/history";
import { NODE_HEIGHT, NODE_WIDTH, autoLayout, ensurePositions, triggerPosition } from "../graph/layout";
import { commandFor, type Command } from "../graph/shortcuts";
import {
  TRIGGER_ID,
  addNode,
  connect,
  copySelection,
  edgeId,
  moveNodes,
  paste,
  removeElements,
  renameNode,
  updateNode,
  upstreamNodes,
  type Clipboard,
} from "../graph/workflow";
import { href } from "../route";
import { isFinished, lastOutputs, nodeStatuses, stepsOfNode, type NodeRunStatus } from "../run/runStatus";
import { ConflictDialog, ConnectDialog, RunDialog, ShortcutsDialog } from "./EditorDialogs";
import { NodePanel } from "./NodePanel";
import { DRAG_TYPE, Palette } from "./Palette";
import { PublishDialog } from "./PublishDialog";
import { RunPanel } from "./RunPanel";
import { StatusBadge } from "./StatusBadge";
import { VersionsPanel } from "./VersionsPanel";
import { WfNode, type WfFlowNode } from "./WfNode";
import { WorkflowPanel } from "./WorkflowPanel";
import { OverviewEdges, zoomedOutSelector } from "./OverviewEdges";

const nodeTypes = { wf: WfNode };
const NO_EDGES: Edge[] = [];
const POLL_MS = 400;
/** How long the canvas must stay unchanged before it is validated (typing, dragging a node). */
const VALIDATE_AFTER_MS = 500;

interface CachedNode {
  node: WorkflowNode;
  info: NodeTypeInfo | undefined;
  selected: boolean;
  measured: { width: number; height: number } | undefined;
  status: NodeRunStatus | null;
  problems: string[] | undefined;
  diff: string | undefined;
  flow: WfFlowNode;
}

type Dialog = null | "run" | "publish" | "connect" | "help" | "conflict";
type Side = "auto" | "run" | "versions";

export function Editor(props: { workflowId: string; runId: string | null }) {
  return (
    <ReactFlowProvider>
      <EditorInner {...props} />
    </ReactFlowProvider>
  );
}

function isTextField(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  const tag = element.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
}

function EditorInner({ workflowId, runId }: { workflowId: string; runId: string | null }) {
  const { api, catalog, catalogLoaded, notify } = useApp();
  const flow = useReactFlow();
  // Zoomed out, nodes are plain boxes and OverviewEdges draws the connections (see graph/overview.ts).
  const zoomedOut = useStore(zoomedOutSelector);
  const [record, setRecord] = useState<WorkflowRecord | null>(null);
  const [history, setHistory] = useState<History<WorkflowDocument> | null>(null);
  const [savedDoc, setSavedDoc] = useState<WorkflowDocument | null>(null);
  const [selectedNodes, setSelectedNodes] = useState<Set<string>>(new Set());
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  const [measured, setMeasured] = useState<Map<string, { width: number; height: number }>>(new Map());
  const [problems, setProblems] = useState<Problem[]>([]);
  const [run, setRun] = useState<RunDetail | null>(null);
  const [lastRun, setLastRun] = useState<RunDetail | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [conflict, setConflict] = useState<WorkflowRecord | null>(null);
  const [side, setSide] = useState<Side>("auto");
  const [compare, setCompare] = useState<WorkflowDocument | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [credentials, setCredentials] = useState<Credential[]>([]);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const clipboard = useRef<Clipboard | null>(null);
  const dragBase = useRef<WorkflowDocument | null>(null);
  const lastEdit = useRef<{ key: string; at: number } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const doc = history?.present ?? null;
  const dirty = doc !== null && savedDoc !== null && !jsonEqual(doc, savedDoc);

  // Loading ---------------------------------------------------------------------------------------
  useEffect(() => {
    let live = true;
    api
      .getWorkflow(workflowId)
      .then((loaded) => {
        if (!live) return;
        const document = ensurePositions(loaded.document);
        setRecord(loaded);
        setSavedDoc(document);
        setHistory(createHistory(document));
      })
      .catch((exc: Error) => live && setLoadError(exc.message));
    api.listCredentials().then((list) => live && setCredentials(list)).catch(() => undefined);
    api
      .listRuns({ workflowId })
      .then(async (page) => {
        const latest = page.items[0];
        if (latest && live) setLastRun(await api.getRun(latest.id));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, workflowId]);

  useEffect(() => {
    if (!runId) return;
    api.getRun(runId).then((detail) => {
      setRun(detail);
      setSide("run");
    }, (exc: Error) => notify(exc.message, "error"));
  }, [api, runId, notify]);

  // Fit the view once the first nodes are measured (nodes not drawn yet count with their initial size).
  const fitted = useRef(false);
  useEffect(() => {
    if (fitted.current || !history || measured.size === 0) return;
    fitted.current = true;
    window.requestAnimationFrame(() => {
      // data-fitted tells whoever waits for the canvas (people's scripts, the browser tests) that
      // the view has settled: nothing moves on screen after it unless someone moves it.
      void flow.fitView({ padding: 0.2, maxZoom: 1.2 }).then(() => canvasRef.current?.setAttribute("data-fitted", "true"));
    });
  }, [measured, history, flow]);

  // Poll a run until it finishes; each answer recolours the nodes.
  const runKey = run && !isFinished(run.status) ? run.id : null;
  useEffect(() => {
    if (!runKey) return;
    const timer = window.setInterval(() => {
      api.getRun(runKey).then((detail) => {
        setRun(detail);
        if (isFinished(detail.status)) setLastRun(detail);
      }, () => undefined);
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [api, runKey]);

  // Editing ---------------------------------------------------------------------------------------
  /** Apply a change as one undo step; edits with the same key within 1.5 s (typing) coalesce. */
  const editWith = useCallback((change: (doc: WorkflowDocument) => WorkflowDocument, coalesceKey?: string) => {
    const now = Date.now();
    const coalesce = coalesceKey !== undefined && lastEdit.current?.key === coalesceKey && now - lastEdit.current.at < 1500;
    lastEdit.current = coalesceKey ? { key: coalesceKey, at: now } : null;
    setHistory((current) => {
      if (!current) return current;
      const next = change(current.present);
      if (next === current.present) return current;
      return coalesce ? replace(current, next) : push(current, next);
    });
  }, []);

  const selectOnly = useCallback((ids: string[]) => {
    setSelectedNodes(new Set(ids));
    setSelectedEdges(new Set());
  }, []);

  const addNodeOfType = useCallback(
    (type: string, at?: Position) => {
      const info = catalog.get(type);
      if (!info || !doc) return;
      const selected = [...selectedNodes].filter((id) => id !== TRIGGER_ID || !at);
      const anchorId = !at && selected.length === 1 ? selected[0] : null;
      const anchor = anchorId === TRIGGER_ID ? { position: triggerPosition(doc) } : doc.nodes.find((n) => n.id === anchorId);
      let position = at;
      if (!position) {
        if (anchor?.position) position = { x: anchor.position.x + 260, y: anchor.position.y };
        else {
          const bounds = canvasRef.current?.getBoundingClientRect();
          position = flow.screenToFlowPosition({ x: (bounds?.left ?? 0) + (bounds?.width ?? 800) / 2, y: (bounds?.top ?? 0) + (bounds?.height ?? 600) / 2 });
        }
      }
      const result = addNode(doc, info, position);
      let next = result.doc;
      if (anchorId) {
        const anchorNode = doc.nodes.find((n) => n.id === anchorId);
        const plain = anchorId === TRIGGER_ID || (anchorNode && outputHandles(anchorNode, catalog.get(anchorNode.type)).some((h) => h.kind === "plain"));
        if (plain && anchorId !== TRIGGER_ID) {
          const connected = connect(next, anchorId, null, result.id);
          if (connected.ok) next = connected.doc;
        }
      }
      editWith(() => next);
      selectOnly([result.id]);
      notify(`Added ${result.id}.`);
    },
    [catalog, doc, selectedNodes, editWith, selectOnly, flow, notify],
  );

  const deleteSelection = useCallback(() => {
    const nodes = [...selectedNodes].filter((id) => id !== TRIGGER_ID);
    if (!nodes.length && !selectedEdges.size) return;
    editWith((d) => removeElements(d, nodes, selectedEdges));
    selectOnly([]);
  }, [selectedNodes, selectedEdges, editWith, selectOnly]);

  // Validating ------------------------------------------------------------------------------------
  // What is on the canvas, saved or not, is validated shortly after each change, so problems appear
  // on the nodes and fields while the user edits. An answer about a document that has changed since
  // is dropped (the cleanup), so problems never belong to an older canvas.
  useEffect(() => {
    if (!doc) return;
    let current = true;
    const timer = window.setTimeout(() => {
      api.validateDocument(doc).then(
        (result) => current && setProblems((before) => (jsonEqual(before, result.problems) ? before : result.problems)),
        () => undefined, // offline or signed out: the Validate button and saving report it
      );
    }, VALIDATE_AFTER_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [api, doc]);

  // Saving, publishing, running -------------------------------------------------------------------
  const validate = useCallback(async () => {
    if (!doc) return null;
    try {
      const result = await api.validateDocument(doc);
      setProblems(result.problems);
      return result.problems;
    } catch (exc) {
      notify((exc as Error).message, "error");
      return null;
    }
  }, [api, doc, notify]);

  const saveDocument = useCallback(
    async (document: WorkflowDocument, etag: string | null): Promise<WorkflowRecord | null> => {
      setBusy("Saving…");
      try {
        const saved = await api.saveWorkflow(document, etag);
        // The API stores the document with its defaults filled in: adopt that as the saved state,
        // unless the user changed something while the save was on its way.
        const stored = ensurePositions(saved.document);
        setRecord(saved);
        setSavedDoc(stored);
        setHistory((current) => (current && current.present === document ? replace(current, stored) : current));
        notify(`Saved version ${saved.version}.`);
        const found = await api.validate(workflowId).catch(() => null);
        setProblems(found?.problems ?? []);
        if (found && found.problems.length) notify(`${found.problems.length} problem(s) to fix before publishing.`, "error");
        return saved;
      } catch (exc) {
        if (exc instanceof ApiError && exc.status === 409) {
          try {
            setConflict(await api.getWorkflow(workflowId));
            setDialog("conflict");
          } catch (inner) {
            notify((inner as Error).message, "error");
          }
        } else if (exc instanceof ApiError && exc.problems.length) {
          setProblems(exc.problems);
          notify(`Not saved: ${exc.message}`, "error");
        } else notify(`Not saved: ${(exc as Error).message}`, "error");
        return null;
      } finally {
        setBusy(null);
      }
    },
    [api, workflowId, notify],
  );

  const save = useCallback(async () => (doc && record ? saveDocument(doc, record.etag) : null), [doc, record, saveDocument]);

  const ensureSaved = useCallback(async () => (dirty ? save() : record), [dirty, save, record]);

  const publishRecord = useCallback(
    async (environment: string, version: number) => {
      setBusy(`Publishing to ${environment}…`);
      try {
        const result = await api.publish(workflowId, environment, version);
        setRecord(await api.getWorkflow(workflowId));
        notify(`Published version ${result.version} to ${environment}.`);
        return result;
      } catch (exc) {
        if (exc instanceof ApiError && exc.problems.length) setProblems(exc.problems);
        notify(`Not published: ${(exc as Error).message}`, "error");
        return null;
      } finally {
        setBusy(null);
      }
    },
    [api, workflowId, notify],
  );

  /** Point an environment at the version another one runs (dev → staging → prod), without recompiling. */
  const promote = useCallback(
    async (source: string, target: string) => {
      setBusy(`Promoting ${source} to ${target}…`);
      try {
        const result = await api.promote(workflowId, source, target);
        setRecord(await api.getWorkflow(workflowId));
        notify(`Promoted version ${result.version} from ${source} to ${target}.`);
      } catch (exc) {
        notify(`Not promoted: ${(exc as Error).message}`, "error");
      } finally {
        setBusy(null);
      }
    },
    [api, workflowId, notify],
  );

  /** Publish a version (default: what is in the editor, saved first). */
  const publishTo = useCallback(
    async (environment: string, version?: number) => {
      const current = await ensureSaved();
      return current ? publishRecord(environment, version ?? current.version) : null;
    },
    [ensureSaved, publishRecord],
  );

  const startRun = useCallback(
    async (input: Json) => {
      setDialog(null);
      const current = await ensureSaved();
      if (!current) return;
      if (current.environments?.dev?.version !== current.version && !(await publishRecord("dev", current.version))) return;
      setBusy("Starting the run…");
      try {
        const started = await api.startRun(workflowId, input);
        setRun({ ...started, steps: [] });
        setSide("run");
        selectOnly([]);
        window.history.replaceState(null, "", href({ page: "editor", id: workflowId, run: started.id }));
      } catch (exc) {
        notify(`The run did not start: ${(exc as Error).message}`, "error");
      } finally {
        setBusy(null);
      }
    },
    [api, workflowId, ensureSaved, publishRecord, notify, selectOnly],
  );

  const resolveConflict = useCallback(
    async (resolved: WorkflowDocument, andSave: boolean) => {
      if (!conflict) return;
      setDialog(null);
      setRecord(conflict);
      const next = ensurePositions(resolved);
      setHistory((current) => (current ? push(current, next) : createHistory(next)));
      if (andSave) await saveDocument(next, conflict.etag);
      else setSavedDoc(next);
      setConflict(null);
    },
    [conflict, saveDocument],
  );

  // Keyboard --------------------------------------------------------------------------------------
  const runCommand = useCallback(
    (command: Command): boolean => {
      if (!doc) return false;
      switch (command) {
        case "save":
          void save();
          return true;
        case "undo":
          setHistory((h) => (h ? undo(h) : h));
          return true;
        case "redo":
          setHistory((h) => (h ? redo(h) : h));
          return true;
        case "delete":
          deleteSelection();
          return true;
        case "copy":
        case "cut": {
          const ids = [...selectedNodes].filter((id) => id !== TRIGGER_ID);
          if (!ids.length) return false;
          clipboard.current = copySelection(doc, ids);
          notify(`${command === "cut" ? "Cut" : "Copied"} ${ids.length} node(s).`);
          if (command === "cut") deleteSelection();
          return true;
        }
        case "paste":
        case "duplicate": {
          const source = command === "paste" ? clipboard.current : copySelection(doc, [...selectedNodes]);
          if (!source || !source.nodes.length) return false;
          const result = paste(doc, source);
          editWith(() => result.doc);
          selectOnly(result.ids);
          return true;
        }
        case "selectAll":
          selectOnly(doc.nodes.map((n) => n.id));
          return true;
        case "search":
          setPaletteOpen(true);
          window.requestAnimationFrame(() => searchRef.current?.focus());
          return true;
        case "zoomIn":
          void flow.zoomIn();
          return true;
        case "zoomOut":
          void flow.zoomOut();
          return true;
        case "fit":
          void flow.fitView({ padding: 0.2 });
          return true;
        case "layout":
          editWith((d) => autoLayout(d));
          window.requestAnimationFrame(() => flow.fitView({ padding: 0.2 }));
          return true;
        case "connect":
          if (selectedNodes.size !== 1) {
            notify("Select one node to connect from.", "error");
            return true;
          }
          setDialog("connect");
          return true;
        case "run":
          setDialog("run");
          return true;
        case "publish":
          setDialog("publish");
          return true;
        case "nextNode":
        case "previousNode": {
          const ids = [TRIGGER_ID, ...doc.nodes.map((n) => n.id)];
          const current = ids.indexOf([...selectedNodes][0] ?? "");
          const step = command === "nextNode" ? 1 : -1;
          const next = ids[(current + step + ids.length) % ids.length];
          selectOnly([next]);
          const node = doc.nodes.find((n) => n.id === next);
          const position = node?.position ?? triggerPosition(doc);
          void flow.setCenter(position.x + 100, position.y + 36, { zoom: flow.getZoom() });
          window.requestAnimationFrame(() => (document.querySelector(`.react-flow__node[data-id="${CSS.escape(next)}"]`) as HTMLElement | null)?.focus());
          return true;
        }
        case "edit":
          (document.querySelector(".side-panel input, .side-panel textarea, .side-panel select") as HTMLElement | null)?.focus();
          return true;
        case "help":
          setDialog("help");
          return true;
        case "escape":
          if (dialog) setDialog(null);
          else selectOnly([]);
          return true;
        default:
          return false;
      }
    },
    [doc, save, deleteSelection, selectedNodes, notify, editWith, selectOnly, flow, dialog],
  );

  // Shortcuts listen on the window, so they work wherever focus is (also on the page body).
  const runCommandRef = useRef(runCommand);
  runCommandRef.current = runCommand;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
      const command = commandFor(event, isTextField(event.target));
      if (command === null) return;
      if (command === "escape" && isTextField(event.target)) {
        (event.target as HTMLElement).blur();
        return;
      }
      if (runCommandRef.current(command)) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  // React Flow wiring -----------------------------------------------------------------------------
  const statuses = useMemo(() => nodeStatuses(run?.steps ?? []), [run]);
  const problemsByNode = useMemo(() => {
    const byNode = new Map<string, string[]>();
    for (const p of problems) if (p.node) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p.field ? `${p.field}: ${p.message}` : p.message]);
    return byNode;
  }, [problems]);
  const compareDiff = useMemo(() => {
    if (!compare || !doc) return null;
    const before = new Map(compare.nodes.map((n) => [n.id, n]));
    const classes = new Map<string, string>();
    for (const node of doc.nodes) {
      const old = before.get(node.id);
      if (!old) classes.set(node.id, "diff-added");
      else if (!jsonEqual({ ...old, position: null }, { ...node, position: null })) classes.set(node.id, "diff-changed");
    }
    return classes;
  }, [compare, doc]);

  const nodeCache = useRef(new Map<string, CachedNode>());
  const rfNodes: WfFlowNode[] = useMemo(() => {
    if (!doc) return [];
    const trigger: WfFlowNode = {
      id: TRIGGER_ID,
      type: "wf",
      position: triggerPosition(doc),
      draggable: false,
      deletable: false,
      selected: selectedNodes.has(TRIGGER_ID),
      measured: measured.get(TRIGGER_ID),
      ariaLabel: `Trigger: ${doc.trigger.type}`,
      data: { label: "Trigger", type: "trigger", title: doc.trigger.type, handles: [{ branch: null, label: "start", kind: "plain" }], hasInput: false, status: run ? "succeeded" : null, problems: [], isTrigger: true },
    };
    // Reuse the flow node of every unchanged workflow node: React Flow then skips it, and so
    // does React (WfNode is memoised), which keeps large workflows fast to edit and measure.
    const cache = nodeCache.current;
    const next = new Map<string, CachedNode>();
    const nodes: WfFlowNode[] = [trigger];
    for (const node of doc.nodes) {
      const info = catalog.get(node.type);
      const key: Omit<CachedNode, "flow"> = {
        node,
        info,
        selected: selectedNodes.has(node.id),
        measured: measured.get(node.id),
        status: statuses.get(node.id) ?? null,
        problems: problemsByNode.get(node.id),
        diff: compareDiff?.get(node.id),
      };
      const cached = cache.get(node.id);
      const same = cached !== undefined && (Object.keys(key) as (keyof typeof key)[]).every((k) => cached[k] === key[k]);
      const flow: WfFlowNode = same
        ? cached.flow
        : {
            id: node.id,
            type: "wf",
            position: node.position ?? { x: 0, y: 0 },
            selected: key.selected,
            measured: key.measured,
            initialWidth: NODE_WIDTH,
            initialHeight: NODE_HEIGHT,
            className: key.diff,
            ariaLabel: `${node.name || node.id}, ${info?.title ?? node.type}`,
            data: {
              label: node.name || node.id,
              type: node.type,
              title: info?.title ?? node.type,
              handles: outputHandles(node, info),
              hasInput: hasInput(info),
              status: key.status,
              problems: key.problems ?? [],
              isTrigger: false,
            },
          };
      next.set(node.id, { ...key, flow });
      nodes.push(flow);
    }
    nodeCache.current = next;
    return nodes;
  }, [doc, catalog, selectedNodes, measured, statuses, problemsByNode, run, compareDiff]);

  const rfEdges: Edge[] = useMemo(() => {
    if (!doc) return [];
    const edges: Edge[] = doc.edges.map((edge) => {
      const id = edgeId(edge);
      const status = statuses.get(edge.target);
      return {
        id,
        source: edge.source,
        target: edge.target,
        sourceHandle: edge.branch ?? "out",
        targetHandle: "in",
        label: edge.branch ?? undefined,
        selected: selectedEdges.has(id),
        className: [edge.branch === "error" ? "edge-error" : "", status && statuses.get(edge.source) ? `edge-${status}` : ""].join(" "),
        ariaLabel: `Connection from ${edge.source}${edge.branch ? ` (${edge.branch})` : ""} to ${edge.target}`,
      };
    });
    if (!doc.edges.some((e) => e.source === TRIGGER_ID)) {
      const targets = new Set(doc.edges.map((e) => e.target));
      for (const node of doc.nodes) {
        if (targets.has(node.id) || node.type === "logic.error_handler") continue;
        edges.push({ id: `implicit->${node.id}`, source: TRIGGER_ID, target: node.id, sourceHandle: "out", targetHandle: "in", selectable: false, deletable: false, className: "edge-implicit", focusable: false });
      }
    }
    return edges;
  }, [doc, selectedEdges, statuses]);

  const onNodesChange = useCallback(
    (changes: NodeChange<WfFlowNode>[]) => {
      const positions = new Map<string, Position>();
      const dimensions: [string, { width: number; height: number }][] = [];
      const selects: [string, boolean][] = [];
      for (const change of changes) {
        if (change.type === "position" && change.position && change.id !== TRIGGER_ID) positions.set(change.id, change.position);
        else if (change.type === "dimensions" && change.dimensions) dimensions.push([change.id, change.dimensions]);
        else if (change.type === "select") selects.push([change.id, change.selected]);
      }
      if (dimensions.length) setMeasured((current) => new Map([...current, ...dimensions]));
      if (selects.length)
        setSelectedNodes((current) => {
          const next = new Set(current);
          for (const [id, selected] of selects) {
            if (selected) next.add(id);
            else next.delete(id);
          }
          return next;
        });
      if (positions.size) {
        if (dragBase.current) setHistory((h) => (h ? replace(h, moveNodes(h.present, positions)) : h));
        else editWith((d) => moveNodes(d, positions));
      }
    },
    [editWith],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const selects = changes.filter((c) => c.type === "select");
    if (!selects.length) return;
    setSelectedEdges((current) => {
      const next = new Set(current);
      for (const change of selects) {
        if (change.type !== "select") continue;
        if (change.selected) next.add(change.id);
        else next.delete(change.id);
      }
      return next;
    });
  }, []);

  const onConnect = useCallback(
    (connection: Connection) => {
      if (!doc) return;
      const branch = connection.sourceHandle && connection.sourceHandle !== "out" ? connection.sourceHandle : null;
      const result = connect(doc, connection.source, branch, connection.target);
      if (result.ok) editWith(() => result.doc);
      else notify(result.reason, "error");
    },
    [doc, editWith, notify],
  );

  // While the canvas is dragged, a cover over it (styles.css: .panning) answers the browser's hit
  // test for every pointer move at once, instead of a search through a thousand nodes. A class, not
  // state: nothing re-renders while panning.
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event && (event.type === "mousedown" || event.type === "touchstart" || event.type === "pointerdown")) canvasRef.current?.classList.add("panning");
  }, []);
  const onMoveEnd = useCallback(() => canvasRef.current?.classList.remove("panning"), []);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const type = event.dataTransfer.getData(DRAG_TYPE);
    if (type) addNodeOfType(type, flow.screenToFlowPosition({ x: event.clientX - 100, y: event.clientY - 30 }));
  };

  // Panels ----------------------------------------------------------------------------------------
  const selectedNode: WorkflowNode | null = doc && selectedNodes.size === 1 ? doc.nodes.find((n) => n.id === [...selectedNodes][0]) ?? null : null;
  const previewRun = run && isFinished(run.status) ? run : lastRun;
  const scope: Scope = useMemo(() => {
    if (!doc || !selectedNode) return { variables: {} };
    const outputs = lastOutputs(previewRun?.steps ?? []);
    const variables: Scope["variables"] = {
      trigger: (previewRun?.input ?? doc.trigger.sample_input ?? {}) as Json,
      execution: { id: previewRun?.id ?? "run-id", name: previewRun?.id ?? "run-id", start_time: previewRun?.started_at ?? new Date().toISOString() },
    };
    const parents = doc.edges.filter((e) => e.target === selectedNode.id && e.branch !== "error").map((e) => e.source);
    const parent = parents.length === 1 ? parents[0] : null;
    variables.input = parent === null || parent === TRIGGER_ID ? variables.trigger : (outputs.get(parent) as Json | undefined);
    const shapes: Scope["shapes"] = {};
    for (const id of upstreamNodes(doc, selectedNode.id)) {
      variables[id] = outputs.get(id) as Json | undefined;
      const upstream = doc.nodes.find((n) => n.id === id);
      if (upstream) shapes[id] = outputShape(upstream, catalog.get(upstream.type));
    }
    if (parent && parent !== TRIGGER_ID) shapes.input = shapes[parent];
    return { variables, shapes };
  }, [doc, selectedNode, previewRun, catalog]);

  if (loadError) return <section className="page"><h1>Workflow {workflowId}</h1><p className="error" role="alert">{loadError}</p><a href={href({ page: "workflows" })}>Back to workflows</a></section>;
  // The canvas waits for the node types: a node's handles and its form come from them.
  if (!doc || !record || !history || !catalogLoaded) return <p className="loading">Loading {workflowId}…</p>;

  const sidePanel = (() => {
    if (side === "versions") return <VersionsPanel workflowId={workflowId} current={doc} record={record} onCompare={setCompare} onRestore={(old) => { editWith(() => ({ ...old, id: doc.id })); notify("Restored: save to make it a new version."); }} onPublish={(env, version) => void publishTo(env, version)} onClose={() => { setSide("auto"); setCompare(null); }} />;
    if (selectedNode)
      return (
        <NodePanel
          key={selectedNode.id}
          doc={doc}
          node={selectedNode}
          info={catalog.get(selectedNode.type)}
          problems={problems.filter((p) => p.node === selectedNode.id)}
          scope={scope}
          credentials={credentials}
          steps={run ? stepsOfNode(run.steps, selectedNode.id) : []}
          onChange={(patch, key) => {
            editWith((d) => updateNode(d, selectedNode.id, patch), key);
            // A problem the API reported about a field is stale once the field changes.
            if (key) setProblems((current) => current.filter((p) => !(p.node === selectedNode.id && p.field && key === `${selectedNode.id}.${p.field}`)));
          }}
          onRename={(newId) => {
            if (doc.nodes.some((n) => n.id === newId)) return `A node called ${newId} already exists.`;
            editWith((d) => renameNode(d, selectedNode.id, newId));
            selectOnly([newId]);
            return null;
          }}
          onClose={() => selectOnly([])}
        />
      );
    if (side === "run" && run) return <RunPanel run={run} onClose={() => { setRun(null); setSide("auto"); }} onRerun={() => setDialog("run")} onCancel={() => void api.cancelRun(run.id).then(() => api.getRun(run.id)).then(setRun, (exc: Error) => notify(exc.message, "error"))} />;
    return <WorkflowPanel doc={doc} problems={problems} onChange={(next, key) => editWith(() => next, key)} />;
  })();

  const published = Object.entries(record.environments ?? {});
  return (
    <div className="editor">
      <div className="toolbar" role="toolbar" aria-label="Workflow">
        <a href={href({ page: "workflows" })} className="back" aria-label="Back to workflows">←</a>
        <h1 className="editor-title">{doc.name}</h1>
        <span className="muted">v{record.version}{dirty ? " · unsaved changes" : ""}</span>
        {published.map(([env, info]) => <span key={env} className="pill">{env} v{String(info?.version ?? "?")}</span>)}
        <div className="toolbar-group">
          <button type="button" className="palette-toggle" onClick={() => setPaletteOpen((o) => !o)} aria-expanded={paletteOpen}>Nodes</button>
          <button type="button" onClick={() => runCommand("undo")} disabled={!canUndo(history)} aria-keyshortcuts="Control+Z">Undo</button>
          <button type="button" onClick={() => runCommand("redo")} disabled={!canRedo(history)} aria-keyshortcuts="Control+Shift+Z">Redo</button>
          <button type="button" onClick={() => runCommand("layout")} aria-keyshortcuts="L">Auto-layout</button>
          <button type="button" onClick={() => void validate().then((found) => found && notify(found.length ? `${found.length} problem(s).` : "No problems."))}>Validate</button>
          <button type="button" onClick={() => downloadJson(`${doc.id}.json`, doc)}>Export</button>
          <button type="button" onClick={() => setSide(side === "versions" ? "auto" : "versions")} aria-pressed={side === "versions"}>History</button>
          <a className="button" href={href({ page: "runs", workflowId })}>Runs</a>
          <button type="button" onClick={() => setDialog("help")} aria-keyshortcuts="?">Shortcuts</button>
        </div>
        <div className="toolbar-group">
          <button type="button" onClick={() => void save()} disabled={!dirty || busy !== null} aria-keyshortcuts="Control+S">Save</button>
          <button type="button" onClick={() => setDialog("publish")} aria-keyshortcuts="Control+Shift+P">Publish</button>
          <button type="button" className="primary" onClick={() => setDialog("run")} aria-keyshortcuts="Control+Enter">Run</button>
        </div>
        {run && (
          <button type="button" className="run-status" onClick={() => { selectOnly([]); setSide("run"); }} aria-label={`Run ${run.id}: ${run.status}; show the run`}>
            <StatusBadge status={run.status} />
          </button>
        )}
        {busy && <span className="busy" role="status">{busy}</span>}
      </div>
      <div className={`editor-body${paletteOpen ? " palette-open" : ""}`}>
        <Palette ref={searchRef} catalog={catalog} onAdd={(type) => addNodeOfType(type)} />
        <div className={`canvas${zoomedOut ? " zoomed-out" : ""}`} ref={canvasRef} onDrop={onDrop} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = "move"; }} data-testid="canvas">
          <ReactFlow
            nodes={rfNodes}
            edges={zoomedOut ? NO_EDGES : rfEdges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onNodeDragStart={() => { dragBase.current = history.present; }}
            onNodeDragStop={() => {
              const before = dragBase.current;
              dragBase.current = null;
              if (before) setHistory((h) => (h ? commitFrom(h, before) : h));
            }}
            onMoveStart={onMoveStart}
            onMoveEnd={onMoveEnd}
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={["Meta", "Control"]}
            minZoom={0.05}
            onlyRenderVisibleElements={doc.nodes.length > 300}
            ariaLabelConfig={{ "node.a11yDescription.default": "Press Enter to select, arrow keys to move, C to connect, Delete to remove." }}
          >
            {zoomedOut && <OverviewEdges nodes={rfNodes} edges={rfEdges} />}
            <Background />
            <Controls />
            <MiniMap pannable zoomable ariaLabel="Mini map" nodeClassName={(node) => (node.data as { status?: string }).status ? `minimap-${(node.data as { status?: string }).status}` : ""} />
          </ReactFlow>
        </div>
        {sidePanel}
      </div>
      {dialog === "run" && <RunDialog initialInput={(run?.input ?? doc.trigger.sample_input ?? {}) as Json} onRun={(input) => void startRun(input)} onClose={() => setDialog(null)} />}
      {dialog === "publish" && (
        <PublishDialog
          record={record}
          version={record.version + (dirty ? 1 : 0)}
          onPublish={(env) => { setDialog(null); void publishTo(env); }}
          onPromote={(source, target) => void promote(source, target)}
          onRollback={(env, version) => void publishRecord(env, version)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "connect" && selectedNodes.size === 1 && (
        <ConnectDialog
          doc={doc}
          source={[...selectedNodes][0]}
          catalog={catalog}
          onConnect={(branch, target) => {
            setDialog(null);
            const result = connect(doc, [...selectedNodes][0], branch, target);
            if (result.ok) {
              editWith(() => result.doc);
              notify(`Connected to ${target}.`);
            } else notify(result.reason, "error");
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "help" && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog === "conflict" && conflict && savedDoc && <ConflictDialog base={savedDoc} mine={doc} theirs={conflict} onResolve={(d, s) => void resolveConflict(d, s)} onClose={() => setDialog(null)} />}
    </div>
  );
}
