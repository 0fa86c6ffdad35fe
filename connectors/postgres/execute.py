"""PostgreSQL: run one INSERT/UPDATE/DELETE (or DDL) with bound parameters (postgres.execute, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.postgres.connector import POSTGRES, connect
from connectors.postgres.results import Rows, SqlInput, bind_params, read_rows
from connectors.sdk import ActionContext

__all__ = ["ExecuteInput", "ExecuteOutput", "execute"]


class ExecuteInput(SqlInput):
    """A statement that changes data; committed when it succeeds, rolled back when it fails."""


class ExecuteOutput(Rows):
    affected_rows: Annotated[int, Field(description="Rows inserted, updated or deleted (-1 if unknown).")]


@POSTGRES.action("execute", version=1, side_effect=True)
def execute(params: ExecuteInput, ctx: ActionContext) -> ExecuteOutput:
    """Run one statement in a transaction; return the affected row count and any RETURNING rows."""
    with connect(ctx, timeout_seconds=params.timeout_seconds) as conn, conn.cursor() as cursor:
        cursor.execute(params.sql, bind_params(params.params))
        returned = read_rows(cursor, params.max_rows)
        return ExecuteOutput(affected_rows=cursor.rowcount, **returned.model_dump())
