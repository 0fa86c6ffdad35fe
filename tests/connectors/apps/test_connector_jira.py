"""Jira Cloud connector against a fake Jira REST API v3 (real HTTP on loopback)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from fakes.jira import API_TOKEN, EMAIL, FakeJira

from connectors.jira import connector
from connectors.jira.adf import adf_to_text, text_to_adf
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    with FakeJira() as server:
        yield server


@pytest.fixture
def tester(jira: FakeJira) -> ConnectorTester:
    credential = {"username": EMAIL, "password": API_TOKEN, "base_url": "https://acme.atlassian.net"}
    return ConnectorTester(connector, credential=credential, base_url=jira.url)


def test_create_issue_sends_basic_auth_and_an_adf_description(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    out = tester.run(
        "create_issue",
        {
            "project_key": "OPS",
            "issue_type": "Bug",
            "summary": "Printer on fire",
            "description": "It started at 9.\nNobody noticed.\n\nPlease send help.",
            "labels": ["urgent"],
            "priority": "High",
            "fields": {"customfield_10010": "team-a"},
        },
    )
    assert out["key"] == "OPS-1"
    assert out["url"].endswith(f"/rest/api/3/issue/{out['id']}")
    sent = jira.requests[-1]
    assert sent.path == "/rest/api/3/issue"
    assert (
        sent.headers["authorization"] == "Basic " + base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
    )
    fields = sent.json()["fields"]
    assert fields["project"] == {"key": "OPS"} and fields["issuetype"] == {"name": "Bug"}
    assert fields["priority"] == {"name": "High"} and fields["customfield_10010"] == "team-a"
    assert fields["description"]["type"] == "doc" and fields["description"]["version"] == 1
    assert [p["type"] for p in fields["description"]["content"]] == ["paragraph", "paragraph"]
    assert adf_to_text(fields["description"]) == "It started at 9.\nNobody noticed.\nPlease send help."


def test_get_issue_flattens_fields_and_reads_the_description_as_text(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    created = tester.run(
        "create_issue", {"project_key": "WEB", "summary": "Logo", "description": "Make it bigger"}
    )
    out = tester.run("get_issue", {"issue_key": created["key"], "fields": ["customfield_10010"]})
    assert out["key"] == "WEB-1" and out["summary"] == "Logo"
    assert out["status"] == "To Do" and out["status_category"] == "new"
    assert out["issue_type"] == "Task" and out["project_key"] == "WEB"
    assert out["description_text"] == "Make it bigger"
    assert out["extra_fields"] == {"customfield_10010": None}
    asked = jira.requests[-1].query["fields"][0].split(",")
    assert "summary" in asked and asked[-1] == "customfield_10010"
    assert tester.run("get_issue", {"issue_key": created["id"]})["key"] == "WEB-1"  # by id too


def test_search_follows_next_page_token(jira: FakeJira, tester: ConnectorTester) -> None:
    for n in range(5):
        jira.add_issue("OPS", f"ops {n}")
    jira.add_issue("OPS", "finished", status="Done")
    jira.add_issue("WEB", "web 0")
    out = tester.run(
        "search_issues", {"jql": "project = OPS AND status = 'To Do' ORDER BY created", "max_results": 2}
    )
    assert [i["summary"] for i in out["issues"]] == [f"ops {n}" for n in range(5)]
    assert out["next_page_token"] is None
    pages = [r.json() for r in jira.requests]
    assert [p.get("nextPageToken") for p in pages] == [None, "2", "4"]
    assert all("summary" in p["fields"] and p["maxResults"] == 2 for p in pages)


def test_search_stops_at_max_pages_and_resumes_from_the_token(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    for n in range(5):
        jira.add_issue("OPS", f"ops {n}")
    first = tester.run("search_issues", {"jql": "project = OPS", "max_results": 2, "max_pages": 1})
    assert len(first["issues"]) == 2 and first["next_page_token"]
    rest = tester.run(
        "search_issues",
        {"jql": "project = OPS", "max_results": 2, "next_page_token": first["next_page_token"]},
    )
    assert [i["summary"] for i in rest["issues"]] == ["ops 2", "ops 3", "ops 4"]


def test_search_without_is_last_follows_the_token_until_it_is_gone(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    jira.send_is_last = False
    for n in range(3):
        jira.add_issue("OPS", f"ops {n}")
    out = tester.run("search_issues", {"jql": "project = OPS", "max_results": 2})
    assert [i["summary"] for i in out["issues"]] == ["ops 0", "ops 1", "ops 2"]
    assert out["next_page_token"] is None and len(jira.requests) == 2


def test_add_comment_sends_adf(jira: FakeJira, tester: ConnectorTester) -> None:
    issue = jira.add_issue("OPS", "Printer")
    out = tester.run("add_comment", {"issue_key": issue["key"], "text": "On it"})
    assert out["id"] and out["author_account_id"] == "5b10a2844c20165700ede21g"
    assert jira.comments["OPS-1"][0]["body"] == text_to_adf("On it")


def test_transition_by_name_or_target_status_with_comment_and_resolution(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    issue = jira.add_issue("OPS", "Printer")
    out = tester.run("transition_issue", {"issue_key": "OPS-1", "transition": "start progress"})
    assert out == {
        "issue_key": "OPS-1",
        "transition_id": "21",
        "transition_name": "Start progress",
        "status": "In Progress",
    }
    out = tester.run(
        "transition_issue",
        {"issue_key": "OPS-1", "transition": "Done", "comment": "Fixed", "resolution": "Fixed"},
    )
    assert out["transition_id"] == "31" and issue["fields"]["status"]["name"] == "Done"
    assert jira.requests[-1].json() == {
        "transition": {"id": "31"},
        "fields": {"resolution": {"name": "Fixed"}},
        "update": {"comment": [{"add": {"body": text_to_adf("Fixed")}}]},
    }


def test_unknown_transition_names_the_available_ones(jira: FakeJira, tester: ConnectorTester) -> None:
    jira.add_issue("OPS", "Printer")
    with pytest.raises(
        InvalidInputError, match=r"no transition 'Ship it' \(available: Resolve, Start progress\)"
    ):
        tester.run("transition_issue", {"issue_key": "OPS-1", "transition": "Ship it"})
    assert [r.method for r in jira.requests] == ["GET"]


def test_wrong_token_is_an_auth_error_without_the_token(
    jira: FakeJira, logs_without: Callable[..., None]
) -> None:
    wrong = ConnectorTester(
        connector,
        credential={
            "username": EMAIL,
            "password": "wrong-jira-token-000",
            "base_url": "https://acme.atlassian.net",
        },
        base_url=jira.url,
    )
    with pytest.raises(AuthError, match="Client must be authenticated") as caught:
        wrong.run("get_issue", {"issue_key": "OPS-1"})
    assert "wrong-jira-token-000" not in str(caught.value)
    logs_without("wrong-jira-token-000")


def test_the_credential_needs_the_site_url(jira: FakeJira) -> None:
    tester = ConnectorTester(
        connector, credential={"username": EMAIL, "password": API_TOKEN}, base_url=jira.url
    )
    with pytest.raises(AuthError, match="base_url"):
        tester.run("get_issue", {"issue_key": "OPS-1"})
    assert jira.requests == []


def test_jira_error_bodies_become_readable_messages(tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="Issue does not exist"):
        tester.run("get_issue", {"issue_key": "OPS-99"})
    with pytest.raises(InvalidInputError, match="issuetype: Specify a valid issue type"):
        tester.run("create_issue", {"project_key": "OPS", "issue_type": "Epic-ish", "summary": "x"})
    with pytest.raises(InvalidInputError, match="Unbounded JQL queries are not allowed"):
        tester.run("search_issues", {"jql": "ORDER BY created DESC"})


def test_rate_limit_is_retried_after_retry_after(jira: FakeJira, tester: ConnectorTester) -> None:
    jira.add_issue("OPS", "Printer")
    jira.fail_next(
        429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, headers={"Retry-After": "3"}
    )
    assert tester.run("get_issue", {"issue_key": "OPS-1"})["summary"] == "Printer"
    assert tester.sleeps == [3.0]


def test_a_long_rate_limit_fails_fast_for_the_state_machine_to_wait(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    jira.fail_next(
        429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, headers={"Retry-After": "60"}
    )
    with pytest.raises(RateLimitedError, match="Rate limit exceeded") as caught:
        tester.run("search_issues", {"jql": "project = OPS"})
    assert caught.value.retry_after == 60.0 and tester.sleeps == []


def test_server_error_on_a_write_is_left_to_the_state_machine(
    jira: FakeJira, tester: ConnectorTester
) -> None:
    jira.fail_next(500, {"errorMessages": ["Internal server error"], "errors": {}})
    with pytest.raises(UpstreamUnavailableError, match="Internal server error"):
        tester.run("create_issue", {"project_key": "OPS", "summary": "x"})
    assert len(jira.requests) == 1 and jira.issues == {}  # POST without idempotency: not replayed


def test_invalid_input_is_refused_before_calling_jira(jira: FakeJira, tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.issue_key"):
        tester.run("get_issue", {"issue_key": "not a key"})
    with pytest.raises(InvalidInputError, match="not both"):
        tester.run(
            "create_issue",
            {"project_key": "OPS", "summary": "x", "description": "a", "description_adf": text_to_adf("b")},
        )
    with pytest.raises(InvalidInputError, match=r"params\.max_results"):
        tester.run("search_issues", {"jql": "project = OPS", "max_results": 1000})
    assert jira.requests == []


def test_server_errors_surface(jira: FakeJira, tester: ConnectorTester) -> None:
    jira.fail_next(503, "upstream down", times=3)
    with pytest.raises(UpstreamUnavailableError, match="HTTP 503"):
        tester.run("get_issue", {"issue_key": "OPS-1"})
    assert len(jira.requests) == 3  # a GET is replayed twice inside the function first
