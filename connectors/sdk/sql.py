"""What SQL connectors share: the statement input and rows output, binding, bounded reading, JSON values.

The database connectors (``postgres``, ``mysql``) differ in their drivers, errors and types; the
shape of their actions does not. Each builds on these pieces and passes in what is its own (how
a value is bound, how a type the JSON core does not know is written). The models here carry no
docstrings: a docstring would become a ``description`` in every published action schema.

Example:
    >>> SqlStatement(sql="SELECT %s", params=[1]).max_rows
    1000
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Protocol
from urllib.parse import urlsplit

from pydantic import Field, SecretStr

from connectors.sdk.connector import ActionInput, ActionOutput
from connectors.sdk.errors import InvalidInputError

__all__ = [
    "MAX_ROWS",
    "Cursor",
    "Params",
    "Rows",
    "SqlStatement",
    "bind_params",
    "column_names",
    "json_value",
    "read_rows",
    "url_or_host_problem",
]

MAX_ROWS = 10_000

Params = list[Any] | dict[str, Any]


class SqlStatement(ActionInput):
    sql: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100_000,
            description="One statement with %s (or %(name)s) placeholders; never put values in the text.",
        ),
    ]
    params: Annotated[
        Params,
        Field(description="Values for the placeholders: a list for %s, an object for %(name)s."),
    ] = []
    max_rows: Annotated[
        int, Field(ge=1, le=MAX_ROWS, description="Rows returned at most; `truncated` says there were more.")
    ] = 1000


class Rows(ActionOutput):
    rows: Annotated[list[dict[str, Any]], Field(description="Each row as {column: value}.")]
    columns: list[str]
    row_count: Annotated[int, Field(description="Rows in `rows`.")]
    truncated: Annotated[bool, Field(description="True when the result had more than max_rows rows.")]


class Cursor(Protocol):
    """The DB-API cursor surface the helpers read (PyMySQL's and psycopg's both have it)."""

    @property
    def description(self) -> Sequence[Any] | None: ...

    def fetchmany(self, size: int = ...) -> Sequence[Sequence[Any]]: ...


def bind_params(params: Params, bind_value: Callable[[Any], Any]) -> list[Any] | dict[str, Any] | None:
    """Each param through the driver's ``bind_value``; None when there are none, so a literal ``%``
    in a statement without placeholders stays as it is (drivers fill placeholders only with args).

    Example:
        >>> bind_params({"id": 7}, str), bind_params([], str)
        ({'id': '7'}, None)
    """
    if not params:
        return None
    if isinstance(params, dict):
        return {name: bind_value(value) for name, value in params.items()}
    return [bind_value(value) for value in params]


def column_names(description: Sequence[Any]) -> list[str]:
    """The result's column names (DB-API: item 0 of each column), refusing duplicates that would
    overwrite each other in ``{column: value}`` rows.

    Example:
        >>> column_names([("id",), ("name",)])
        ['id', 'name']
    """
    names = [str(column[0]) for column in description]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidInputError(
            f"the result has more than one column named {', '.join(duplicates)}: give them aliases (AS ...)"
        )
    return names


def read_rows(cursor: Cursor, max_rows: int, to_json: Callable[[Any], Any]) -> Rows:
    """At most ``max_rows`` rows of the cursor's result (one more is read to set ``truncated``)."""
    if not cursor.description:
        return Rows(rows=[], columns=[], row_count=0, truncated=False)
    columns = column_names(cursor.description)
    fetched = list(cursor.fetchmany(max_rows + 1))
    rows = [dict(zip(columns, (to_json(value) for value in row), strict=True)) for row in fetched[:max_rows]]
    return Rows(rows=rows, columns=columns, row_count=len(rows), truncated=len(fetched) > max_rows)


def json_value(value: Any, other: Callable[[Any], Any]) -> Any:
    """A JSON-safe form of one column value (containers item by item); ``other`` writes the types
    whose form is the database's own (durations, sets, UUIDs, ...).

    Decimals become strings (no precision lost), dates and times ISO 8601, bytes base64,
    non-finite floats their text.

    Example:
        >>> json_value({"total": decimal.Decimal("10.50"), "at": datetime.date(2026, 11, 22)}, str)
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
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): json_value(item, other) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item, other) for item in value]
    return other(value)


def url_or_host_problem(
    url: SecretStr | None,
    host: str | None,
    username: str,
    database: str | None,
    schemes: set[str],
    example: str,
) -> str | None:
    """What is wrong with a database credential given as a URL or as fields (None: nothing).

    Example:
        >>> url_or_host_problem(None, None, "", None, {"mysql"}, "mysql://")
        'give either url or host'
    """
    if url is None and not host:
        return "give either url or host"
    if url is not None and (host or username or database):
        return "give either url or host/username/database, not both"
    if url is not None and urlsplit(url.get_secret_value()).scheme not in schemes:
        return f"url must start with {example}"
    return None
