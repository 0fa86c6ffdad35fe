"""Workflow → Amazon States Language: validate, lower, emit. Pure and deterministic.

Example:
    >>> from state_machines.compiler import compile_workflow
    >>> from state_machines.model import NodeCatalog, Workflow
    >>> wf = Workflow.model_validate({"id": "w", "name": "W", "trigger": {"type": "manual"},
    ...     "nodes": [{"id": "hi", "type": "data.set", "params": {"fields": {"msg": "hi"}}}]})
    >>> compile_workflow(wf, NodeCatalog.builtin()).definition["States"]["hi"]["Type"]
    'Pass'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from state_machines.compiler.lower import lower_workflow
from state_machines.compiler.target import CompileTarget
from state_machines.model.graph import WorkflowGraph
from state_machines.model.node_types import NodeCatalog
from state_machines.model.validate import Problem, validate_workflow
from state_machines.model.workflow import Workflow

__all__ = ["CompileError", "CompileTarget", "CompiledWorkflow", "compile_workflow", "emit"]


class CompileError(Exception):
    """The workflow did not validate; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.node or '-'}.{p.field or '-'}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class CompiledWorkflow:
    """The state machine for one workflow version."""

    asl: str
    definition: dict[str, Any]
    execution_type: str
    state_nodes: dict[str, list[str]]

    @property
    def state_count(self) -> int:
        return _count_states(self.definition)


def emit(definition: dict[str, Any]) -> str:
    """ASL text: sorted keys and fixed indentation, so the same workflow gives the same bytes."""
    return json.dumps(definition, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def compile_workflow(
    workflow: Workflow, catalog: NodeCatalog, target: CompileTarget | None = None, *, optimize: bool = True
) -> CompiledWorkflow:
    """Validate ``workflow`` and compile it to ASL (JSONata); raise ``CompileError`` with every problem.

    ``optimize=False`` gives one state per node, the naive baseline the benchmarks compare against.
    """
    problems = validate_workflow(workflow, catalog)
    if problems:
        raise CompileError(problems)
    lowered = lower_workflow(WorkflowGraph(workflow, catalog), target or CompileTarget(), optimize=optimize)
    return CompiledWorkflow(
        asl=emit(lowered.definition),
        definition=lowered.definition,
        execution_type=workflow.settings.execution_type,
        state_nodes=lowered.state_nodes,
    )


def _count_states(definition: dict[str, Any]) -> int:
    total = 0
    for state in definition.get("States", {}).values():
        total += 1
        for branch in state.get("Branches", []):
            total += _count_states(branch)
        if "ItemProcessor" in state:
            total += _count_states(state["ItemProcessor"])
    return total
