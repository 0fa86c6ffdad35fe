"""Column values as JSON, and workflow values as query parameters.

DECIMAL becomes a string (no precision lost), DATETIME/DATE ISO 8601, TIME ``HH:MM:SS``,
binary base64. JSON columns arrive as text (MariaDB stores JSON as LONGTEXT): parse them with
``$parse()`` where needed.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from connectors.sdk.sql import json_value

__all__ = ["bind_value", "to_json"]


def _time_text(value: datetime.timedelta) -> str:
    # MySQL TIME is a signed duration up to 838:59:59 that PyMySQL returns as a timedelta;
    # print it the way the server does.
    sign = "-" if value < datetime.timedelta(0) else ""
    total = abs(value)
    hours, rest = divmod(total.days * 86_400 + total.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f".{total.microseconds:06d}" if total.microseconds else ""
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}{fraction}"


def _mysql_form(value: Any) -> Any:
    if isinstance(value, datetime.timedelta):
        return _time_text(value)
    if isinstance(value, set | frozenset):  # SET columns
        return sorted(str(item) for item in value)
    return str(value)


def to_json(value: Any) -> Any:
    """A JSON-safe form of one column value.

    Example:
        >>> import decimal
        >>> to_json({"total": decimal.Decimal("10.50"), "at": datetime.timedelta(hours=9, minutes=5)})
        {'total': '10.50', 'at': '09:05:00'}
    """
    return json_value(value, _mysql_form)


def bind_value(value: Any) -> Any:
    """A workflow value as a parameter: objects as JSON text, lists as tuples (``IN %s``).

    Example:
        >>> bind_value({"a": 1}), bind_value([1, 2])
        ('{"a":1}', (1, 2))
    """
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, list):
        return tuple(bind_value(item) if isinstance(item, dict) else item for item in value)
    return value
