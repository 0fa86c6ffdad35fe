"""Garbage in never gets a 5xx or a traceback out: always a 4xx in the error envelope."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from integration.helpers import Api, assert_envelope, example, unique

GARBAGE: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/workflows", {"content": b"{not json"}),
    ("POST", "/workflows", {"content": b"\xff\xfe\x00binary"}),
    ("POST", "/workflows", {"content": b"[" * 100_000}),
    ("PUT", "/workflows/hello", {"content": b'{"a":' * 50_000}),
    ("POST", "/workflows", {"json": [1, 2, 3]}),
    ("POST", "/workflows", {"json": "a string"}),
    ("POST", "/workflows", {"json": None}),
    ("POST", "/workflows", {"json": {"id": "../../etc/passwd", "name": "x", "trigger": {"type": "manual"}}}),
    ("POST", "/workflows", {"json": {"id": "x" * 500, "name": "x"}}),
    (
        "POST",
        "/workflows",
        {
            "json": {
                "id": "deep",
                "name": "x",
                "nodes": [{"id": "a", "type": "data.set", "params": {"p": [[[[[[[[[[1]]]]]]]]]]}}],
            }
        },
    ),
    ("POST", "/workflows", {"json": {"id": "n", "name": "x", "nodes": "not a list", "trigger": 7}}),
    ("GET", "/workflows", {"params": {"limit": "-1"}}),
    ("GET", "/workflows", {"params": {"limit": "lots"}}),
    ("GET", "/workflows", {"params": {"cursor": "%%%not-base64%%%"}}),
    ("GET", "/workflows", {"params": {"cursor": "eyJwayI6IDF9"}}),
    ("GET", "/runs", {"params": {"status": "EXPLODED"}}),
    ("GET", "/runs", {"params": {"cursor": "bm9wZQ=="}}),
    ("GET", "/runs/not-a-run-id", {}),
    ("GET", "/runs/" + "Z" * 26, {}),
    ("GET", "/workflows/%2e%2e%2fsecrets", {}),
    ("GET", "/workflows/a%00b", {}),
    ("GET", "/workflows/hello/versions/zero", {}),
    ("GET", "/workflows/hello/versions/-4", {}),
    ("PUT", "/workflows/hello", {"content": b"]"}),
    ("PUT", "/workflows/hello", {"json": {"id": "hello"}, "headers": {"If-Match": "not-an-etag"}}),
    ("POST", "/workflows/hello/publish", {"json": {"environment": "moon"}}),
    ("POST", "/workflows/hello/publish", {"json": {"version": 0}}),
    ("POST", "/workflows/hello/publish", {"json": {"unexpected": True}}),
    ("POST", "/workflows/hello/runs", {"json": {"input": {}, "environment": "nowhere"}}),
    ("POST", "/workflows/hello/runs", {"content": b"{"}),
    ("POST", "/workflows/hello/validate", {"params": {"version": "x"}}),
    ("POST", "/runs/" + "0" * 26 + "/cancel", {}),
    ("POST", "/api-keys", {"json": {"name": "", "role": "emperor"}}),
    ("DELETE", "/api-keys/..%2F..%2Fx", {}),
    ("PATCH", "/workflows/hello", {"json": {}}),
    ("GET", "/no/such/route", {}),
    ("TRACE", "/workflows", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), GARBAGE, ids=[f"{m} {p[:40]}" for m, p, _ in GARBAGE])
def test_garbage_gets_a_4xx_envelope(acme: Api, method: str, path: str, kwargs: dict[str, Any]) -> None:
    response = acme.request(method, path, **kwargs)

    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert_envelope(response, response.status_code)


def test_garbage_headers_do_not_break_authentication(acme: Api) -> None:
    base_url = str(acme.http.base_url)
    for headers in (
        {"Authorization": "Bearer"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "Bearer " + "A" * 5000},
        {"X-Api-Key": "wfk_"},
        {"X-Api-Key": "wfk_UPPER_abc_def"},
        {"X-Api-Key": "wfk_acme_000000000000_secret"},
    ):
        response = httpx.get(f"{base_url}/workflows", headers=headers)
        assert_envelope(response, 401)


def test_a_stored_workflow_with_odd_but_valid_content_round_trips(acme: Api) -> None:
    workflow_id = unique("unicode")
    document = example("hello-world", workflow_id)
    document["name"] = 'Grüße 👋 — "quoted" <b>html</b>'
    acme.create(document)
    assert acme.get(f"/workflows/{workflow_id}").json()["name"] == document["name"]
