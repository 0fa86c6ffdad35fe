"""JSONata as AWS Step Functions evaluates it (``QueryLanguage: JSONata``).

A field value that is a string of the form ``{% expr %}`` is a JSONata expression; every other
string is a literal, and objects and arrays are walked recursively. ``$states`` (``input``,
``result``, ``errorOutput``, ``context``) and every workflow variable (``$name``) are bound, and so
are Step Functions' additions ``$partition``, ``$range``, ``$hash``, ``$random``, ``$uuid`` and
``$parse``. Compiled expressions are cached by their text.

Errors are ``States.QueryEvaluationError`` with AWS's cause sentence (without the
"An error occurred while executing the state ..." prefix, which the interpreter adds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "check_jsonata_syntax",
    "evaluate_expression",
    "evaluate_template",
    "is_jsonata_template",
    "template_expression",
]


def is_jsonata_template(value: Any) -> bool:
    """Tell whether ``value`` is a string of the form ``{% expr %}``."""
    raise NotImplementedError


def template_expression(value: str) -> str | None:
    """Return the expression inside ``{% ... %}`` (stripped), or ``None`` for a literal string."""
    raise NotImplementedError


def check_jsonata_syntax(expression: str) -> str | None:
    """Return the parser's error message for ``expression``, or ``None`` when it parses."""
    raise NotImplementedError


def evaluate_expression(
    expression: str,
    *,
    states: Mapping[str, Any],
    variables: Mapping[str, Any] | None = None,
    field: str,
    expected: str | None = None,
) -> Any:
    """Evaluate one JSONata expression (the text between ``{%`` and ``%}``).

    ``expected`` is the JSON type the field requires (``"array"``, ``"object"``, ``"string"``,
    ``"number"``, ``"integer"``, ``"boolean"``); a result of another type raises AWS's
    "returned an unexpected result type" error. An undefined result raises AWS's
    "returned nothing (undefined)" error.

    Example:
        >>> evaluate_expression("$states.input.a + 1", states={"input": {"a": 1}}, field="Output")
        2
    """
    raise NotImplementedError


def evaluate_template(
    value: Any,
    *,
    states: Mapping[str, Any],
    variables: Mapping[str, Any] | None = None,
    field: str,
    expected: str | None = None,
) -> Any:
    """Evaluate every ``{% %}`` string inside ``value`` (e.g. a state's ``Output``/``Arguments``).

    Nested fields are named ``Output/key`` in error causes, as AWS names them. ``expected``
    applies to the top-level value only (see :func:`evaluate_expression`).

    Example:
        >>> evaluate_template({"x": "{% $v %}", "y": "lit"}, states={}, variables={"v": 1},
        ...                   field="Output")
        {'x': 1, 'y': 'lit'}
    """
    raise NotImplementedError
