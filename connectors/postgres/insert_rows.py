"""PostgreSQL: insert many rows in one transaction (postgres.insert_rows, v1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from connectors.postgres.connector import POSTGRES, connect
from connectors.postgres.results import MAX_ROWS, read_rows
from connectors.postgres.values import bind_value
from connectors.sdk import ActionContext, ActionInput, ActionOutput, InvalidInputError

if TYPE_CHECKING:
    from psycopg import sql

__all__ = ["InsertRowsInput", "InsertRowsOutput", "insert_rows"]

# PostgreSQL's wire protocol allows at most 65535 bound values in one statement.
_MAX_VALUES_PER_STATEMENT = 65_535

Name = Annotated[str, Field(min_length=1, max_length=63)]


class InsertRowsInput(ActionInput):
    table: Annotated[Name, Field(description="Table name (quoted as an identifier, never spliced in).")]
    table_schema: Annotated[Name | None, Field(description="Schema; the search_path when left out.")] = None
    rows: Annotated[
        list[dict[Name, Any]],
        Field(
            min_length=1,
            max_length=MAX_ROWS,
            description="Each row as {column: value}; a missing column gets its DEFAULT.",
        ),
    ]
    on_conflict: Annotated[
        Literal["error", "do_nothing"],
        Field(
            description="error: a duplicate key fails the node (ConflictError); do_nothing: skip that row."
        ),
    ] = "error"
    returning: Annotated[list[Name], Field(description="Columns to return for each inserted row.")] = []
    timeout_seconds: Annotated[int, Field(ge=1, le=900)] = 30


class InsertRowsOutput(ActionOutput):
    inserted: Annotated[int, Field(description="Rows inserted (skipped conflicts not counted).")]
    rows: Annotated[list[dict[str, Any]], Field(description="The `returning` columns of each inserted row.")]


def _statement(
    params: InsertRowsInput, columns: list[str], rows: list[dict[str, Any]]
) -> tuple[sql.Composed, list[Any]]:
    from psycopg import sql

    values: list[Any] = []
    tuples: list[sql.Composable] = []
    for row in rows:
        items: list[sql.Composable] = []
        for column in columns:
            if column in row:
                items.append(sql.Placeholder())
                values.append(bind_value(row[column]))
            else:
                items.append(sql.DEFAULT)
        tuples.append(sql.SQL("({})").format(sql.SQL(", ").join(items)))
    table = (
        sql.Identifier(params.table_schema, params.table)
        if params.table_schema
        else sql.Identifier(params.table)
    )
    statement = sql.SQL("INSERT INTO {} ({}) VALUES {}").format(
        table, sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join(tuples)
    )
    if params.on_conflict == "do_nothing":
        statement += sql.SQL(" ON CONFLICT DO NOTHING")
    if params.returning:
        statement += sql.SQL(" RETURNING {}").format(
            sql.SQL(", ").join(map(sql.Identifier, params.returning))
        )
    return statement, values


@POSTGRES.action("insert_rows", version=1, side_effect=True)
def insert_rows(params: InsertRowsInput, ctx: ActionContext) -> InsertRowsOutput:
    """Insert rows (all or none: one transaction), in as few statements as the protocol allows."""
    columns = list(dict.fromkeys(column for row in params.rows for column in row))
    if not columns:
        raise InvalidInputError("params.rows: give at least one column")
    per_statement = max(1, _MAX_VALUES_PER_STATEMENT // max(1, len(columns)))
    inserted = 0
    returned: list[dict[str, Any]] = []
    with connect(ctx, timeout_seconds=params.timeout_seconds) as conn, conn.cursor() as cursor:
        for start in range(0, len(params.rows), per_statement):
            statement, values = _statement(params, columns, params.rows[start : start + per_statement])
            cursor.execute(statement, values)
            inserted += cursor.rowcount
            returned.extend(read_rows(cursor, MAX_ROWS).rows)
    return InsertRowsOutput(inserted=inserted, rows=returned)
