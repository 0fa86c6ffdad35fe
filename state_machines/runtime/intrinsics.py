"""The ``States.*`` intrinsic functions of the JSONPath query language.

A payload key ending in ``.$`` whose value starts with ``States.`` is an intrinsic call, e.g.
``States.Format('Hello {}', $.name)``. Arguments are string literals (single quotes, ``\\``
escapes), numbers, ``true``/``false``/``null``, paths (``$.x``, ``$$.x``, ``$var.x``) and nested
calls. Errors are ``States.Runtime`` with AWS's cause sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["evaluate_intrinsic", "is_intrinsic"]


def is_intrinsic(value: Any) -> bool:
    """Tell whether ``value`` is a string holding an intrinsic function call."""
    raise NotImplementedError


def evaluate_intrinsic(
    expression: str,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str = "Parameters",
) -> Any:
    """Evaluate an intrinsic call against the state's ``data``, ``context`` and ``variables``.

    Example:
        >>> evaluate_intrinsic("States.MathAdd($.a, 2)", {"a": 1})
        3
    """
    raise NotImplementedError
