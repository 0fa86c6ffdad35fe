"""Shared by the golden tests and ``make golden``: how a case compiles."""

from __future__ import annotations

import json
from pathlib import Path

from state_machines.compiler import CompiledWorkflow, compile_workflow
from state_machines.model import NodeCatalog, Workflow

GOLDEN_DIR = Path(__file__).resolve().parent
CASES_DIR = GOLDEN_DIR / "cases"
# A fixed test catalog keeps golden files stable while real connectors evolve.
CATALOG = NodeCatalog.with_connectors(json.loads((GOLDEN_DIR / "catalog.json").read_text()))


def case_names() -> list[str]:
    return sorted(path.name for path in CASES_DIR.iterdir() if (path / "workflow.json").exists())


def compile_case(name: str) -> CompiledWorkflow:
    document = json.loads((CASES_DIR / name / "workflow.json").read_text())
    return compile_workflow(Workflow.model_validate(document), CATALOG)
