"""GitHub connector against a fake GitHub REST API (real HTTP on loopback)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fakes.github import VALID_TOKEN, FakeGitHub

from connectors.github import connector
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
    WebhookRequest,
)
from connectors.sdk.encoding import hmac_sha256_hex
from connectors.sdk.testing import ConnectorTester


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def tester(github: FakeGitHub) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=github.url)


REPO = {"owner": "octo", "repo": "hello"}


def test_create_issue_sends_api_headers_and_returns_the_issue(
    github: FakeGitHub, tester: ConnectorTester
) -> None:
    out = tester.run("create_issue", {**REPO, "title": "Bug", "body": "It broke", "labels": ["bug"]})
    assert out["number"] == 1
    assert out["labels"] == [{"name": "bug"}]
    sent = github.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {VALID_TOKEN}"
    assert sent.headers["accept"] == "application/vnd.github+json"
    assert sent.headers["x-github-api-version"] == "2022-11-28"
    assert sent.json() == {"title": "Bug", "body": "It broke", "labels": ["bug"], "assignees": []}


def test_get_issue_and_comment(github: FakeGitHub, tester: ConnectorTester) -> None:
    github.add_issue("First")
    assert tester.run("get_issue", {**REPO, "issue_number": 1})["title"] == "First"
    comment = tester.run("add_comment", {**REPO, "issue_number": 1, "body": "On it"})
    assert comment["body"] == "On it"
    assert github.requests[-1].path == "/repos/octo/hello/issues/1/comments"


def test_list_issues_follows_link_pages_and_skips_pull_requests(
    github: FakeGitHub, tester: ConnectorTester
) -> None:
    for n in range(5):
        github.add_issue(f"issue {n}")
    github.add_issue("a pull request", pull=True)
    out = tester.run("list_issues", {**REPO, "per_page": 2, "max_pages": 5})
    assert [i["title"] for i in out["issues"]] == [f"issue {n}" for n in range(5)]
    assert [r.query.get("page") for r in github.requests] == [None, ["2"], ["3"]]


def test_bad_credentials_is_auth_error(github: FakeGitHub) -> None:
    tester = ConnectorTester(connector, credential={"token": "ghp_wrongwrongwrong"}, base_url=github.url)
    with pytest.raises(AuthError, match="Bad credentials") as caught:
        tester.run("get_issue", {**REPO, "issue_number": 1})
    assert "ghp_wrongwrongwrong" not in str(caught.value)


def test_unknown_repo_and_issue_are_not_found(tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError):
        tester.run("get_issue", {"owner": "octo", "repo": "nope", "issue_number": 1})
    with pytest.raises(NotFoundError):
        tester.run("get_issue", {**REPO, "issue_number": 7})


def test_validation_failed_is_invalid_input(tester: ConnectorTester) -> None:
    # The input model requires a title; GitHub's own 422 is mapped too when it disagrees.
    with pytest.raises(InvalidInputError, match=r"params\.title"):
        tester.run("create_issue", {**REPO, "title": ""})
    with pytest.raises(InvalidInputError, match=r"HTTP 422 .*Validation Failed"):
        tester.run("create_issue", {**REPO, "title": "   "})
    with pytest.raises(InvalidInputError, match=r"params\.owner"):
        tester.run("create_issue", {"owner": "bad owner!", "repo": "hello", "title": "x"})


def test_primary_rate_limit_403_is_rate_limited_with_reset(
    github: FakeGitHub, tester: ConnectorTester
) -> None:
    reset = int(time.time()) + 120
    github.fail_next(
        403,
        {"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    with pytest.raises(RateLimitedError) as caught:
        tester.run("get_issue", {**REPO, "issue_number": 1})
    assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120


def test_secondary_rate_limit_429_is_retried(github: FakeGitHub, tester: ConnectorTester) -> None:
    github.add_issue("First")
    github.fail_next(
        429, {"message": "You have exceeded a secondary rate limit."}, headers={"Retry-After": "5"}
    )
    assert tester.run("get_issue", {**REPO, "issue_number": 1})["number"] == 1
    assert tester.sleeps == [5.0]


def test_server_error_is_retried_for_reads_then_surfaces(github: FakeGitHub, tester: ConnectorTester) -> None:
    github.fail_next(502, "<html>Bad gateway</html>", times=3)
    with pytest.raises(UpstreamUnavailableError, match="HTTP 502"):
        tester.run("get_issue", {**REPO, "issue_number": 1})
    assert len(github.requests) == 3


def test_server_error_on_create_is_not_replayed(github: FakeGitHub, tester: ConnectorTester) -> None:
    github.fail_next(502, "<html>Bad gateway</html>")
    with pytest.raises(UpstreamUnavailableError):
        tester.run("create_issue", {**REPO, "title": "once"})
    assert len(github.requests) == 1
    assert github.issues == []


def test_issue_opened_webhook_checks_the_signature() -> None:
    spec = connector.get_trigger("issue_opened", 1)
    assert spec is not None and spec.verify is not None and spec.parse is not None
    body = json.dumps({"action": "opened", "issue": {"number": 1}}).encode()
    signed = {"x-hub-signature-256": "sha256=" + hmac_sha256_hex("whsec", body), "x-github-event": "issues"}
    assert spec.verify(WebhookRequest(headers=signed, body=body), "whsec")
    assert not spec.verify(WebhookRequest(headers=signed, body=body + b" "), "whsec")
    assert not spec.verify(WebhookRequest(headers={}, body=body), "whsec")
    assert spec.parse(WebhookRequest(headers=signed, body=body)) == [json.loads(body)]
    closed = json.dumps({"action": "closed"}).encode()
    assert spec.parse(WebhookRequest(headers=signed, body=closed)) == []


def test_new_issue_poll_advances_its_cursor(github: FakeGitHub, tester: ConnectorTester) -> None:
    github.add_issue("old", updated_at="2026-11-01T00:00:00Z")
    first = tester.poll("new_issue", REPO)
    assert [e["title"] for e in first["events"]] == ["old"]
    assert first["cursor"] == "2026-11-01T00:00:00Z"
    github.add_issue("new", updated_at="2026-11-02T00:00:00Z")
    second = tester.poll("new_issue", REPO, cursor=first["cursor"])
    assert [e["title"] for e in second["events"]] == ["new"]
    assert second["cursor"] == "2026-11-02T00:00:00Z"
    assert tester.poll("new_issue", REPO, cursor=second["cursor"])["events"] == []
