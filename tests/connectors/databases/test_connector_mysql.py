"""MySQL connector against a real local MariaDB server (see conftest.py)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest
from db_servers import DatabaseServer, free_port, logged_text

from connectors.mysql import connector
from connectors.mysql.errors import map_mysql_error
from connectors.mysql.insert_rows import quote_identifier
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
def tester(mariadb_server: DatabaseServer) -> ConnectorTester:
    return ConnectorTester(connector, credential=mariadb_server.credential(ssl_mode="disabled"))


def _direct(server: DatabaseServer) -> pymysql.Connection[Any]:
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=server.database,
        autocommit=True,
    )


@pytest.fixture
def users(mariadb_server: DatabaseServer) -> Iterator[str]:
    """A fresh ``users`` table (unique name per test) with two rows."""
    name = f"users_{uuid.uuid4().hex[:10]}"
    with _direct(mariadb_server) as conn, conn.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {name} (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, "
            "name VARCHAR(100), plan VARCHAR(20) NOT NULL DEFAULT 'free', credit DECIMAL(10,2) DEFAULT 0, "
            "created DATE DEFAULT '2026-11-22', opens TIME, tags JSON, avatar VARBINARY(16))"
        )
        cursor.execute(
            f"INSERT INTO {name} (email, name, credit, opens, tags, avatar) VALUES "
            "('ada@example.com', 'Ada', 12.50, '09:05:00', '{\"vip\": true}', X'00FF'), "
            "('bob@example.com', 'Bob', 0, NULL, NULL, NULL)"
        )
    yield name
    with _direct(mariadb_server) as conn, conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _count(server: DatabaseServer, table: str) -> int:
    with _direct(server) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_query_binds_params_and_returns_json_rows(tester: ConnectorTester, users: str) -> None:
    out = tester.run(
        "query",
        {
            "sql": f"SELECT id, name, credit, created, opens, tags, avatar FROM {users} WHERE email = %(email)s",
            "params": {"email": "ada@example.com"},
        },
    )
    assert out["columns"] == ["id", "name", "credit", "created", "opens", "tags", "avatar"]
    row = out["rows"][0]
    assert {key: row[key] for key in ("id", "name", "credit", "created", "opens")} == {
        "id": 1,
        "name": "Ada",
        "credit": "12.50",
        "created": "2026-11-22",
        "opens": "09:05:00",
    }
    assert row["tags"] == '{"vip": true}'  # JSON columns arrive as text
    assert base64.b64decode(row["avatar"]) == b"\x00\xff"
    assert (out["row_count"], out["truncated"]) == (1, False)


def test_query_expands_a_list_for_in_and_keeps_literal_percents(tester: ConnectorTester, users: str) -> None:
    out = tester.run(
        "query",
        {
            "sql": f"SELECT name, '50%%' AS pct FROM {users} WHERE id IN %s ORDER BY id",
            "params": [[1, 2, 99]],
        },
    )
    assert out["rows"] == [{"name": "Ada", "pct": "50%"}, {"name": "Bob", "pct": "50%"}]
    assert tester.run("query", {"sql": "SELECT 'a%b' AS text"})["rows"] == [{"text": "a%b"}]


def test_query_stops_at_max_rows_and_says_it_truncated(tester: ConnectorTester) -> None:
    sql = "SELECT seq AS n FROM seq_1_to_50"  # MariaDB's SEQUENCE engine
    limited = tester.run("query", {"sql": sql, "max_rows": 3})
    assert limited["rows"] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert limited["truncated"] is True
    exact = tester.run("query", {"sql": "SELECT seq AS n FROM seq_1_to_3", "max_rows": 3})
    assert (exact["row_count"], exact["truncated"]) == (3, False)


def test_injection_attempts_stay_values(
    tester: ConnectorTester, mariadb_server: DatabaseServer, users: str
) -> None:
    attack = f"x' OR '1'='1'; DROP TABLE {users}; -- \\'"
    found = tester.run("query", {"sql": f"SELECT * FROM {users} WHERE name = %s", "params": [attack]})
    assert found["rows"] == []
    changed = tester.run("execute", {"sql": f"UPDATE {users} SET name = %s WHERE id = 2", "params": [attack]})
    assert changed["affected_rows"] == 1
    with pytest.raises(InvalidInputError, match="doesn't exist"):
        tester.run("insert_rows", {"table": f"{users}`; DROP TABLE {users}; --", "rows": [{"email": "e"}]})
    assert _count(mariadb_server, users) == 2
    stored = tester.run("query", {"sql": f"SELECT name FROM {users} WHERE id = 2"})
    assert stored["rows"] == [{"name": attack}]


def test_identifiers_are_backtick_quoted() -> None:
    assert quote_identifier("plain") == "`plain`"
    assert quote_identifier("a`b") == "`a``b`"


def test_query_runs_read_only(tester: ConnectorTester, mariadb_server: DatabaseServer, users: str) -> None:
    with pytest.raises(InvalidInputError, match=r"1792.*READ ONLY"):
        tester.run("query", {"sql": f"DELETE FROM {users}"})
    assert _count(mariadb_server, users) == 2


def test_execute_commits_and_returns_affected_rows_and_ids(tester: ConnectorTester, users: str) -> None:
    out = tester.run(
        "execute", {"sql": f"UPDATE {users} SET plan = %s WHERE credit >= %s", "params": ["pro", 10]}
    )
    assert out["affected_rows"] == 1
    assert [
        r["plan"] for r in tester.run("query", {"sql": f"SELECT plan FROM {users} ORDER BY id"})["rows"]
    ] == [
        "pro",
        "free",
    ]
    added = tester.run(
        "execute",
        {"sql": f"INSERT INTO {users} (email, tags) VALUES (%s, %s)", "params": ["cy@example.com", {"a": 1}]},
    )
    assert (added["affected_rows"], added["last_insert_id"]) == (1, 3)
    returning = tester.run(
        "execute", {"sql": f"DELETE FROM {users} WHERE plan = %s RETURNING email", "params": ["free"]}
    )
    assert returning["rows"] == [{"email": "bob@example.com"}, {"email": "cy@example.com"}]


def test_insert_rows_uses_defaults_and_skips_duplicates(tester: ConnectorTester, users: str) -> None:
    out = tester.run(
        "insert_rows",
        {
            "table": users,
            "database": "app",
            "rows": [
                {"email": "cy@example.com", "tags": {"source": "form"}},
                {"email": "di@example.com", "plan": "team"},
            ],
        },
    )
    assert out == {"inserted": 2, "first_id": 3}
    rows = tester.run("query", {"sql": f"SELECT email, plan, tags FROM {users} WHERE id >= 3 ORDER BY id"})[
        "rows"
    ]
    assert rows == [
        {"email": "cy@example.com", "plan": "free", "tags": '{"source": "form"}'},
        {"email": "di@example.com", "plan": "team", "tags": None},
    ]
    skipped = tester.run(
        "insert_rows",
        {
            "table": users,
            "rows": [{"email": "cy@example.com"}, {"email": "ed@example.com"}],
            "on_duplicate": "skip",
        },
    )
    assert skipped["inserted"] == 1


def test_insert_rows_is_all_or_nothing_and_a_duplicate_is_a_conflict(
    tester: ConnectorTester, mariadb_server: DatabaseServer, users: str
) -> None:
    with pytest.raises(ConflictError, match=r"1062.*Duplicate entry"):
        tester.run(
            "insert_rows",
            {"table": users, "rows": [{"email": "new@example.com"}, {"email": "ada@example.com"}]},
        )
    assert _count(mariadb_server, users) == 2


def test_bad_sql_and_bad_params_are_invalid_input_with_the_server_message(
    tester: ConnectorTester, users: str
) -> None:
    with pytest.raises(InvalidInputError, match=r"1064.*SQL syntax"):
        tester.run("query", {"sql": f"SELECT * FORM {users}"})
    with pytest.raises(InvalidInputError, match=r"1146.*doesn't exist"):
        tester.run("execute", {"sql": "DELETE FROM no_such_table"})
    with pytest.raises(InvalidInputError, match=r"1364|1048"):
        tester.run("execute", {"sql": f"INSERT INTO {users} (name) VALUES (%s)", "params": ["x"]})
    with pytest.raises(InvalidInputError, match=r"not enough arguments|do not match the placeholders"):
        tester.run("query", {"sql": "SELECT %s, %s", "params": [1]})
    with pytest.raises(InvalidInputError, match=r"not enough arguments|do not match the placeholders"):
        tester.run("query", {"sql": "SELECT %(a)s", "params": {"b": 1}})


def test_a_statement_over_its_timeout_is_a_retryable_timeout(tester: ConnectorTester) -> None:
    with pytest.raises(ConnectorTimeoutError, match="1969") as caught:
        tester.run("query", {"sql": "SELECT SLEEP(5) AS slept", "timeout_seconds": 1})
    assert caught.value.code in RETRYABLE_ERRORS


def test_wrong_password_is_auth_error_and_no_password_is_logged(
    mariadb_server: DatabaseServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-Pa55word-for-my"
    tester = ConnectorTester(connector, credential=mariadb_server.credential(password=wrong))
    with pytest.raises(AuthError, match=r"1045.*Access denied") as caught:
        tester.run("query", {"sql": "SELECT 1"})
    logged = logged_text(caplog)
    assert "action failed" in logged
    for text in (str(caught.value), logged):
        assert wrong not in text
        assert mariadb_server.password not in text


def test_url_credential_works_and_its_password_is_redacted(
    mariadb_server: DatabaseServer, caplog: pytest.LogCaptureFixture
) -> None:
    s = mariadb_server
    good = ConnectorTester(
        connector, credential={"url": f"mysql://{s.user}:{s.password}@{s.host}:{s.port}/{s.database}"}
    )
    assert good.run("query", {"sql": "SELECT DATABASE() AS db"})["rows"] == [{"db": s.database}]
    with pytest.raises(InvalidInputError) as caught:
        good.run("query", {"sql": "SELECT %s FROM no_table_named_like_that", "params": [s.password]})
    assert s.password not in str(caught.value)
    assert s.password not in logged_text(caplog)


def test_a_database_outside_the_users_grants_is_auth_error(mariadb_server: DatabaseServer) -> None:
    # The server does not tell a user without global privileges whether the database exists.
    tester = ConnectorTester(connector, credential=mariadb_server.credential(database="nope"))
    with pytest.raises(AuthError, match=r"1044.*nope"):
        tester.run("query", {"sql": "SELECT 1"})


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (pymysql.err.OperationalError(1049, "Unknown database 'nope'"), NotFoundError),
        (pymysql.err.OperationalError(1205, "Lock wait timeout exceeded"), RetryableError),
        (pymysql.err.OperationalError(1213, "Deadlock found"), RetryableError),
        (
            pymysql.err.OperationalError(2013, "Lost connection to server during query (timed out)"),
            ConnectorTimeoutError,
        ),
        (
            pymysql.err.OperationalError(2013, "Lost connection to server during query"),
            UpstreamUnavailableError,
        ),
        (pymysql.err.OperationalError(1040, "Too many connections"), UpstreamUnavailableError),
        (pymysql.err.InternalError(1105, "Unknown error"), ConnectorError),
    ],
)
def test_error_numbers_the_local_server_cannot_easily_produce(error: Exception, expected: type) -> None:
    assert type(map_mysql_error(error)) is expected


def test_a_closed_port_is_upstream_unavailable_and_retryable(mariadb_server: DatabaseServer) -> None:
    tester = ConnectorTester(connector, credential=mariadb_server.credential(port=free_port()))
    with pytest.raises(UpstreamUnavailableError, match="2003") as caught:
        tester.run("query", {"sql": "SELECT 1"})
    assert caught.value.code in RETRYABLE_ERRORS
    assert mariadb_server.password not in str(caught.value)


def _tls_version(tester: ConnectorTester) -> str:
    out = tester.run("query", {"sql": "SHOW SESSION STATUS LIKE 'Ssl_version'"})
    return str(out["rows"][0]["Value"])


def test_tls_modes(mariadb_server: DatabaseServer) -> None:
    def tester(**tls: Any) -> ConnectorTester:
        return ConnectorTester(connector, credential=mariadb_server.credential(**tls))

    assert _tls_version(tester(ssl_mode="verify_identity", ssl_ca=mariadb_server.ca_pem)).startswith("TLS")
    assert _tls_version(tester(ssl_mode="required")).startswith("TLS")
    assert _tls_version(tester()).startswith("TLS")  # preferred, and the server offers it
    assert _tls_version(tester(ssl_mode="disabled")) == ""


def test_a_certificate_from_another_ca_is_a_permanent_tls_error(mariadb_server: DatabaseServer) -> None:
    credential = mariadb_server.credential(ssl_mode="verify_ca", ssl_ca=mariadb_server.other_ca_pem)
    with pytest.raises(ConnectorError, match="TLS failed") as caught:
        ConnectorTester(connector, credential=credential).run("query", {"sql": "SELECT 1"})
    assert caught.value.code == "ConnectorError"


def test_tls_required_by_a_server_without_tls_is_a_permanent_error() -> None:
    error = map_mysql_error(
        pymysql.err.OperationalError(2026, "SSL is required but the server doesn't support it")
    )
    assert error.code == "ConnectorError"


@pytest.mark.parametrize(
    ("credential", "problem"),
    [
        ({"username": "u", "password": "p"}, "either url or host"),
        ({"url": "postgresql://u:p@h/db"}, "mysql://"),
        ({"url": "mysql://u:p@h/db", "database": "x"}, "not both"),
    ],
)
def test_a_malformed_credential_is_auth_error(credential: dict[str, Any], problem: str) -> None:
    with pytest.raises(AuthError, match=problem):
        ConnectorTester(connector, credential=credential).run("query", {"sql": "SELECT 1"})
