"""Payload templates of the JSONPath query language.

``Parameters``, ``ResultSelector``, ``ItemSelector`` and JSONPath ``Assign`` are JSON templates:
a key ending in ``.$`` takes its value from a path (``$.x``, ``$$.x``, ``$var``) or an intrinsic
function, and loses the ``.$`` suffix; every other value is copied as written; objects and arrays
are walked recursively.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from typing import Any

from state_machines.runtime.errors import StatesError
from state_machines.runtime.intrinsics import evaluate_intrinsic, is_intrinsic
from state_machines.runtime.jsonpath import read_path

__all__ = ["evaluate_payload", "evaluate_payload_value"]


def evaluate_payload_value(
    expression: Any,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str,
    rng: random.Random | None = None,
) -> Any:
    """Evaluate the value of one ``key.$`` entry: a path or an intrinsic call.

    ``field`` is the key as written (``value.$``); it names the field in error causes. The result
    is a fresh copy that the caller may mutate.

    Example:
        >>> evaluate_payload_value("States.Array($.a)", {"a": 1}, field="x.$")
        [1]
    """
    if not isinstance(expression, str):
        raise StatesError(
            "States.Runtime",
            f"The value of the field '{field}' must be a JSONPath or an intrinsic function",
        )
    if is_intrinsic(expression):
        return evaluate_intrinsic(
            expression, data, context=context, variables=variables, field=field, rng=rng
        )
    value = read_path(expression, data, context=context, variables=variables, field=field)
    return copy.deepcopy(value)


def evaluate_payload(
    template: Any,
    data: Any,
    *,
    context: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    field: str = "Parameters",
    rng: random.Random | None = None,
) -> Any:
    """Evaluate a payload template against ``data``; return a new JSON value.

    ``field`` is the ASL field (``Parameters``, ``ResultSelector``, ``ItemSelector``, ``Assign``);
    causes name the innermost ``key.$`` as AWS does. ``rng`` drives ``States.MathRandom`` and
    ``States.UUID``.

    Example:
        >>> evaluate_payload({"x.$": "$.a", "y": 1}, {"a": 2})
        {'x': 2, 'y': 1}
    """
    if isinstance(template, dict):
        out: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$"):
                out[key[:-2]] = evaluate_payload_value(
                    value, data, context=context, variables=variables, field=key, rng=rng
                )
            else:
                out[key] = evaluate_payload(value, data, context=context, variables=variables, field=field)
        return out
    if isinstance(template, list):
        return [
            evaluate_payload(item, data, context=context, variables=variables, field=field, rng=rng)
            for item in template
        ]
    return template
