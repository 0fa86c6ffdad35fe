"""Definition checks behind Create/UpdateStateMachine and ValidateStateMachineDefinition.

The ASL validator (``state_machines.asl``) does the work; this adds the one rule that depends on
the state machine's type: EXPRESS workflows cannot wait (``.sync``, ``.waitForTaskToken``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from state_machines.asl import Diagnostic, validate_asl
from state_machines.asl.diagnostics import SCHEMA_VALIDATION_FAILED

__all__ = ["check_definition"]

_WAITING_PATTERNS = (".sync", ".sync:2", ".waitForTaskToken")


def check_definition(definition: str, type_: str = "STANDARD") -> list[Diagnostic]:
    """Every diagnostic for ``definition`` as a state machine of ``type_`` (errors and warnings).

    Example:
        >>> [d.code for d in check_definition("{")]
        ['INVALID_JSON_DESCRIPTION']
    """
    diagnostics = validate_asl(definition)
    if type_ != "EXPRESS" or any(d.severity == "ERROR" for d in diagnostics):
        return diagnostics
    document = json.loads(definition)
    for location, resource in _task_resources(document, ""):
        pattern = next((p for p in _WAITING_PATTERNS if resource.endswith(p)), None)
        if pattern is not None:
            diagnostics.append(
                Diagnostic(
                    severity="ERROR",
                    code=SCHEMA_VALIDATION_FAILED,
                    location=location,
                    message=f"Express state machine does not support '{pattern}' service integration",
                )
            )
    return diagnostics


def _task_resources(document: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """``(JSON pointer, Resource)`` of every Task state, nested ones included."""
    states = document.get("States") if isinstance(document, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = f"{pointer}/States/{name.replace('~', '~0').replace('/', '~1')}"
        if state.get("Type") == "Task" and isinstance(state.get("Resource"), str):
            yield f"{here}/Resource", state["Resource"]
        for index, branch in enumerate(state.get("Branches") or []):
            yield from _task_resources(branch, f"{here}/Branches/{index}")
        for key in ("ItemProcessor", "Iterator"):
            yield from _task_resources(state.get(key), f"{here}/{key}")
