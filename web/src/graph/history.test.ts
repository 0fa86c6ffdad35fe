import { describe, expect, it } from "vitest";
import { HISTORY_LIMIT, canRedo, canUndo, commitFrom, createHistory, push, redo, replace, undo } from "./history";

describe("history", () => {
  it("undoes and redoes pushed states in order", () => {
    let h = createHistory("a");
    h = push(h, "b");
    h = push(h, "c");
    h = undo(h);
    expect(h.present).toBe("b");
    h = undo(h);
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    h = redo(redo(h));
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
  });

  it("drops the redo stack when a new change is pushed after an undo", () => {
    const h = push(undo(push(push(createHistory(1), 2), 3)), 4);
    expect(h.present).toBe(4);
    expect(h.future).toEqual([]);
    expect(undo(h).present).toBe(2);
  });

  it("keeps a drag as one undo step: replace while moving, commit from where it started", () => {
    let h = push(createHistory("start"), "before-drag");
    const before = h.present;
    h = replace(h, "moving-1");
    h = replace(h, "moving-2");
    h = commitFrom(h, before);
    expect(h.present).toBe("moving-2");
    expect(undo(h).present).toBe("before-drag");
    expect(undo(undo(h)).present).toBe("start");
  });

  it("ignores a push of the same state and caps the undo stack", () => {
    const same = createHistory("x");
    expect(push(same, "x")).toBe(same);
    let h = createHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 20; i++) h = push(h, i);
    expect(h.past.length).toBe(HISTORY_LIMIT);
    expect(h.past[0]).toBe(20);
  });
});
