"""Build the JSONata the compiler emits: templates as expressions, and blocks of local bindings.

Every expression a user writes reads ``$input``, ``$trigger``, ``$item`` or another node's output
by name. Inside one state those names are bound locally (``($input := $states.input; …)``), and
only what is read later is stored as a Step Functions variable — so a chain of steps folded into
one state costs no transition and no variable.
"""

from __future__ import annotations

import json
from typing import Any

from state_machines.model.expressions import contains_expression, free_variables, template_to_jsonata

__all__ = ["Binding", "block", "jsonata_literal", "template_expression", "template_value"]

Binding = tuple[str, str]


def jsonata_literal(value: Any) -> str:
    """A JSON value written as JSONata."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def template_expression(value: Any) -> str:
    """One JSONata expression that builds ``value``, evaluating the ``{{ }}`` inside its strings."""
    if isinstance(value, str):
        if contains_expression(value):
            return f"({template_to_jsonata(value)})"
        return jsonata_literal(value)
    if isinstance(value, dict):
        if not _has_expression(value):
            return jsonata_literal(value)
        fields = ", ".join(
            f"{json.dumps(k, ensure_ascii=False)}: {template_expression(v)}" for k, v in sorted(value.items())
        )
        return "{" + fields + "}"
    if isinstance(value, list):
        if not _has_expression(value):
            return jsonata_literal(value)
        return "[" + ", ".join(template_expression(v) for v in value) + "]"
    return jsonata_literal(value)


def block(result: str, bindings: list[Binding]) -> str:
    """``result`` preceded by the bindings it needs (directly or through other bindings), in order."""
    needed = free_variables(result)
    kept: list[Binding] = []
    for name, source in reversed(bindings):
        if name in needed:
            kept.append((name, source))
            needed = (needed - {name}) | free_variables(source)
    kept.reverse()
    while kept and result == f"${kept[-1][0]}" and kept[-1][0] not in _names_in(kept[:-1]):
        result = kept.pop()[1]
    if not kept:
        return result
    return "(" + "; ".join(f"${name} := {source}" for name, source in kept) + "; " + result + ")"


def _names_in(bindings: list[Binding]) -> set[str]:
    return {name for name, _ in bindings}


def template_value(value: Any, bindings: list[Binding]) -> Any:
    """``value`` for an ASL field: JSON as is, each string holding ``{{ }}`` as a ``{% %}`` expression."""
    if isinstance(value, str):
        if contains_expression(value):
            return "{% " + block(template_to_jsonata(value), bindings) + " %}"
        if "\n" in value or "\r" in value:
            # Step Functions takes multi-line literals, but the reference validator's schema rejects
            # them; a JSONata string literal is the same value and passes both.
            return "{% " + jsonata_literal(value) + " %}"
        return value
    if isinstance(value, dict):
        return {key: template_value(item, bindings) for key, item in value.items()}
    if isinstance(value, list):
        return [template_value(item, bindings) for item in value]
    return value


def _has_expression(value: Any) -> bool:
    if isinstance(value, str):
        return contains_expression(value)
    if isinstance(value, dict):
        return any(_has_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_expression(v) for v in value)
    return False
