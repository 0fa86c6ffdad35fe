"""The SQL helpers both database connectors build on (``connectors.sdk.sql``)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest

from connectors.mysql.results import SqlInput as MySqlInput
from connectors.mysql.values import to_json as mysql_json
from connectors.postgres.results import SqlInput as PostgresInput
from connectors.postgres.values import to_json as postgres_json
from connectors.sdk import InvalidInputError
from connectors.sdk.sql import Rows, SqlStatement, bind_params, column_names, json_value, read_rows


class FakeCursor:
    def __init__(self, description: list[tuple[str]] | None, rows: list[tuple[Any, ...]]) -> None:
        self.description = description
        self._rows = rows

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        return self._rows[:size]


def test_both_connectors_build_their_statement_input_on_the_shared_one() -> None:
    assert issubclass(MySqlInput, SqlStatement) and issubclass(PostgresInput, SqlStatement)
    mysql, postgres = MySqlInput.model_json_schema(), PostgresInput.model_json_schema()
    assert (
        list(mysql["properties"])
        == list(postgres["properties"])
        == ["sql", "params", "max_rows", "timeout_seconds"]
    )


def test_rows_are_bounded_and_say_when_there_were_more() -> None:
    cursor = FakeCursor([("id",), ("total",)], [(1, decimal.Decimal("1.50")), (2, None), (3, None)])

    rows = read_rows(cursor, 2, postgres_json)

    assert rows == Rows(
        rows=[{"id": 1, "total": "1.50"}, {"id": 2, "total": None}],
        columns=["id", "total"],
        row_count=2,
        truncated=True,
    )
    assert read_rows(FakeCursor(None, []), 5, str).row_count == 0


def test_duplicate_column_names_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="more than one column named id"):
        column_names([("id",), ("id",)])


def test_params_are_bound_one_by_one_and_none_stays_none() -> None:
    assert bind_params([1, {"a": 1}], repr) == ["1", "{'a': 1}"]
    assert bind_params({"x": 2}, repr) == {"x": "2"}
    assert bind_params([], repr) is None and bind_params({}, repr) is None


def test_each_database_keeps_its_own_forms_on_the_shared_core() -> None:
    nine_five = datetime.timedelta(hours=9, minutes=5)
    assert mysql_json([nine_five, {"s": {"b", "a"}}]) == ["09:05:00", {"s": ["a", "b"]}]
    assert postgres_json([nine_five, b"\x00"]) == [32700.0, "AA=="]
    assert json_value([float("nan"), datetime.date(2026, 11, 22)], str) == ["nan", "2026-11-22"]
