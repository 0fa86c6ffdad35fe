import { describe, expect, it } from "vitest";
import { SHORTCUTS, commandFor, type KeyInput } from "./shortcuts";

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe("commandFor", () => {
  it("maps modifier shortcuts on both Ctrl and Cmd", () => {
    expect(commandFor(key("s", { ctrlKey: true }), false)).toBe("save");
    expect(commandFor(key("z", { metaKey: true }), false)).toBe("undo");
    expect(commandFor(key("Z", { ctrlKey: true, shiftKey: true }), false)).toBe("redo");
    expect(commandFor(key("y", { ctrlKey: true }), false)).toBe("redo");
    expect(commandFor(key("Enter", { ctrlKey: true }), false)).toBe("run");
  });

  it("never takes plain keys from someone typing in a field, but keeps save, run and escape", () => {
    expect(commandFor(key("l"), true)).toBeNull();
    expect(commandFor(key("Backspace"), true)).toBeNull();
    expect(commandFor(key("z", { ctrlKey: true }), true)).toBeNull();
    expect(commandFor(key("s", { ctrlKey: true }), true)).toBe("save");
    expect(commandFor(key("Enter", { ctrlKey: true }), true)).toBe("run");
    expect(commandFor(key("Escape"), true)).toBe("escape");
  });

  it("maps the canvas keys", () => {
    expect(commandFor(key("Delete"), false)).toBe("delete");
    expect(commandFor(key("/"), false)).toBe("search");
    expect(commandFor(key("N", { shiftKey: true }), false)).toBe("previousNode");
    expect(commandFor(key("n"), false)).toBe("nextNode");
    expect(commandFor(key("?", { shiftKey: true }), false)).toBe("help");
    expect(commandFor(key("l", { altKey: true }), false)).toBeNull();
  });

  it("documents every command it can return", () => {
    const documented = new Set(SHORTCUTS.map((s) => s.command));
    for (const command of ["save", "run", "publish", "search", "connect", "edit", "delete", "undo", "fit", "layout", "help", "escape", "selectAll", "duplicate", "copy"]) {
      expect(documented.has(command as never)).toBe(true);
    }
  });
});
