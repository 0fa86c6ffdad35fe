"""What the SQL actions share: their common inputs, the rows output and reading a bounded result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from connectors.postgres.values import bind_value, to_json
from connectors.sdk import ActionInput, ActionOutput, InvalidInputError

if TYPE_CHECKING:
    import psycopg

__all__ = ["MAX_ROWS", "Rows", "SqlInput", "bind_params", "read_rows"]

MAX_ROWS = 10_000

Params = list[Any] | dict[str, Any]


class SqlInput(ActionInput):
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
    timeout_seconds: Annotated[
        int, Field(ge=1, le=900, description="statement_timeout for the statement.")
    ] = 30


class Rows(ActionOutput):
    rows: Annotated[list[dict[str, Any]], Field(description="Each row as {column: value}.")]
    columns: list[str]
    row_count: Annotated[int, Field(description="Rows in `rows`.")]
    truncated: Annotated[bool, Field(description="True when the result had more than max_rows rows.")]


def bind_params(params: Params) -> list[Any] | dict[str, Any] | None:
    """The params with JSON objects wrapped for jsonb (psycopg sends every value bound, never inline).

    None when there are none, so a literal ``%`` in a statement without placeholders stays as it is.
    """
    if not params:
        return None
    if isinstance(params, dict):
        return {name: bind_value(value) for name, value in params.items()}
    return [bind_value(value) for value in params]


def _column_names(description: Sequence[Any]) -> list[str]:
    names = [column.name for column in description]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidInputError(
            f"the result has more than one column named {', '.join(duplicates)}: give them aliases (AS ...)"
        )
    return names


def read_rows(cursor: psycopg.Cursor[Any] | psycopg.ServerCursor[Any], max_rows: int) -> Rows:
    """At most ``max_rows`` rows of the cursor's result (one more is read to set ``truncated``)."""
    if cursor.description is None:
        return Rows(rows=[], columns=[], row_count=0, truncated=False)
    columns = _column_names(cursor.description)
    fetched = cursor.fetchmany(max_rows + 1)
    rows = [dict(zip(columns, (to_json(value) for value in row), strict=True)) for row in fetched[:max_rows]]
    return Rows(rows=rows, columns=columns, row_count=len(rows), truncated=len(fetched) > max_rows)
