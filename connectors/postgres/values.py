"""Column values as JSON: what a workflow can hold in its state.

NUMERIC becomes a string (no precision lost, as most PostgreSQL clients do), timestamps and
dates ISO 8601, intervals seconds, bytea base64, UUIDs/inets/ranges their text form; JSON, arrays
and composites stay structured.
"""

from __future__ import annotations

import datetime
from typing import Any

from connectors.sdk.sql import json_value

__all__ = ["bind_value", "to_json"]


def _postgres_form(value: Any) -> Any:
    if isinstance(value, datetime.timedelta):  # interval
        return value.total_seconds()
    return str(value)


def to_json(value: Any) -> Any:
    """A JSON-safe form of one column value.

    Example:
        >>> import decimal
        >>> to_json({"total": decimal.Decimal("10.50"), "at": datetime.date(2026, 11, 22)})
        {'total': '10.50', 'at': '2026-11-22'}
    """
    return json_value(value, _postgres_form)


def bind_value(value: Any) -> Any:
    """A workflow value as a query parameter: objects are sent as jsonb, the rest as they are.

    Lists stay lists, which psycopg sends as PostgreSQL arrays (``WHERE id = ANY(%s)``).

    Example:
        >>> type(bind_value({"a": 1})).__name__
        'Jsonb'
    """
    if isinstance(value, dict):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value
