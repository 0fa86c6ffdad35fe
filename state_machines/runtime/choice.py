"""Choice rules of the JSONPath query language (``Variable`` + comparison operator, And/Or/Not).

JSONata Choice rules are a single ``Condition`` expression and are evaluated by the interpreter
through :mod:`jsonata_eval`; this module holds only the JSONPath operator table, which has no
library equivalent (AWS's type rules — a string is never numeric, booleans are not numbers —
differ from Python's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from .errors import StatesError
from .jsonpath import read_path

__all__ = ["evaluate_rule", "parse_timestamp"]

_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
)
_MISSING = object()


def parse_timestamp(value: Any) -> datetime | None:
    """Parse an ISO-8601 extended offset date-time as AWS accepts it, else ``None``."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    if "." in text:
        head, rest = text.split(".", 1)
        digits = rest[: len(rest) - 6]
        text = f"{head}.{(digits + '000000')[:6]}{rest[-6:]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@lru_cache(maxsize=256)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """Compile ``StringMatches`` patterns: ``*`` matches anything, ``\\*`` is a literal star."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _cmp(kind: str, op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(value: Any, expected: Any) -> bool:
        if kind == "String":
            return isinstance(value, str) and isinstance(expected, str) and op(value, expected)
        if kind == "Numeric":
            return _is_number(value) and _is_number(expected) and op(value, expected)
        if kind == "Boolean":
            return isinstance(value, bool) and isinstance(expected, bool) and op(value, expected)
        left, right = parse_timestamp(value), parse_timestamp(expected)
        return left is not None and right is not None and op(left, right)

    return compare


_OPS: dict[str, Callable[[Any, Any], bool]] = {}
for _kind in ("String", "Numeric", "Timestamp"):
    _OPS[f"{_kind}Equals"] = _cmp(_kind, lambda a, b: bool(a == b))
    _OPS[f"{_kind}LessThan"] = _cmp(_kind, lambda a, b: bool(a < b))
    _OPS[f"{_kind}GreaterThan"] = _cmp(_kind, lambda a, b: bool(a > b))
    _OPS[f"{_kind}LessThanEquals"] = _cmp(_kind, lambda a, b: bool(a <= b))
    _OPS[f"{_kind}GreaterThanEquals"] = _cmp(_kind, lambda a, b: bool(a >= b))
_OPS["BooleanEquals"] = _cmp("Boolean", lambda a, b: bool(a == b))
_OPS["StringMatches"] = lambda v, p: (
    isinstance(v, str) and isinstance(p, str) and _wildcard(p).fullmatch(v) is not None
)

_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": lambda v: parse_timestamp(v) is not None,
}


def evaluate_rule(
    rule: Mapping[str, Any],
    data: Any,
    *,
    context: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> bool:
    """Tell whether a JSONPath Choice rule (or a nested And/Or/Not rule) matches ``data``."""
    if "And" in rule:
        return all(evaluate_rule(r, data, context=context, variables=variables) for r in rule["And"])
    if "Or" in rule:
        return any(evaluate_rule(r, data, context=context, variables=variables) for r in rule["Or"])
    if "Not" in rule:
        return not evaluate_rule(rule["Not"], data, context=context, variables=variables)
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        raise StatesError("States.Runtime", "A Choice rule has no Variable.")
    if "IsPresent" in rule:
        try:
            read_path(variable, data, context=context, variables=variables, field="Variable")
            present = True
        except StatesError:
            present = False
        return present is bool(rule["IsPresent"])
    value = read_path(variable, data, context=context, variables=variables, field="Variable")
    for key, expected in rule.items():
        if key in _TYPE_TESTS:
            return _TYPE_TESTS[key](value) is bool(expected)
        if key.endswith("Path") and key[:-4] in _OPS:
            other = read_path(expected, data, context=context, variables=variables, field=key)
            return _OPS[key[:-4]](value, other)
        if key in _OPS:
            return _OPS[key](value, expected)
    raise StatesError("States.Runtime", f"Unsupported Choice rule: {sorted(rule)}")
