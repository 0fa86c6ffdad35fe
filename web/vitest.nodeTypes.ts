// Vitest global setup: the unit tests get the built-in node types exactly as GET /node-types serves
// them, read from the Python workflow model the validator uses, so they never test a stale copy.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const PRINT_NODE_TYPES = "import json; from functions.api.compiling import builtin_node_types_json; print(json.dumps(builtin_node_types_json()))";

export default function setup(project: TestProject): void {
  const venv = `${REPO_ROOT}.venv/bin/python`;
  const python = process.env.WFAIB_PYTHON ?? (existsSync(venv) ? venv : "python3");
  const printed = execFileSync(python, ["-c", PRINT_NODE_TYPES], { cwd: REPO_ROOT, encoding: "utf8" });
  project.provide("nodeTypes", JSON.parse(printed));
}
