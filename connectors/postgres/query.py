"""PostgreSQL: run one read-only SELECT with bound parameters (postgres.query, v1)."""

from __future__ import annotations

from connectors.postgres.connector import POSTGRES, connect
from connectors.postgres.results import Rows, SqlInput, bind_params, read_rows
from connectors.sdk import ActionContext

__all__ = ["QueryInput", "query"]


class QueryInput(SqlInput):
    """A SELECT (or WITH ... SELECT, VALUES, TABLE); it runs in a READ ONLY transaction."""


@POSTGRES.action("query", version=1)
def query(params: QueryInput, ctx: ActionContext) -> Rows:
    """Run a read-only SELECT and return up to max_rows rows (truncated says when there were more)."""
    # A server-side cursor: rows past max_rows + 1 are never sent to the function.
    with (
        connect(ctx, timeout_seconds=params.timeout_seconds, read_only=True) as conn,
        conn.cursor(name="wfaib_query") as cursor,
    ):
        cursor.execute(params.sql, bind_params(params.params))
        return read_rows(cursor, params.max_rows)
