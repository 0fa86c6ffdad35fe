// Keyboard shortcuts of the canvas: one table, used by the key handler and the help dialog.

export type Command =
  | "save"
  | "undo"
  | "redo"
  | "delete"
  | "copy"
  | "cut"
  | "paste"
  | "duplicate"
  | "selectAll"
  | "search"
  | "zoomIn"
  | "zoomOut"
  | "fit"
  | "layout"
  | "connect"
  | "run"
  | "publish"
  | "nextNode"
  | "previousNode"
  | "help"
  | "edit"
  | "escape";

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export const SHORTCUTS: { keys: string; command: Command; label: string }[] = [
  { keys: "Ctrl+S", command: "save", label: "Save" },
  { keys: "Ctrl+Enter", command: "run", label: "Run (saves and publishes to dev first)" },
  { keys: "Ctrl+Shift+P", command: "publish", label: "Publish to an environment" },
  { keys: "/", command: "search", label: "Search the palette (Enter adds the node after the selected one)" },
  { keys: "E", command: "edit", label: "Edit the selected node (focus its panel)" },
  { keys: "C", command: "connect", label: "Connect the selected node's output to another node" },
  { keys: "N / Shift+N", command: "nextNode", label: "Select the next / previous node" },
  { keys: "Arrow keys", command: "nextNode", label: "Move the selected nodes (when a node has focus)" },
  { keys: "Delete", command: "delete", label: "Delete the selection" },
  { keys: "Ctrl+C / Ctrl+X / Ctrl+V", command: "copy", label: "Copy / cut / paste" },
  { keys: "Ctrl+D", command: "duplicate", label: "Duplicate the selection" },
  { keys: "Ctrl+A", command: "selectAll", label: "Select every node" },
  { keys: "Ctrl+Z / Ctrl+Shift+Z", command: "undo", label: "Undo / redo" },
  { keys: "+ / -", command: "zoomIn", label: "Zoom in / out" },
  { keys: "F", command: "fit", label: "Fit the workflow in view" },
  { keys: "L", command: "layout", label: "Auto-layout" },
  { keys: "?", command: "help", label: "Show these shortcuts" },
  { keys: "Escape", command: "escape", label: "Clear the selection, close a dialog" },
];

/**
 * The command for a key press. `inField` is true when focus is in a text input: there only the
 * shortcuts with a modifier (and Escape) apply, so typing is never hijacked.
 */
export function commandFor(event: KeyInput, inField: boolean): Command | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key === "Escape") return "escape";
  if (mod && !event.altKey) {
    if (key === "s") return "save";
    if (key === "Enter") return "run";
    if (key === "p" && event.shiftKey) return "publish";
    if (inField) return null;
    if (key === "z") return event.shiftKey ? "redo" : "undo";
    if (key === "y") return "redo";
    if (key === "c") return "copy";
    if (key === "x") return "cut";
    if (key === "v") return "paste";
    if (key === "d") return "duplicate";
    if (key === "a") return "selectAll";
    return null;
  }
  if (inField || event.altKey) return null;
  switch (key) {
    case "Delete":
    case "Backspace":
      return "delete";
    case "/":
      return "search";
    case "+":
    case "=":
      return "zoomIn";
    case "-":
      return "zoomOut";
    case "f":
      return "fit";
    case "l":
      return "layout";
    case "c":
      return "connect";
    case "e":
      return "edit";
    case "n":
      return event.shiftKey ? "previousNode" : "nextNode";
    case "?":
      return "help";
    default:
      return null;
  }
}
