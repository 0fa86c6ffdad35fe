"""Recognising and parsing the ``{% … %}`` JSONata strings of JSONata states.

Step Functions treats a string as a JSONata expression exactly when it starts with ``{%`` and
ends with ``%}`` (no trimming: ``" {% x %} "`` is a literal string, as recorded on AWS). The
body is parsed with jsonata-python, the same engine the local runtime evaluates it with.
"""

from __future__ import annotations

from functools import lru_cache

from jsonata import Jsonata

__all__ = ["is_jsonata", "jsonata_error", "unbalanced_delimiter"]


def is_jsonata(value: object) -> bool:
    """True when ``value`` is a JSONata expression string (``{%`` … ``%}``)."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


def unbalanced_delimiter(value: str) -> str | None:
    """Which delimiter is missing when a string has only one of ``{%`` and ``%}``.

    AWS would take such a string as a literal; it is almost always a typo, so we report it.
    """
    opens, closes = value.startswith("{%"), value.endswith("%}")
    if opens and not closes:
        return "it starts with '{%' but does not end with '%}'"
    if closes and not opens:
        return "it ends with '%}' but does not start with '{%'"
    return None


@lru_cache(maxsize=4096)
def jsonata_error(value: str) -> str | None:
    """Why the JSONata expression string ``value`` does not parse, or ``None`` when it does.

    Example:
        >>> jsonata_error("{% $states.input.items[0] %}") is None
        True
        >>> jsonata_error("{% 10 + * 2 %}")
        'Syntax error: 2'
    """
    body = value[2:-2]
    if not body.strip():
        return "the expression between '{%' and '%}' is empty"
    try:
        Jsonata(body)
    except Exception as exc:  # jsonata-python raises JException and, on odd input, others
        return str(exc) or type(exc).__name__
    return None
