"""Definition checks behind CreateStateMachine/UpdateStateMachine and ValidateStateMachineDefinition."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["DefinitionCheck", "check_definition"]


@dataclass(frozen=True)
class DefinitionCheck:
    """One diagnostic, in ValidateStateMachineDefinition's terms."""

    severity: Literal["ERROR", "WARNING"]
    code: str
    message: str
    location: str | None = None


def check_definition(definition: str, type_: str = "STANDARD") -> list[DefinitionCheck]:
    """Diagnostics for an ASL definition (empty when it is valid).

    Example:
        >>> check_definition("{")[0].code
        'INVALID_JSON_DESCRIPTION'
    """
    try:
        document = json.loads(definition)
    except ValueError as exc:
        return [DefinitionCheck("ERROR", "INVALID_JSON_DESCRIPTION", str(exc))]
    if not isinstance(document, dict):
        return [
            DefinitionCheck("ERROR", "SCHEMA_VALIDATION_FAILED", "The definition must be a JSON object", "/")
        ]
    return _structure(document)


def _structure(document: dict[str, Any], where: str = "") -> list[DefinitionCheck]:
    checks: list[DefinitionCheck] = []
    states = document.get("States")
    start_at = document.get("StartAt")
    if not isinstance(states, dict) or not states:
        return [
            DefinitionCheck(
                "ERROR", "SCHEMA_VALIDATION_FAILED", "These fields are required: [States]", where or "/"
            )
        ]
    if not isinstance(start_at, str):
        return [
            DefinitionCheck(
                "ERROR", "SCHEMA_VALIDATION_FAILED", "These fields are required: [StartAt]", where or "/"
            )
        ]
    if start_at not in states:
        checks.append(
            DefinitionCheck(
                "ERROR", "MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {start_at}", f"{where}/StartAt"
            )
        )
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        target = state.get("Next")
        if isinstance(target, str) and target not in states:
            checks.append(
                DefinitionCheck(
                    "ERROR",
                    "MISSING_TRANSITION_TARGET",
                    f"Missing 'Next' target: {target}",
                    f"{where}/States/{name}/Next",
                )
            )
        for index, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                checks += _structure(branch, f"{where}/States/{name}/Branches[{index}]")
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            checks += _structure(processor, f"{where}/States/{name}/ItemProcessor")
    return checks
