"""What the MySQL actions share: their common input, binding and bounded reading
(the driver-neutral parts are :mod:`connectors.sdk.sql`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from connectors.mysql.values import bind_value, to_json
from connectors.sdk import InvalidInputError
from connectors.sdk.sql import MAX_ROWS, Params, Rows, SqlStatement, bind_params
from connectors.sdk.sql import read_rows as read_sql_rows

if TYPE_CHECKING:
    import pymysql.cursors

__all__ = ["MAX_ROWS", "Rows", "SqlInput", "execute_bound", "read_rows"]


class SqlInput(SqlStatement):
    timeout_seconds: Annotated[
        int, Field(ge=1, le=900, description="The server stops the statement after this long.")
    ] = 30


def execute_bound(cursor: pymysql.cursors.Cursor, sql: str, params: Params) -> None:
    """Run ``sql`` with ``params`` escaped by PyMySQL (the driver quotes every value; we never do).

    A literal ``%`` is written ``%%`` when there are params; without params the text is sent as is.
    """
    try:
        cursor.execute(sql, bind_params(params, bind_value))
    except (TypeError, KeyError, ValueError) as exc:
        # PyMySQL fills placeholders on the client: a count or name mismatch fails here.
        raise InvalidInputError(
            f"MySQL: params do not match the placeholders ({type(exc).__name__}: {exc})"
        ) from None


def read_rows(cursor: pymysql.cursors.Cursor, max_rows: int) -> Rows:
    """At most ``max_rows`` rows of the cursor's result, values as JSON (MySQL's forms)."""
    return read_sql_rows(cursor, max_rows, to_json)
