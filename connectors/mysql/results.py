"""What the SQL actions share: their common inputs, the rows output, binding and bounded reading."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from connectors.mysql.values import bind_value, to_json
from connectors.sdk import ActionInput, ActionOutput, InvalidInputError

if TYPE_CHECKING:
    import pymysql.cursors

__all__ = ["MAX_ROWS", "Rows", "SqlInput", "execute_bound", "read_rows"]

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
        int, Field(ge=1, le=900, description="The server stops the statement after this long.")
    ] = 30


class Rows(ActionOutput):
    rows: Annotated[list[dict[str, Any]], Field(description="Each row as {column: value}.")]
    columns: list[str]
    row_count: Annotated[int, Field(description="Rows in `rows`.")]
    truncated: Annotated[bool, Field(description="True when the result had more than max_rows rows.")]


def execute_bound(cursor: pymysql.cursors.Cursor, sql: str, params: Params) -> None:
    """Run ``sql`` with ``params`` escaped by PyMySQL (the driver quotes every value; we never do).

    A literal ``%`` is written ``%%`` when there are params; without params the text is sent as is.
    """
    args: Any = None
    if isinstance(params, dict) and params:
        args = {name: bind_value(value) for name, value in params.items()}
    elif params:
        args = [bind_value(value) for value in params]
    try:
        cursor.execute(sql, args)
    except (TypeError, KeyError, ValueError) as exc:
        # PyMySQL fills placeholders on the client: a count or name mismatch fails here.
        raise InvalidInputError(
            f"MySQL: params do not match the placeholders ({type(exc).__name__}: {exc})"
        ) from None


def _column_names(description: Sequence[Any]) -> list[str]:
    names = [str(column[0]) for column in description]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidInputError(
            f"the result has more than one column named {', '.join(duplicates)}: give them aliases (AS ...)"
        )
    return names


def read_rows(cursor: pymysql.cursors.Cursor, max_rows: int) -> Rows:
    """At most ``max_rows`` rows of the cursor's result (one more is read to set ``truncated``)."""
    if not cursor.description:
        return Rows(rows=[], columns=[], row_count=0, truncated=False)
    columns = _column_names(cursor.description)
    fetched = list(cursor.fetchmany(max_rows + 1))
    rows = [dict(zip(columns, (to_json(value) for value in row), strict=True)) for row in fetched[:max_rows]]
    return Rows(rows=rows, columns=columns, row_count=len(rows), truncated=len(fetched) > max_rows)
