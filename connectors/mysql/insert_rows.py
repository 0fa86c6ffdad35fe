"""MySQL: insert many rows in one transaction (mysql.insert_rows, v1)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field

from connectors.mysql.connector import MYSQL, connect
from connectors.mysql.results import MAX_ROWS, execute_bound
from connectors.sdk import ActionContext, ActionInput, ActionOutput, InvalidInputError

__all__ = ["InsertRowsInput", "InsertRowsOutput", "insert_rows"]

# Rows per INSERT statement: keeps each statement well under the default max_allowed_packet.
_ROWS_PER_STATEMENT = 500

Name = Annotated[str, Field(min_length=1, max_length=64)]


class InsertRowsInput(ActionInput):
    table: Annotated[Name, Field(description="Table name (quoted as an identifier, never spliced in).")]
    database: Annotated[Name | None, Field(description="Database; the credential's when left out.")] = None
    rows: Annotated[
        list[dict[Name, Any]],
        Field(
            min_length=1,
            max_length=MAX_ROWS,
            description="Each row as {column: value}; a missing column gets its DEFAULT.",
        ),
    ]
    on_duplicate: Annotated[
        Literal["error", "skip"],
        Field(
            description="error: a duplicate key fails the node (ConflictError); skip: keep the existing row."
        ),
    ] = "error"
    timeout_seconds: Annotated[int, Field(ge=1, le=900)] = 30


class InsertRowsOutput(ActionOutput):
    inserted: Annotated[int, Field(description="Rows inserted (skipped duplicates not counted).")]
    first_id: Annotated[
        int | None, Field(description="AUTO_INCREMENT id of the first row inserted, if the table has one.")
    ] = None


def quote_identifier(name: str) -> str:
    """A MySQL identifier in backticks (a backtick inside is doubled), as the server's own rules say.

    PyMySQL quotes values only, so identifiers are quoted here; anything else in a name stays
    part of the name.

    Example:
        >>> quote_identifier("orders`; DROP TABLE x; --")
        '`orders``; DROP TABLE x; --`'
    """
    return "`" + name.replace("`", "``") + "`"


def _statement(
    params: InsertRowsInput, columns: list[str], rows: list[dict[str, Any]]
) -> tuple[str, list[Any]]:
    table = quote_identifier(params.table)
    if params.database:
        table = f"{quote_identifier(params.database)}.{table}"
    values: list[Any] = []
    tuples: list[str] = []
    for row in rows:
        items = []
        for column in columns:
            if column in row:
                items.append("%s")
                value = row[column]
                # Objects and lists go to JSON columns as JSON text.
                values.append(json.dumps(value) if isinstance(value, dict | list) else value)
            else:
                items.append("DEFAULT")
        tuples.append(f"({', '.join(items)})")
    names = ", ".join(quote_identifier(column) for column in columns)
    statement = f"INSERT INTO {table} ({names}) VALUES {', '.join(tuples)}"
    if params.on_duplicate == "skip":
        # A no-op update: the existing row stays and counts as 0 affected rows. (INSERT IGNORE
        # would also turn bad values into warnings, not errors.)
        first = quote_identifier(columns[0])
        statement += f" ON DUPLICATE KEY UPDATE {first} = {first}"
    return statement, values


@MYSQL.action("insert_rows", version=1, side_effect=True)
def insert_rows(params: InsertRowsInput, ctx: ActionContext) -> InsertRowsOutput:
    """Insert rows (all or none: one transaction), a few hundred rows per statement."""
    columns = list(dict.fromkeys(column for row in params.rows for column in row))
    if not columns:
        raise InvalidInputError("params.rows: give at least one column")
    inserted = 0
    first_id: int | None = None
    with connect(ctx, timeout_seconds=params.timeout_seconds) as conn, conn.cursor() as cursor:
        for start in range(0, len(params.rows), _ROWS_PER_STATEMENT):
            statement, values = _statement(params, columns, params.rows[start : start + _ROWS_PER_STATEMENT])
            execute_bound(cursor, statement, values)
            inserted += cursor.rowcount
            if first_id is None and cursor.lastrowid:
                first_id = cursor.lastrowid
    return InsertRowsOutput(inserted=inserted, first_id=first_id)
