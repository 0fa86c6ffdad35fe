"""MySQL: run one read-only SELECT with bound parameters (mysql.query, v1)."""

from __future__ import annotations

from connectors.mysql.connector import MYSQL, connect
from connectors.mysql.results import Rows, SqlInput, execute_bound, read_rows
from connectors.sdk import ActionContext

__all__ = ["QueryInput", "query"]


class QueryInput(SqlInput):
    """A SELECT (or SHOW, WITH ... SELECT); it runs in a READ ONLY transaction."""


@MYSQL.action("query", version=1)
def query(params: QueryInput, ctx: ActionContext) -> Rows:
    """Run a read-only SELECT and return up to max_rows rows (truncated says when there were more)."""
    import pymysql.cursors

    with (
        connect(ctx, timeout_seconds=params.timeout_seconds, read_only=True) as conn,
        # Unbuffered: rows are read as they arrive, so a big result never sits in memory; the
        # rest of a truncated one is read and dropped (within the statement time limit).
        conn.cursor(pymysql.cursors.SSCursor) as cursor,
    ):
        execute_bound(cursor, params.sql, params.params)
        return read_rows(cursor, params.max_rows)
