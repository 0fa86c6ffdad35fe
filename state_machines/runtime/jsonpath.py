"""JSONPath as AWS Step Functions reads and writes it (JSONPath query language).

Step Functions has two kinds of path: *reference paths* (``$``, ``$.a.b``, ``$['a']``, ``$.a[0]``:
exactly one node) used by ``ResultPath`` and Choice ``Variable``, and full *paths* that may also
use ``[*]``, slices, ``..`` and filters. Both may start at the input (``$``), the context object
(``$$``) or, since variables exist, a workflow variable (``$name``).

AWS evaluates paths with Jayway JsonPath: a *definite* path (only names and single indexes)
yields one value or fails, an *indefinite* one yields a list (possibly empty). Definite paths are
walked by hand here, both because they are the hot path and because the failure sentence names the
exact token that was missing, as Jayway does; indefinite paths go to ``jsonpath-ng``.

Public functions raise :class:`StatesError` with the error and cause sentence AWS uses. The cause is
the sentence only; the interpreter prefixes "An error occurred while executing the state ..."
itself.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jsonpath_ng.ext.parser import parse as _parse_jsonpath

from state_machines.runtime.errors import StatesError

__all__ = [
    "compact_json",
    "is_context_path",
    "is_path",
    "is_reference_path",
    "is_variable_path",
    "read_path",
    "write_result_path",
]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN_RE = re.compile(
    r"\.(?P<dot>[^.\[\]]+)|\['(?P<sq>(?:[^'\\]|\\.)*)'\]|\[\"(?P<dq>(?:[^\"\\]|\\.)*)\"\]|\[(?P<idx>-?\d+)\]"
)
# Jayway reads ``$.[0]`` and ``$.[?(...)]`` as ``$[0]``; jsonpath-ng does not parse them.
_DOT_BRACKET_RE = re.compile(r"(?<!\.)\.\[")
_VARIABLE_RE = re.compile(rf"\$(?P<name>{_NAME})(?P<rest>.*)", re.DOTALL)
_WILDCARD_NAMES = frozenset({"*"})
_FUNCTION_RE = re.compile(r"\.(length|keys|first|last|min|max|sum|avg|stddev)\(\)$")


class _Missing(Exception):
    """A definite path did not match; ``message`` is Jayway's sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def compact_json(value: Any) -> str:
    """Render ``value`` as AWS renders JSON inside error causes (compact, UTF-8 kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def is_path(value: Any) -> bool:
    """Tell whether ``value`` is a string that Step Functions would read as a path."""
    return isinstance(value, str) and value.startswith("$")


def is_context_path(path: str) -> bool:
    """Tell whether ``path`` reads the context object (starts with ``$$``)."""
    return path.startswith("$$")


def is_variable_path(path: str) -> bool:
    """Tell whether ``path`` reads a workflow variable (``$name``, ``$name.x``)."""
    return _VARIABLE_RE.fullmatch(path) is not None


def is_reference_path(path: str) -> bool:
    """Tell whether ``path`` selects exactly one node (no ``*``, slice, ``..`` or filter)."""
    _, rest = _split_root(path)
    return _definite_tokens(rest) is not None


def _split_root(path: str) -> tuple[str, str]:
    """Split ``path`` into its root (``$``, ``$$`` or ``$name``) and the rest."""
    if path.startswith("$$"):
        return "$$", path[2:]
    match = _VARIABLE_RE.fullmatch(path)
    if match is not None:
        return "$" + match.group("name"), match.group("rest")
    return "$", path[1:]


@lru_cache(maxsize=4096)
def _definite_tokens(rest: str) -> tuple[str | int, ...] | None:
    """Tokens of a definite path below its root, or ``None`` when the path is indefinite."""
    tokens: list[str | int] = []
    rest = _DOT_BRACKET_RE.sub("[", rest)
    pos = 0
    while pos < len(rest):
        match = _TOKEN_RE.match(rest, pos)
        if match is None:
            return None
        if match.group("idx") is not None:
            tokens.append(int(match.group("idx")))
        else:
            name = match.group("dot")
            if name is None:
                # Inside quotes only the quote itself is escaped: AWS keeps every other backslash
                # (``$['a\"b']`` names the key ``a\"b``).
                if match.group("sq") is not None:
                    name = match.group("sq").replace("\\'", "'")
                else:
                    name = match.group("dq").replace('\\"', '"')
            elif name in _WILDCARD_NAMES or name.endswith("()"):
                return None
            tokens.append(name)
        pos = match.end()
    return tuple(tokens)


def _render(tokens: tuple[str | int, ...]) -> str:
    """Render tokens the way Jayway prints a path: ``$['a'][0]``."""
    return "$" + "".join(f"[{t}]" if isinstance(t, int) else f"['{t}']" for t in tokens)


def _walk(tokens: tuple[str | int, ...], data: Any) -> Any:
    """Follow a definite path; raise :class:`_Missing` with Jayway's sentence when it fails."""
    current = data
    last = len(tokens) - 1
    for pos, token in enumerate(tokens):
        if isinstance(token, int):
            if not isinstance(current, list):
                raise _Missing(
                    f"Filter: [{token}] can only be applied to arrays. "
                    f"Current context is: {compact_json(current)}"
                )
            if -len(current) <= token < len(current):
                current = current[token]
                continue
            raise _Missing(f"Index out of bounds when evaluating path {_render(tokens[: pos + 1])}")
        if isinstance(current, dict) and token in current:
            current = current[token]
            continue
        if pos == last or not isinstance(current, dict):
            raise _Missing(f"No results for path: {_render(tokens)}")
        raise _Missing(f"Missing property in path {_render(tokens[: pos + 1])}")
    return current


