"""MySQL: run one INSERT/UPDATE/DELETE (or DDL) with bound parameters (mysql.execute, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.mysql.connector import MYSQL, connect
from connectors.mysql.results import Rows, SqlInput, execute_bound, read_rows
from connectors.sdk import ActionContext

__all__ = ["ExecuteInput", "ExecuteOutput", "execute"]


class ExecuteInput(SqlInput):
    """A statement that changes data; committed when it succeeds, rolled back when it fails."""


class ExecuteOutput(Rows):
    affected_rows: Annotated[int, Field(description="Rows inserted, updated or deleted.")]
    last_insert_id: Annotated[
        int | None, Field(description="AUTO_INCREMENT id of the (first) inserted row, if any.")
    ] = None


@MYSQL.action("execute", version=1, side_effect=True)
def execute(params: ExecuteInput, ctx: ActionContext) -> ExecuteOutput:
    """Run one statement in a transaction; return the affected row count (and RETURNING rows on MariaDB)."""
    with connect(ctx, timeout_seconds=params.timeout_seconds) as conn, conn.cursor() as cursor:
        execute_bound(cursor, params.sql, params.params)
        returned = read_rows(cursor, params.max_rows)
        return ExecuteOutput(
            affected_rows=cursor.rowcount,
            last_insert_id=cursor.lastrowid or None,
            **returned.model_dump(),
        )
