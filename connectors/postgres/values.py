"""Column values as JSON: what a workflow can hold in its state.

NUMERIC becomes a string (no precision lost, as most PostgreSQL clients do), timestamps and
dates ISO 8601, intervals seconds, bytea base64, UUIDs/inets/ranges their text form; JSON, arrays
and composites stay structured.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
from typing import Any

__all__ = ["bind_value", "to_json"]


def to_json(value: Any) -> Any:
    """A JSON-safe form of one column value.

    Example:
        >>> to_json({"total": decimal.Decimal("10.50"), "at": datetime.date(2026, 11, 22)})
        {'total': '10.50', 'at': '2026-11-22'}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return str(value)


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
