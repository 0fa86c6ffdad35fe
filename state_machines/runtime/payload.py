"""Payload templates of the JSONPath query language.

``Parameters``, ``ResultSelector``, ``ItemSelector`` and JSONPath ``Assign`` are JSON templates:
a key ending in ``.$`` takes its value from a path (``$.x``, ``$$.x``, ``$var``) or an intrinsic
function, and loses the ``.$`` suffix; every other value is copied as written; objects and arrays
are walked recursively.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["evaluate_payload"]


def evaluate_payload(
    template: Any,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str = "Parameters",
) -> Any:
    """Evaluate a payload template against ``data``; return a new JSON value.

    Example:
        >>> evaluate_payload({"x.$": "$.a", "y": 1}, {"a": 2})
        {'x': 2, 'y': 1}
    """
    raise NotImplementedError
