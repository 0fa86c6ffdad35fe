import { describe, expect, it } from "vitest";
import { inputAnchor, outputAnchor, overviewPaths, type OverviewNode } from "./overview";

const check: OverviewNode = { id: "check", position: { x: 100, y: 0 }, width: 200, height: 90, outputs: ["true", "false", "error"] };
const yes: OverviewNode = { id: "yes", position: { x: 500, y: -40 }, width: 200, height: 60, outputs: ["out"] };
const no: OverviewNode = { id: "no", position: { x: 500, y: 100 }, width: 200, height: 60, outputs: [] };

describe("anchors", () => {
  it("spreads outputs down the right edge in handle order and puts the input mid-left", () => {
    expect(outputAnchor(check, "true")).toEqual({ x: 300, y: 22.5 });
    expect(outputAnchor(check, "false")).toEqual({ x: 300, y: 45 });
    expect(outputAnchor(check, "error")).toEqual({ x: 300, y: 67.5 });
    expect(inputAnchor(yes)).toEqual({ x: 500, y: -10 });
  });
});

describe("overviewPaths", () => {
  it("draws one path per edge style, a curve per edge from its output to the target's input", () => {
    const paths = overviewPaths(
      [check, yes, no],
      [
        { source: "check", target: "yes", sourceHandle: "true", className: "" },
        { source: "check", target: "no", sourceHandle: "false", className: "" },
        { source: "check", target: "no", sourceHandle: "error", className: "edge-error" },
      ],
    );
    expect(paths.map((p) => p.className)).toEqual(["", "edge-error"]);
    expect(paths[0].d).toBe("M300 22.5C400 22.5 400 -10 500 -10M300 45C400 45 400 130 500 130");
    expect(paths[1].d).toBe("M300 67.5C400 67.5 400 130 500 130");
  });

  it("skips edges whose ends are not on the canvas", () => {
    expect(overviewPaths([check], [{ source: "check", target: "gone", sourceHandle: "true", className: "" }])).toEqual([]);
  });
});
