"""JSONPath as AWS Step Functions reads and writes it (JSONPath query language).

Step Functions has two kinds of path: *reference paths* (``$``, ``$.a.b``, ``$['a']``, ``$.a[0]``:
exactly one node) used by ``ResultPath`` and Choice ``Variable``, and full *paths* that may also
use ``[*]``, slices, ``..`` and filters. Both may start at the input (``$``), the context object
(``$$``) or, since variables exist, a workflow variable (``$name``).

Public functions raise :class:`StatesError` with the error and cause sentence AWS uses. The cause is
the sentence only; the interpreter prefixes "An error occurred while executing the state ..."
itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "is_context_path",
    "is_path",
    "is_reference_path",
    "is_variable_path",
    "read_path",
    "write_result_path",
]


def is_path(value: Any) -> bool:
    """Tell whether ``value`` is a string that Step Functions would read as a path."""
    raise NotImplementedError


def is_reference_path(path: str) -> bool:
    """Tell whether ``path`` selects exactly one node (no ``*``, slice, ``..`` or filter)."""
    raise NotImplementedError


def is_context_path(path: str) -> bool:
    """Tell whether ``path`` reads the context object (starts with ``$$``)."""
    raise NotImplementedError


def is_variable_path(path: str) -> bool:
    """Tell whether ``path`` reads a workflow variable (``$name``, ``$name.x``)."""
    raise NotImplementedError


def read_path(
    path: str,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str = "InputPath",
) -> Any:
    """Read ``path`` from ``data`` (``$``), ``context`` (``$$``) or ``variables`` (``$name``).

    ``field`` names the ASL field for the error sentence (``InputPath``, ``OutputPath``,
    ``ItemsPath``, ``value.$`` for a payload key, ``Variable`` for Choice...). A path with a
    wildcard, slice, ``..`` or filter returns a list (possibly empty); a definite path that finds
    nothing raises ``States.Runtime``.

    Example:
        >>> read_path("$.a[1]", {"a": [1, 2]})
        2
    """
    raise NotImplementedError


def write_result_path(data: Any, result_path: str | None, result: Any) -> Any:
    """Place ``result`` into ``data`` as ``ResultPath`` does and return the new state output.

    ``None`` (JSON null) discards the result and returns ``data``; ``"$"`` returns ``result``;
    ``$.a.b`` copies ``data`` and creates missing intermediate objects. ``data`` is not mutated.

    Example:
        >>> write_result_path({"a": 1}, "$.r.x", 2)
        {'a': 1, 'r': {'x': 2}}
    """
    raise NotImplementedError
