"""Collects diagnostics while the validator walks a definition, and checks shared value shapes.

Every check names the state and the field in its sentence and points at the value with a JSON
pointer, so a person can find the problem without reading the validator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from state_machines.asl.diagnostics import (
    SCHEMA_VALIDATION_FAILED,
    TEMPLATE_SUBSTITUTION,
    Diagnostic,
    json_pointer,
)

__all__ = ["PLACEHOLDER", "Parts", "Reporter", "describe", "is_placeholder"]

Parts = tuple[str | int, ...]

# A whole-string `${Name}` placeholder of CloudFormation DefinitionSubstitutions, SAM or Terraform
# templatefile; the deployment tool replaces it before Step Functions sees the definition.
PLACEHOLDER = re.compile(r"\$\{[^{}]+\}")


def is_placeholder(value: object) -> bool:
    """True when ``value`` is exactly one ``${Name}`` template placeholder."""
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value) is not None


def describe(value: Any) -> str:
    """A short JSON rendering of a value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return str(value)


@dataclass
class Reporter:
    """Where diagnostics go; ``owner`` phrases ("State 'X'") keep messages specific."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, parts: Parts, message: str, code: str = SCHEMA_VALIDATION_FAILED) -> None:
        self.diagnostics.append(
            Diagnostic(severity="ERROR", code=code, location=json_pointer(parts), message=message)
        )

    def warning(self, parts: Parts, message: str, code: str) -> None:
        self.diagnostics.append(
            Diagnostic(severity="WARNING", code=code, location=json_pointer(parts), message=message)
        )

    def placeholder(self, parts: Parts, owner: str, name: str, value: str) -> None:
        self.warning(
            parts,
            f"{owner} field '{name}' holds the template placeholder {value}; it must be substituted "
            "(CloudFormation DefinitionSubstitutions, SAM or Terraform) before Step Functions can use it.",
            TEMPLATE_SUBSTITUTION,
        )

    def integer(
        self,
        parts: Parts,
        owner: str,
        name: str,
        value: Any,
        *,
        minimum: int,
        maximum: int | None = None,
    ) -> None:
        """Report unless ``value`` is an integer in range (a ``${Name}`` placeholder only warns)."""
        if is_placeholder(value):
            self.placeholder(parts, owner, name, value)
            return
        ok_type = isinstance(value, int) and not isinstance(value, bool)
        if isinstance(value, float) and value.is_integer():
            ok_type = True
        if not ok_type:
            self.error(parts, f"{owner} field '{name}' must be an integer, not {describe(value)}.")
            return
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            self.error(parts, f"{owner} field '{name}' must be {bound}, not {describe(value)}.")

    def string(self, parts: Parts, owner: str, name: str, value: Any) -> bool:
        if isinstance(value, str):
            return True
        self.error(parts, f"{owner} field '{name}' must be a string, not {describe(value)}.")
        return False

    def object(self, parts: Parts, owner: str, name: str, value: Any) -> bool:
        if isinstance(value, dict):
            return True
        self.error(parts, f"{owner} field '{name}' must be a JSON object, not {describe(value)}.")
        return False

    def at_most_one(self, parts: Parts, owner: str, obj: dict[str, Any], names: tuple[str, ...]) -> None:
        present = [n for n in names if n in obj]
        if len(present) > 1:
            listed = " and ".join(f"'{n}'" for n in present)
            self.error((*parts, present[1]), f"{owner} has both {listed}; use at most one of them.")
