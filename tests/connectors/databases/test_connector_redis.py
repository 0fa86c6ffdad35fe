"""Redis connector against a real local Redis server (see conftest.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis
from db_servers import DatabaseServer, free_port, logged_text

from connectors.redis import connector
from connectors.sdk import (
    RETRYABLE_ERRORS,
    AuthError,
    ConnectorError,
    InvalidInputError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def tester(redis_server: DatabaseServer) -> ConnectorTester:
    return ConnectorTester(
        connector,
        credential={"host": redis_server.host, "port": redis_server.port, "password": redis_server.password},
    )


@pytest.fixture
def direct(redis_server: DatabaseServer) -> redis.Redis:
    return redis.Redis(port=redis_server.port, password=redis_server.password, decode_responses=True)


@pytest.fixture
def key() -> str:
    return f"test:{uuid.uuid4().hex}"


def test_set_then_get_and_a_missing_key(tester: ConnectorTester, key: str) -> None:
    assert tester.run("set", {"key": key, "value": "hello"}) == {"key": key, "written": True}
    assert tester.run("get", {"key": key}) == {"key": key, "found": True, "value": "hello"}
    assert tester.run("get", {"key": f"{key}:missing"}) == {
        "key": f"{key}:missing",
        "found": False,
        "value": None,
    }
    tester.run("set", {"key": key, "value": 42})
    assert tester.run("get", {"key": key})["value"] == "42"


def test_set_with_ttl_and_conditions(tester: ConnectorTester, direct: redis.Redis, key: str) -> None:
    assert tester.run("set", {"key": key, "value": "first", "condition": "if_not_exists", "ttl_seconds": 60})[
        "written"
    ]
    assert 0 < int(direct.ttl(key)) <= 60
    assert (
        tester.run("set", {"key": key, "value": "second", "condition": "if_not_exists"})["written"] is False
    )
    assert direct.get(key) == "first"
    assert tester.run("set", {"key": key, "value": "third", "condition": "if_exists", "keep_ttl": True})[
        "written"
    ]
    assert direct.get(key) == "third"
    assert 0 < int(direct.ttl(key)) <= 60
    assert (
        tester.run("set", {"key": f"{key}:none", "value": "x", "condition": "if_exists"})["written"] is False
    )
    assert direct.exists(f"{key}:none") == 0
    with pytest.raises(InvalidInputError, match="not both"):
        tester.run("set", {"key": key, "value": "x", "ttl_seconds": 5, "keep_ttl": True})


def test_delete_counts_the_keys_that_existed(tester: ConnectorTester, direct: redis.Redis, key: str) -> None:
    direct.set(f"{key}:a", "1")
    direct.set(f"{key}:b", "2")
    assert tester.run("delete", {"keys": [f"{key}:a", f"{key}:b", f"{key}:c"]}) == {"deleted": 2}
    assert direct.exists(f"{key}:a", f"{key}:b") == 0


def test_incr_counts_and_can_expire(tester: ConnectorTester, direct: redis.Redis, key: str) -> None:
    assert tester.run("incr", {"key": key, "by": 5}) == {"key": key, "value": 5}
    assert tester.run("incr", {"key": key, "by": -2})["value"] == 3
    assert int(direct.ttl(key)) == -1
    assert tester.run("incr", {"key": key, "ttl_seconds": 30})["value"] == 4
    assert 0 < int(direct.ttl(key)) <= 30


def test_commands_on_the_wrong_kind_of_value_are_invalid_input(
    tester: ConnectorTester, direct: redis.Redis, key: str
) -> None:
    direct.set(key, "not a number")
    with pytest.raises(InvalidInputError, match="not an integer"):
        tester.run("incr", {"key": key})
    direct.hset(f"{key}:h", "f", "v")
    with pytest.raises(InvalidInputError, match="WRONGTYPE"):
        tester.run("get", {"key": f"{key}:h"})


def test_a_key_with_protocol_characters_is_one_key(
    tester: ConnectorTester, direct: redis.Redis, key: str
) -> None:
    direct.set(f"{key}:keep", "safe")
    evil = f"{key}\r\nFLUSHALL\r\n"
    tester.run("set", {"key": evil, "value": "v"})
    assert direct.get(evil) == "v"
    assert direct.get(f"{key}:keep") == "safe"


def test_publish_reaches_a_subscriber(tester: ConnectorTester, direct: redis.Redis, key: str) -> None:
    pubsub = direct.pubsub()
    pubsub.subscribe(key)
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    assert tester.run("publish", {"channel": key, "message": '{"order": 7}'}) == {"receivers": 1}
    message = pubsub.get_message(timeout=5)
    pubsub.close()
    assert message is not None
    assert (message["channel"], message["data"]) == (key, '{"order": 7}')
    assert tester.run("publish", {"channel": f"{key}:nobody", "message": "x"}) == {"receivers": 0}


def test_hash_set_and_get(tester: ConnectorTester, direct: redis.Redis, key: str) -> None:
    out = tester.run("hash_set", {"key": key, "values": {"name": "Ada", "visits": 3}, "ttl_seconds": 120})
    assert out == {"key": key, "added": 2}
    assert 0 < int(direct.ttl(key)) <= 120
    assert tester.run("hash_set", {"key": key, "values": {"visits": 4, "plan": "pro"}})["added"] == 1
    assert tester.run("hash_get", {"key": key}) == {
        "key": key,
        "found": True,
        "values": {"name": "Ada", "visits": "4", "plan": "pro"},
    }
    assert tester.run("hash_get", {"key": key, "fields": ["plan", "missing"]})["values"] == {
        "plan": "pro",
        "missing": None,
    }
    assert tester.run("hash_get", {"key": f"{key}:none", "fields": ["a"]}) == {
        "key": f"{key}:none",
        "found": False,
        "values": {"a": None},
    }
    assert tester.run("hash_get", {"key": f"{key}:none"})["found"] is False


def test_wrong_password_is_auth_error_and_no_password_is_logged(
    redis_server: DatabaseServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-Pa55word-for-redis"
    tester = ConnectorTester(
        connector, credential={"host": redis_server.host, "port": redis_server.port, "password": wrong}
    )
    with pytest.raises(AuthError, match=r"invalid username-password") as caught:
        tester.run("get", {"key": "k"})
    logged = logged_text(caplog)
    assert "action failed" in logged
    for text in (str(caught.value), logged):
        assert wrong not in text
        assert redis_server.password not in text
    no_password = ConnectorTester(
        connector, credential={"host": redis_server.host, "port": redis_server.port}
    )
    with pytest.raises(AuthError, match=r"(?i)authenticated"):
        no_password.run("get", {"key": "k"})


def test_url_credential_selects_the_database_and_its_password_is_redacted(
    redis_server: DatabaseServer, direct: redis.Redis, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    s = redis_server
    tester = ConnectorTester(connector, credential={"url": f"redis://:{s.password}@{s.host}:{s.port}/3"})
    tester.run("set", {"key": key, "value": "in db 3"})
    assert direct.get(key) is None
    db3 = redis.Redis(port=s.port, password=s.password, db=3, decode_responses=True)
    assert db3.get(key) == "in db 3"
    bad = ConnectorTester(connector, credential={"url": f"redis://:{s.password}x@{s.host}:{s.port}/0"})
    with pytest.raises(AuthError) as caught:
        bad.run("get", {"key": key})
    assert s.password not in str(caught.value)
    assert s.password not in logged_text(caplog)


def test_tls_with_the_servers_ca(redis_server: DatabaseServer, key: str) -> None:
    s = redis_server
    tls = {"host": s.host, "port": s.tls_port, "password": s.password, "tls": True, "tls_ca": s.ca_pem}
    tester = ConnectorTester(connector, credential=tls)
    tester.run("set", {"key": key, "value": "over tls"})
    assert tester.run("get", {"key": key})["value"] == "over tls"
    wrong_ca = ConnectorTester(connector, credential={**tls, "tls_ca": s.other_ca_pem})
    with pytest.raises(ConnectorError, match="TLS failed") as caught:
        wrong_ca.run("get", {"key": key})
    assert caught.value.code == "ConnectorError"


def test_a_closed_port_is_upstream_unavailable_and_retryable(redis_server: DatabaseServer) -> None:
    tester = ConnectorTester(
        connector, credential={"host": "127.0.0.1", "port": free_port(), "password": redis_server.password}
    )
    with pytest.raises(UpstreamUnavailableError, match="onnect") as caught:
        tester.run("get", {"key": "k"})
    assert caught.value.code in RETRYABLE_ERRORS
    assert redis_server.password not in str(caught.value)


@pytest.mark.parametrize(
    ("credential", "problem"),
    [
        ({"password": "p"}, "either url or host"),
        ({"url": "http://h:6379"}, "redis://"),
        ({"url": "redis://h:6379", "host": "h"}, "not both"),
    ],
)
def test_a_malformed_credential_is_auth_error(credential: dict[str, Any], problem: str) -> None:
    with pytest.raises(AuthError, match=problem):
        ConnectorTester(connector, credential=credential).run("get", {"key": "k"})