@lru_cache(maxsize=1024)
def _compiled(path: str) -> Any:
    try:
        # AWS's own samples compare with unquoted words (``[?(@.Lang==es)]``), which Jayway reads
        # as strings; jsonpath-ng does too but warns that it will stop.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return _parse_jsonpath(_DOT_BRACKET_RE.sub("[", path))
    except Exception as exc:  # jsonpath-ng raises bare Exceptions for syntax errors
        raise StatesError("States.Runtime", f"Invalid path '{path}' : {exc}") from exc


def _missing_cause(path: str, field: str, data: Any, message: str) -> str:
    if field.endswith(".$"):
        return (
            f"The JSONPath '{path}' specified for the field '{field}' could not be found in the input "
            f"'{compact_json(data)}'"
        )
    return f"Invalid path '{path}' : {message}"


def read_path(
    path: str,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str = "InputPath",
) -> Any:
    """Read ``path`` from ``data`` (``$``), ``context`` (``$$``) or ``variables`` (``$name``).

    ``field`` names the ASL field for the error sentence: a payload key (``value.$``) gets
    "The JSONPath '<p>' specified for the field 'value.$' could not be found in the input '<json>'",
    any other field (``InputPath``, ``OutputPath``, ``ItemsPath``...) gets Jayway's
    "Invalid path '<p>' : No results for path: $['x']". A path with a wildcard, slice, ``..`` or
    filter returns a list (possibly empty). The value returned is shared with ``data``: copy it
    before mutating.

    Example:
        >>> read_path("$.a[1]", {"a": [1, 2]})
        2
    """
    root, rest = _split_root(path)
    if root == "$":
        source = data
    elif root == "$$":
        source = context if context is not None else {}
    else:
        name = root[1:]
        if variables is None or name not in variables:
            raise StatesError(
                "States.Runtime",
                f"The JSONPath '{path}' specified for the field '{field}' could not be found: "
                f"no variable named '{name}' is defined",
            )
        source = variables[name]
    function = _FUNCTION_RE.search(rest)
    if function is not None:
        target = read_path(
            path[: len(path) - len(function.group(0))] or "$",
            data,
            context=context,
            variables=variables,
            field=field,
        )
        return _apply_function(path, function.group(1), target)
    tokens = _definite_tokens(rest)
    if tokens is not None:
        if not tokens:
            return source
        try:
            return _walk(tokens, source)
        except _Missing as missing:
            raise StatesError(
                "States.Runtime", _missing_cause(path, field, source, missing.message)
            ) from None
    return [match.value for match in _compiled("$" + rest).find(source)]


def _apply_function(path: str, name: str, value: Any) -> Any:
    """Jayway's path functions (``$.items.length()``), which jsonpath-ng does not parse."""
    if name == "length":
        if isinstance(value, list | dict | str):
            return len(value)
    elif name == "keys":
        if isinstance(value, dict):
            return list(value)
    elif name in ("first", "last"):
        if isinstance(value, list) and value:
            return value[0] if name == "first" else value[-1]
    elif isinstance(value, list):
        numbers = [float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers:
            return _AGGREGATES[name](numbers)
    raise StatesError(
        "States.Runtime",
        f"Invalid path '{path}' : Function {name}() cannot be applied to {compact_json(value)}",
    )


def _stddev(numbers: list[float]) -> float:
    mean = sum(numbers) / len(numbers)
    return math.sqrt(sum((n - mean) ** 2 for n in numbers) / len(numbers))


_AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "min": min,
    "max": max,
    "sum": math.fsum,
    "avg": lambda numbers: math.fsum(numbers) / len(numbers),
    "stddev": _stddev,
}


def _result_path_failure(result_path: str, data: Any) -> StatesError:
    # AWS's sentence, as seen in real executions: the input is quoted as compact JSON.
    return StatesError(
        "States.ResultPathMatchFailure",
        f"Unable to apply ReferencePath {result_path} to input {compact_json(data)}",
    )


def write_result_path(data: Any, result_path: str | None, result: Any) -> Any:
    """Place ``result`` into ``data`` as ``ResultPath`` does and return the new state output.

    ``None`` (JSON null) discards the result and returns ``data``; ``"$"`` returns ``result``;
    ``$.a.b`` creates missing intermediate objects. ``data`` is not mutated, but the result shares
    every container off the path with it.
    A path that cannot be applied (a field of a non-object input, an index past an array's end)
    raises ``States.ResultPathMatchFailure``.

    Example:
        >>> write_result_path({"a": 1}, "$.r.x", 2)
        {'a': 1, 'r': {'x': 2}}
    """
    if result_path is None:
        return data
    root, rest = _split_root(result_path)
    tokens = _definite_tokens(rest) if root == "$" else None
    if tokens is None:
        raise StatesError(
            "States.Runtime", f"Invalid ResultPath '{result_path}': it must be a reference path"
        )
    if not tokens:
        return result
    if not isinstance(data, dict):
        raise _result_path_failure(result_path, data)
    # Copy only the containers on the path; siblings are shared with ``data`` (JSON values are
    # treated as immutable), so a large input costs nothing extra.
    output: dict[str, Any] = dict(data)
    parent: Any = output
    for pos, token in enumerate(tokens):
        if isinstance(token, int):
            if not isinstance(parent, list) or not -len(parent) <= token < len(parent):
                raise _result_path_failure(result_path, data)
        elif not isinstance(parent, dict):
            raise _result_path_failure(result_path, data)
        if pos == len(tokens) - 1:
            parent[token] = result
            break
        child = parent[token] if isinstance(token, int) else parent.get(token)
        if isinstance(child, dict):
            child = dict(child)
        elif isinstance(child, list):
            child = list(child)
        elif isinstance(token, str):
            child = {}
        parent[token] = child
        parent = child
    return output
