"""Notion connector against a fake Notion API (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.notion import DATABASE_ID, VALID_TOKEN, FakeNotion

from connectors.notion import connector
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def notion() -> Iterator[FakeNotion]:
    with FakeNotion() as server:
        yield server


@pytest.fixture
def tester(notion: FakeNotion) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=notion.url)


def test_create_page_with_title_and_content(notion: FakeNotion, tester: ConnectorTester) -> None:
    page = tester.run("create_page", {"database_id": DATABASE_ID, "title": "Launch", "content": "Notes"})
    assert page["properties"]["Name"]["title"][0]["plain_text"] == "Launch"
    sent = notion.requests[-1]
    assert sent.headers["notion-version"] == "2022-06-28"
    assert sent.json()["children"][0]["paragraph"]["rich_text"][0]["text"]["content"] == "Notes"
    assert tester.run("get_page", {"page_id": page["id"]})["id"] == page["id"]


def test_append_paragraph(notion: FakeNotion, tester: ConnectorTester) -> None:
    page = notion.add_page("Doc")
    out = tester.run("append_paragraph", {"block_id": page["id"], "text": "more"})
    assert len(out["block_ids"]) == 1
    assert notion.requests[-1].method == "PATCH"


def test_query_database_follows_cursor_in_the_body(notion: FakeNotion, tester: ConnectorTester) -> None:
    titles = [f"row {n}" for n in range(5)]
    for title in titles:
        notion.add_page(title)
    out = tester.run("query_database", {"database_id": DATABASE_ID, "page_size": 2, "max_pages": 5})
    assert [p["properties"]["Name"]["title"][0]["plain_text"] for p in out["pages"]] == titles
    assert out["has_more"] is False
    assert [r.json().get("start_cursor") for r in notion.requests] == [None, "2", "4"]


def test_invalid_token_is_auth_error(notion: FakeNotion) -> None:
    tester = ConnectorTester(connector, credential={"token": "secret_wrongwrongwrong"}, base_url=notion.url)
    with pytest.raises(AuthError, match="API token is invalid") as caught:
        tester.run("get_page", {"page_id": DATABASE_ID})
    assert "secret_wrongwrongwrong" not in str(caught.value)


def test_missing_objects_and_validation_errors(tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="Could not find page"):
        tester.run("get_page", {"page_id": "0" * 32})
    with pytest.raises(InvalidInputError, match="Name is expected to be title"):
        tester.run("create_page", {"database_id": DATABASE_ID, "title": "x", "title_property": "Title"})
    with pytest.raises(InvalidInputError, match=r"params\.database_id"):
        tester.run("create_page", {"database_id": "not-an-id", "title": "x"})


def test_rate_limited_then_retried(notion: FakeNotion, tester: ConnectorTester) -> None:
    notion.fail_next(
        429,
        {"object": "error", "status": 429, "code": "rate_limited", "message": "Rate limited"},
        headers={"Retry-After": "1"},
    )
    page = notion.add_page("x")
    assert tester.run("get_page", {"page_id": page["id"]})["id"] == page["id"]
    assert tester.sleeps == [1.0]
    notion.fail_next(
        429, {"object": "error", "status": 429, "code": "rate_limited", "message": "Rate limited"}, times=3
    )
    with pytest.raises(RateLimitedError, match="Rate limited"):
        tester.run("get_page", {"page_id": page["id"]})


def test_service_unavailable(notion: FakeNotion, tester: ConnectorTester) -> None:
    notion.fail_next(
        503, {"object": "error", "status": 503, "code": "service_unavailable", "message": "Down"}, times=3
    )
    with pytest.raises(UpstreamUnavailableError, match="Down"):
        tester.run("query_database", {"database_id": DATABASE_ID})
