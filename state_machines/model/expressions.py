"""``{{ … }}`` templates in workflow params, and what the JSONata inside them refers to.

A param string is either exactly one expression (``"{{ $trigger.amount }}"``: the result keeps
its JSON type) or text with expressions inside (``"Hi {{ $trigger.name }}!"``: the result is a
string). The inside of ``{{ }}`` is JSONata, the language Step Functions evaluates natively, so
the compiler only has to join the pieces, never translate them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonata import Jsonata  # type: ignore[import-untyped]

__all__ = [
    "TemplatePart",
    "contains_expression",
    "free_variables",
    "iter_templates",
    "jsonata_syntax_error",
    "split_template",
    "template_to_jsonata",
]

# Attributes of jsonata-python's parse-tree symbols that hold sub-expressions.
_CHILDREN = (
    "lhs",
    "rhs",
    "expr",
    "expression",
    "expressions",
    "steps",
    "stages",
    "predicate",
    "arguments",
    "body",
    "procedure",
    "condition",
    "then",
    "_else",
    "terms",
    "lhs_object",
    "rhs_object",
    "group",
    "update",
    "delete",
    "pattern",
    "input",
)
_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TemplatePart:
    """A piece of a template: literal text, or the JSONata source of one ``{{ }}``."""

    text: str
    is_expression: bool


def contains_expression(value: str) -> bool:
    """True when ``value`` holds at least one ``{{ … }}``."""
    return "{{" in value and _EXPRESSION.search(value) is not None


def split_template(value: str) -> list[TemplatePart]:
    """Split a template into literal text and expressions, in order.

    Example:
        >>> split_template("Hi {{ $trigger.name }}!")
        [TemplatePart(text='Hi ', is_expression=False), TemplatePart(text='$trigger.name', is_expression=True), TemplatePart(text='!', is_expression=False)]
    """
    parts: list[TemplatePart] = []
    position = 0
    for match in _EXPRESSION.finditer(value):
        if match.start() > position:
            parts.append(TemplatePart(value[position : match.start()], False))
        parts.append(TemplatePart(match.group(1).strip(), True))
        position = match.end()
    if position < len(value):
        parts.append(TemplatePart(value[position:], False))
    return parts


def template_to_jsonata(value: str) -> str:
    """The one JSONata expression equal to a template.

    Example:
        >>> template_to_jsonata("{{ $trigger.amount * 2 }}")
        '$trigger.amount * 2'
        >>> template_to_jsonata("Total: {{ $sum($input.items.price) }} EUR")
        '"Total: " & $string($sum($input.items.price)) & " EUR"'
    """
    parts = split_template(value)
    if len(parts) == 1 and parts[0].is_expression:
        return parts[0].text
    pieces = [f"$string({part.text})" if part.is_expression else json.dumps(part.text) for part in parts]
    return " & ".join(pieces)


def iter_templates(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(field path, template string)`` for every string holding an expression.

    Field paths use dots and brackets (``headers.Authorization``, ``items[2].name``) so that a
    validation error can name the exact field.
    """
    if isinstance(value, str):
        if contains_expression(value):
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_templates(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_templates(item, f"{path}[{index}]")


@lru_cache(maxsize=8192)
def jsonata_syntax_error(expression: str) -> str | None:
    """The parser's message when ``expression`` is not valid JSONata, else None."""
    try:
        Jsonata(expression)
    except Exception as exc:  # the parser raises its own JException and, on odd input, others
        return str(exc) or type(exc).__name__
    return None


_SIMPLE_PATH = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


@lru_cache(maxsize=8192)
def free_variables(expression: str) -> frozenset[str]:
    """Names of the ``$variables`` an expression reads but does not bind itself.

    Bindings made inside the expression (``$x := …``, lambda parameters) are not free. Function
    calls such as ``$sum(…)`` are reported too; callers subtract the names they know.
    The walk is over jsonata-python's parse tree, which has no visitor of its own.
    """
    simple = _SIMPLE_PATH.fullmatch(expression.strip())
    if simple:  # `$name` or `$name.field.field`: no need to parse
        return frozenset({simple.group(1)})
    referenced: set[str] = set()
    bound: set[str] = set()
    _walk(Jsonata(expression).ast, referenced, bound, set())
    return frozenset(referenced - bound)


def _walk(node: Any, referenced: set[str], bound: set[str], seen: set[int]) -> None:
    if node is None or id(node) in seen:
        return
    if isinstance(node, list):
        for item in node:
            _walk(item, referenced, bound, seen)
        return
    if not hasattr(node, "type"):
        return
    seen.add(id(node))
    node_type = getattr(node, "type", None)
    if node_type == "variable" and isinstance(node.value, str) and node.value:
        referenced.add(node.value)
    elif node_type == "bind" and getattr(node.lhs, "type", None) == "variable":
        bound.add(node.lhs.value)
    elif node_type == "lambda":
        for argument in node.arguments or []:
            if getattr(argument, "type", None) == "variable":
                bound.add(argument.value)
    for attribute in _CHILDREN:
        child = getattr(node, attribute, None)
        if child is not None and not isinstance(child, str | int | float | bool):
            _walk(child, referenced, bound, seen)
