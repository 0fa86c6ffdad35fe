// Undo/redo over immutable snapshots of the workflow document. Snapshots share unchanged
// nodes, so keeping a hundred of them costs little even for large workflows.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

export const HISTORY_LIMIT = 100;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new present; the old one becomes undoable and the redo stack is dropped. */
export function push<T>(history: History<T>, next: T): History<T> {
  if (Object.is(next, history.present)) return history;
  const past = [...history.past, history.present].slice(-HISTORY_LIMIT);
  return { past, present: next, future: [] };
}

/** Change the present without an undo step (e.g. while a drag is in progress). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return { ...history, present: next };
}

/** Record `before` as the undo step of the present (a finished drag that started at `before`). */
export function commitFrom<T>(history: History<T>, before: T): History<T> {
  if (Object.is(before, history.present)) return history;
  return { past: [...history.past, before].slice(-HISTORY_LIMIT), present: history.present, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  if (history.past.length === 0) return history;
  const previous = history.past[history.past.length - 1];
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  if (history.future.length === 0) return history;
  const [next, ...future] = history.future;
  return { past: [...history.past, history.present], present: next, future };
}

export const canUndo = <T>(history: History<T>) => history.past.length > 0;
export const canRedo = <T>(history: History<T>) => history.future.length > 0;
