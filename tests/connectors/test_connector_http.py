"""HTTP connector against a generic fake API (real HTTP on loopback)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fakes.echo import ITEMS, FakeHttpApi

from connectors.http import connector
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def api() -> Iterator[FakeHttpApi]:
    with FakeHttpApi() as server:
        yield server


@pytest.fixture
def tester() -> ConnectorTester:
    return ConnectorTester(connector)


def test_json_body_query_headers_and_idempotency_header(api: FakeHttpApi, tester: ConnectorTester) -> None:
    out = tester.run(
        "request",
        {
            "method": "PUT",
            "url": f"{api.url}/echo",
            "query": {"tag": ["a", "b"], "n": 1},
            "headers": {"X-Trace": "t1"},
            "body": {"hello": "world"},
            "idempotency_header": "Idempotency-Key",
        },
    )
    assert out["status"] == 200
    echoed = out["body"]
    assert echoed["method"] == "PUT"
    assert echoed["query"] == {"tag": ["a", "b"], "n": ["1"]}
    assert echoed["json"] == {"hello": "world"}
    assert echoed["headers"]["x-trace"] == "t1"
    assert echoed["headers"]["idempotency-key"] == "exec-test/node-test"


def test_form_multipart_and_text_bodies(api: FakeHttpApi, tester: ConnectorTester) -> None:
    form = tester.run(
        "request", {"method": "POST", "url": f"{api.url}/echo", "body_type": "form", "body": {"a": 1}}
    )
    assert form["body"]["form"] == {"a": "1"}
    multipart = tester.run(
        "request",
        {
            "method": "POST",
            "url": f"{api.url}/echo",
            "body_type": "multipart",
            "body": {"note": "hi"},
            "files": [
                {"field": "doc", "filename": "a.txt", "content": "plain", "content_type": "text/plain"},
                {
                    "field": "bin",
                    "filename": "b.bin",
                    "content": base64.b64encode(b"xyz").decode(),
                    "content_base64": True,
                },
            ],
        },
    )
    assert multipart["body"]["form"] == {"note": "hi"}
    assert multipart["body"]["files"] == {
        "doc": ["a.txt", "plain", "text/plain"],
        "bin": ["b.bin", "xyz", "application/octet-stream"],
    }
    text = tester.run(
        "request",
        {
            "method": "POST",
            "url": f"{api.url}/echo",
            "body_type": "text",
            "body": "raw",
            "headers": {"Content-Type": "text/plain"},
        },
    )
    assert text["body"]["text"] == "raw"
    assert tester.run("request", {"url": f"{api.url}/text"})["body"] == "plain words"


@pytest.mark.parametrize(
    ("path", "pagination"),
    [
        ("/pages", {"style": "page", "items_path": "results", "cursor_param": "page", "max_pages": 10}),
        (
            "/cursor",
            {"style": "cursor", "items_path": "data", "cursor_path": "meta.next", "cursor_param": "after"},
        ),
        ("/linked", {"style": "link_header"}),
    ],
)
def test_pagination_styles_collect_every_item(
    api: FakeHttpApi, tester: ConnectorTester, path: str, pagination: dict[str, object]
) -> None:
    out = tester.run("request", {"url": f"{api.url}{path}", "pagination": pagination})
    assert out["body"] == ITEMS
    assert out["pages"] == 3


def test_max_pages_caps_pagination(api: FakeHttpApi, tester: ConnectorTester) -> None:
    out = tester.run(
        "request", {"url": f"{api.url}/linked", "pagination": {"style": "link_header", "max_pages": 2}}
    )
    assert out["body"] == ITEMS[:6]


def test_basic_and_bearer_auth_come_from_the_node_credential(api: FakeHttpApi) -> None:
    tester = ConnectorTester(
        connector, credential={"username": "ada", "password": "lovelace-pw", "token": "tk-123456"}
    )
    assert tester.run("get_json", {"url": f"{api.url}/basic", "auth": "basic"})["body"] == {"user": "ada"}
    # The echo service returns what it was sent; the output shows where the secret went, not the secret
    # (only a registered credential value becomes ``***``, so this is the token itself being sent).
    echoed = tester.run("get_json", {"url": f"{api.url}/echo", "auth": "bearer"})["body"]
    assert echoed["headers"]["authorization"] == "Bearer ***"
    keyed = ConnectorTester(connector, credential={"api_key": "k-abcdef", "api_key_name": "key"})
    assert keyed.run("get_json", {"url": f"{api.url}/echo", "auth": "api_key_query"})["body"]["query"] == {
        "key": ["***"]
    }


def test_auth_failure_and_missing_credential(api: FakeHttpApi) -> None:
    wrong = ConnectorTester(connector, credential={"username": "ada", "password": "not-the-password"})
    with pytest.raises(AuthError, match="HTTP 401") as caught:
        wrong.run("get_json", {"url": f"{api.url}/basic", "auth": "basic"})
    assert "not-the-password" not in str(caught.value)
    with pytest.raises(InvalidInputError, match="needs a credential"):
        ConnectorTester(connector).run("get_json", {"url": f"{api.url}/basic", "auth": "basic"})


def test_status_errors_or_returned_statuses(api: FakeHttpApi, tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError):
        tester.run("request", {"url": f"{api.url}/missing"})
    out = tester.run("request", {"url": f"{api.url}/missing", "fail_on_status": False})
    assert out["status"] == 404


def test_rate_limit_and_server_error(api: FakeHttpApi, tester: ConnectorTester) -> None:
    api.fail_next(429, {"error": "slow"}, headers={"Retry-After": "2"})
    assert tester.run("get_json", {"url": f"{api.url}/pages"})["status"] == 200
    assert tester.sleeps == [2.0]
    api.fail_next(429, {"error": "slow"}, headers={"Retry-After": "600"})
    with pytest.raises(RateLimitedError) as caught:
        tester.run("get_json", {"url": f"{api.url}/pages"})
    assert caught.value.retry_after == 600.0
    api.fail_next(503, "down", times=3)
    with pytest.raises(UpstreamUnavailableError):
        tester.run("get_json", {"url": f"{api.url}/pages"})


def test_unreachable_host_is_upstream_unavailable(tester: ConnectorTester) -> None:
    with pytest.raises(UpstreamUnavailableError, match="could not reach"):
        tester.run("get_json", {"url": "http://127.0.0.1:9/nothing"})


def test_invalid_input_and_blocked_urls(tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.method"):
        tester.run("request", {"url": "http://example.test/", "method": "FETCH"})
    with pytest.raises(InvalidInputError, match="http"):
        tester.run("request", {"url": "file:///etc/passwd"})
    with pytest.raises(InvalidInputError, match="must be an object of fields"):
        tester.run(
            "request", {"url": "http://example.test/", "method": "POST", "body_type": "form", "body": [1]}
        )
    with pytest.raises(InvalidInputError, match="link-local"):
        tester.run("request", {"url": "http://169.254.169.254/latest/meta-data/"})


def test_graphql_data_and_errors(api: FakeHttpApi, tester: ConnectorTester) -> None:
    out = tester.run(
        "graphql", {"url": f"{api.url}/graphql", "query": "{ viewer { login } }", "variables": {"a": 1}}
    )
    assert out == {"data": {"viewer": {"login": "ada", "vars": {"a": 1}}}, "errors": []}
    with pytest.raises(InvalidInputError, match="Cannot query field"):
        tester.run("graphql", {"url": f"{api.url}/graphql", "query": "{ nope }"})


def test_post_json(api: FakeHttpApi, tester: ConnectorTester) -> None:
    out = tester.run("post_json", {"url": f"{api.url}/echo", "body": [1, 2], "idempotency_header": "X-Idem"})
    assert out["body"]["json"] == [1, 2]
    assert out["body"]["headers"]["x-idem"] == "exec-test/node-test"


def test_concurrent_invocations_share_nothing_per_call(api: FakeHttpApi) -> None:
    from concurrent.futures import ThreadPoolExecutor

    tester = ConnectorTester(connector, credential={"token": "tk-concurrent"})

    def call(n: int) -> dict[str, object]:
        return tester.run(
            "post_json",
            {
                "url": f"{api.url}/echo",
                "body": {"n": n},
                "auth": "bearer",
                "idempotency_header": "Idempotency-Key",
            },
            node_id="map",
            execution_id=f"exec-{n}",
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(16)))
    assert [r["body"]["json"] for r in results] == [{"n": n} for n in range(16)]  # type: ignore[index]
    assert [r["body"]["headers"]["idempotency-key"] for r in results] == [f"exec-{n}/map" for n in range(16)]  # type: ignore[index]
