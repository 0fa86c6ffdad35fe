"""PostgreSQL connector against a real local PostgreSQL server (see conftest.py)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from db_servers import DatabaseServer, free_port, logged_text

from connectors.postgres import connector
from connectors.postgres.errors import map_postgres_error
from connectors.sdk import (
    RETRYABLE_ERRORS,
    AuthError,
    ConflictError,
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    NotFoundError,
    RetryableError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def tester(postgres_server: DatabaseServer) -> ConnectorTester:
    return ConnectorTester(connector, credential=postgres_server.credential())


def _direct(server: DatabaseServer) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        dbname=server.database,
        autocommit=True,
    )


@pytest.fixture
def users(postgres_server: DatabaseServer) -> Iterator[str]:
    """A fresh ``users`` table (unique name per test) with two rows."""
    name = f"users_{uuid.uuid4().hex[:10]}"
    with _direct(postgres_server) as conn:
        conn.execute(
            f"CREATE TABLE {name} (id serial PRIMARY KEY, email text UNIQUE NOT NULL, "
            "name text, plan text NOT NULL DEFAULT 'free', credit numeric(10,2) DEFAULT 0, "
            "created date DEFAULT DATE '2026-11-22', tags jsonb)"
        )
        conn.execute(
            f"INSERT INTO {name} (email, name, credit, tags) VALUES "
            "('ada@example.com', 'Ada', 12.50, '{\"vip\": true}'), ('bob@example.com', 'Bob', 0, NULL)"
        )
    yield name
    with _direct(postgres_server) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {name}")


def _count(server: DatabaseServer, table: str) -> int:
    with _direct(server) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_query_binds_params_and_returns_json_rows(tester: ConnectorTester, users: str) -> None:
    out = tester.run(
        "query",
        {
            "sql": f"SELECT id, name, credit, created, tags FROM {users} WHERE email = %s",
            "params": ["ada@example.com"],
        },
    )
    assert out == {
        "rows": [{"id": 1, "name": "Ada", "credit": "12.50", "created": "2026-11-22", "tags": {"vip": True}}],
        "columns": ["id", "name", "credit", "created", "tags"],
        "row_count": 1,
        "truncated": False,
    }


def test_query_named_params_bytea_uuid_and_arrays(tester: ConnectorTester) -> None:
    out = tester.run(
        "query",
        {
            "sql": "SELECT %(n)s::int + 1 AS n, decode('00ff', 'hex') AS raw, "
            "'6f1d2c1e-9b0a-4c3e-8a7b-1c2d3e4f5a6b'::uuid AS id, %(ids)s::int[] AS ids, "
            "'50%%' AS literal",
            "params": {"n": 41, "ids": [1, 2, 3]},
        },
    )
    row = out["rows"][0]
    assert row["n"] == 42
    assert base64.b64decode(row["raw"]) == b"\x00\xff"
    assert row["id"] == "6f1d2c1e-9b0a-4c3e-8a7b-1c2d3e4f5a6b"
    assert row["ids"] == [1, 2, 3]
    assert row["literal"] == "50%"  # with params, a literal percent is written %%


def test_a_literal_percent_without_params_is_not_a_placeholder(tester: ConnectorTester) -> None:
    out = tester.run("query", {"sql": "SELECT 'a%b' AS text"})
    assert out["rows"] == [{"text": "a%b"}]


def test_query_stops_at_max_rows_and_says_it_truncated(tester: ConnectorTester) -> None:
    limited = tester.run("query", {"sql": "SELECT g AS n FROM generate_series(1, 50) g", "max_rows": 3})
    assert limited["rows"] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert limited["truncated"] is True
    exact = tester.run("query", {"sql": "SELECT g AS n FROM generate_series(1, 3) g", "max_rows": 3})
    assert exact["row_count"] == 3
    assert exact["truncated"] is False


def test_injection_attempts_stay_values(
    tester: ConnectorTester, postgres_server: DatabaseServer, users: str
) -> None:
    attack = f"x' OR '1'='1'; DROP TABLE {users}; --"
    found = tester.run("query", {"sql": f"SELECT * FROM {users} WHERE name = %s", "params": [attack]})
    assert found["rows"] == []
    changed = tester.run("execute", {"sql": f"UPDATE {users} SET name = %s WHERE id = 2", "params": [attack]})
    assert changed["affected_rows"] == 1
    with pytest.raises(InvalidInputError):
        tester.run("insert_rows", {"table": f"{users}; DROP TABLE {users}", "rows": [{"email": "e"}]})
    assert _count(postgres_server, users) == 2
    stored = tester.run("query", {"sql": f"SELECT name FROM {users} WHERE id = 2"})
    assert stored["rows"] == [{"name": attack}]


def test_query_runs_read_only(tester: ConnectorTester, postgres_server: DatabaseServer, users: str) -> None:
    with pytest.raises(InvalidInputError, match=r"25006.*read-only transaction"):
        tester.run("query", {"sql": "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", "params": [users]})
    with pytest.raises(InvalidInputError, match="data-modifying"):
        tester.run(
            "query",
            {
                "sql": f"WITH added AS (INSERT INTO {users} (email) VALUES (%s) RETURNING id) SELECT * FROM added",
                "params": ["eve@example.com"],
            },
        )
    assert _count(postgres_server, users) == 2


def test_execute_commits_and_returns_affected_and_returning_rows(tester: ConnectorTester, users: str) -> None:
    out = tester.run(
        "execute",
        {
            "sql": f"UPDATE {users} SET plan = %s WHERE credit >= %s RETURNING email, plan",
            "params": ["pro", 10],
        },
    )
    assert out["affected_rows"] == 1
    assert out["rows"] == [{"email": "ada@example.com", "plan": "pro"}]
    again = tester.run("query", {"sql": f"SELECT plan FROM {users} ORDER BY id"})
    assert [row["plan"] for row in again["rows"]] == ["pro", "free"]
    deleted = tester.run("execute", {"sql": f"DELETE FROM {users} WHERE plan = %s", "params": ["free"]})
    assert deleted == {"affected_rows": 1, "rows": [], "columns": [], "row_count": 0, "truncated": False}


def test_insert_rows_uses_defaults_returns_columns_and_skips_conflicts(
    tester: ConnectorTester, users: str
) -> None:
    out = tester.run(
        "insert_rows",
        {
            "table": users,
            "table_schema": "public",
            "rows": [
                {"email": "cy@example.com", "name": "Cy", "tags": {"source": "form"}},
                {"email": "di@example.com", "plan": "team"},
            ],
            "returning": ["id", "plan", "tags"],
        },
    )
    assert out == {
        "inserted": 2,
        "rows": [
            {"id": 3, "plan": "free", "tags": {"source": "form"}},
            {"id": 4, "plan": "team", "tags": None},
        ],
    }
    skipped = tester.run(
        "insert_rows",
        {
            "table": users,
            "rows": [{"email": "cy@example.com"}, {"email": "ed@example.com"}],
            "on_conflict": "do_nothing",
        },
    )
    assert skipped == {"inserted": 1, "rows": []}


def test_insert_rows_is_all_or_nothing_and_a_duplicate_is_a_conflict(
    tester: ConnectorTester, postgres_server: DatabaseServer, users: str
) -> None:
    with pytest.raises(ConflictError, match=r"23505.*already exists"):
        tester.run(
            "insert_rows",
            {"table": users, "rows": [{"email": "new@example.com"}, {"email": "ada@example.com"}]},
        )
    assert _count(postgres_server, users) == 2


def test_bad_sql_and_bad_params_are_invalid_input_with_the_server_message(
    tester: ConnectorTester, users: str
) -> None:
    with pytest.raises(InvalidInputError, match=r'42601.*syntax error at or near "FORM"'):
        tester.run("query", {"sql": f"SELECT * FORM {users}"})
    with pytest.raises(InvalidInputError, match=r"42P01.*does not exist"):
        tester.run("execute", {"sql": "DELETE FROM no_such_table"})
    with pytest.raises(InvalidInputError, match=r"23502.*not-null"):
        tester.run("execute", {"sql": f"INSERT INTO {users} (name) VALUES (%s)", "params": ["x"]})
    with pytest.raises(InvalidInputError, match="placeholder"):
        tester.run("query", {"sql": "SELECT %s, %s", "params": [1]})
    with pytest.raises(InvalidInputError, match=r"params.max_rows"):
        tester.run("query", {"sql": "SELECT 1", "max_rows": 0})


def test_a_statement_over_its_timeout_is_a_retryable_timeout(tester: ConnectorTester) -> None:
    with pytest.raises(ConnectorTimeoutError, match="57014") as caught:
        tester.run("query", {"sql": "SELECT pg_sleep(5)", "timeout_seconds": 1})
    assert caught.value.code in RETRYABLE_ERRORS


def test_wrong_password_is_auth_error_and_no_password_is_logged(
    postgres_server: DatabaseServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-Pa55word-for-pg"
    tester = ConnectorTester(connector, credential=postgres_server.credential(password=wrong))
    with pytest.raises(AuthError, match="password authentication failed") as caught:
        tester.run("query", {"sql": "SELECT 1"})
    logged = logged_text(caplog)
    assert "action failed" in logged
    for text in (str(caught.value), logged):
        assert wrong not in text
        assert postgres_server.password not in text


def test_url_credential_works_and_its_password_is_redacted(
    postgres_server: DatabaseServer, caplog: pytest.LogCaptureFixture
) -> None:
    s = postgres_server
    good = ConnectorTester(
        connector, credential={"url": f"postgresql://{s.user}:{s.password}@{s.host}:{s.port}/{s.database}"}
    )
    assert good.run("query", {"sql": "SELECT current_database() AS db"})["rows"] == [{"db": s.database}]
    url = f"postgresql://{s.user}:{s.password}@{s.host}:{s.port}/{s.database}"
    ssl_in_use = {"sql": "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"}
    in_url = ConnectorTester(connector, credential={"url": f"{url}?sslmode=disable"})
    assert in_url.run("query", ssl_in_use)["rows"] == [{"ssl": False}]
    field_wins = ConnectorTester(
        connector, credential={"url": f"{url}?sslmode=disable", "sslmode": "require"}
    )
    assert field_wins.run("query", ssl_in_use)["rows"] == [{"ssl": True}]
    with pytest.raises(InvalidInputError) as caught:
        good.run("query", {"sql": "SELECT %s::int", "params": [s.password]})
    assert s.password not in str(caught.value)
    assert "action failed" in logged_text(caplog)
    assert s.password not in logged_text(caplog)


def test_a_missing_database_is_not_found(postgres_server: DatabaseServer) -> None:
    tester = ConnectorTester(connector, credential=postgres_server.credential(database="nope"))
    with pytest.raises(NotFoundError, match='database "nope" does not exist'):
        tester.run("query", {"sql": "SELECT 1"})


def test_a_closed_port_is_upstream_unavailable_and_retryable(postgres_server: DatabaseServer) -> None:
    tester = ConnectorTester(connector, credential=postgres_server.credential(port=free_port()))
    with pytest.raises(UpstreamUnavailableError, match="Connection refused") as caught:
        tester.run("query", {"sql": "SELECT 1"})
    assert caught.value.code in RETRYABLE_ERRORS
    assert postgres_server.password not in str(caught.value)


def test_verify_full_with_the_servers_ca_connects_over_tls(postgres_server: DatabaseServer) -> None:
    credential = postgres_server.credential(sslmode="verify-full", ssl_root_cert=postgres_server.ca_pem)
    tester = ConnectorTester(connector, credential=credential)
    out = tester.run("query", {"sql": "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"})
    assert out["rows"][0]["ssl"] is True
    assert out["rows"][0]["version"].startswith("TLS")
    plain = ConnectorTester(connector, credential=postgres_server.credential(sslmode="disable"))
    assert plain.run("query", {"sql": "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"})[
        "rows"
    ] == [{"ssl": False}]


def test_a_certificate_from_another_ca_is_a_permanent_tls_error(postgres_server: DatabaseServer) -> None:
    credential = postgres_server.credential(sslmode="verify-ca", ssl_root_cert=postgres_server.other_ca_pem)
    with pytest.raises(ConnectorError, match=r"TLS failed.*certificate") as caught:
        ConnectorTester(connector, credential=credential).run("query", {"sql": "SELECT 1"})
    assert caught.value.code == "ConnectorError"


@pytest.mark.parametrize(
    ("credential", "problem"),
    [
        ({"username": "u", "password": "p"}, "either url or host"),
        ({"url": "mysql://u:p@h/db"}, "postgresql://"),
        ({"url": "postgresql://u:p@h/db", "host": "h"}, "not both"),
    ],
)
def test_a_malformed_credential_is_auth_error(credential: dict[str, Any], problem: str) -> None:
    with pytest.raises(AuthError, match=problem):
        ConnectorTester(connector, credential=credential).run("query", {"sql": "SELECT 1"})


@pytest.mark.parametrize(
    ("sqlstate", "expected"),
    [
        ("40001", RetryableError),  # serialization failure
        ("40P01", RetryableError),  # deadlock
        ("53300", UpstreamUnavailableError),  # too many connections
        ("57P01", UpstreamUnavailableError),  # admin shutdown (failover)
        ("42501", AuthError),  # insufficient privilege
        ("XX000", ConnectorError),  # internal error
    ],
)
def test_sqlstates_the_local_server_cannot_easily_produce(sqlstate: str, expected: type) -> None:
    error = psycopg.errors.lookup(sqlstate)("server message")
    mapped = map_postgres_error(error, connecting=False)
    assert type(mapped) is expected
    assert sqlstate in mapped.message
    assert "server message" in mapped.message
