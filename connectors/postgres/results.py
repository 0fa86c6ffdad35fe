"""What the PostgreSQL actions share: their common input, binding and bounded reading
(the driver-neutral parts are :mod:`connectors.sdk.sql`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from connectors.postgres.values import bind_value, to_json
from connectors.sdk.sql import MAX_ROWS, Params, Rows, SqlStatement
from connectors.sdk.sql import bind_params as bind_sql_params
from connectors.sdk.sql import read_rows as read_sql_rows

if TYPE_CHECKING:
    import psycopg

__all__ = ["MAX_ROWS", "Rows", "SqlInput", "bind_params", "read_rows"]


class SqlInput(SqlStatement):
    timeout_seconds: Annotated[
        int, Field(ge=1, le=900, description="statement_timeout for the statement.")
    ] = 30


def bind_params(params: Params) -> list[Any] | dict[str, Any] | None:
    """The params with JSON objects wrapped for jsonb (psycopg sends every value bound, never inline).

    None when there are none, so a literal ``%`` in a statement without placeholders stays as it is.
    """
    return bind_sql_params(params, bind_value)


def read_rows(cursor: psycopg.Cursor[Any] | psycopg.ServerCursor[Any], max_rows: int) -> Rows:
    """At most ``max_rows`` rows of the cursor's result, values as JSON (PostgreSQL's forms)."""
    return read_sql_rows(cursor, max_rows, to_json)
