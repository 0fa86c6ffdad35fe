"""The pure pieces of approvals and synchronous webhooks, at the cheapest layer (no platform, no network)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from functions.api.auth import authenticate
from functions.api.errors import UnauthorizedError
from functions.shared import Settings
from functions.shared.approval_links import LinkError, link_urls, sign_link, verify_link
from functions.shared.event_rules import rule_name
from functions.shared.store import RunRecord
from functions.triggers.respond import http_response, wait_for_run

SETTINGS = Settings(
    jwt_secret=SecretStr("unit-secret-of-at-least-thirty-two-bytes"),
    public_api_url="https://api.example.test/v1",
)
RUN = RunRecord(
    id="01RUN",
    workflow_id="orders",
    workflow_version=1,
    environment="dev",
    execution_arn="arn:aws:states:us-east-1:123456789012:execution:m:01RUN",
    status="RUNNING",
    input={},
    started_at=datetime(2026, 11, 22, tzinfo=UTC),
    started_by="webhook:orders",
    trigger="webhook",
)


def test_a_link_token_round_trips_and_names_only_tenant_and_approval() -> None:
    token = sign_link(SETTINGS, "acme", "a" * 32, expires_at=2_000)

    claims = verify_link(SETTINGS, token, now=1_999)

    assert (claims.tenant_id, claims.approval_id, claims.expires_at) == ("acme", "a" * 32, 2_000)
    assert link_urls(SETTINGS, token) == {
        "approve": f"https://api.example.test/v1/approvals/links/{token}?decision=approve",
        "reject": f"https://api.example.test/v1/approvals/links/{token}?decision=reject",
    }


@pytest.mark.parametrize(
    ("token", "now", "code"),
    [
        (sign_link(SETTINGS, "acme", "x", expires_at=2_000), 2_000, "link_expired"),
        (
            sign_link(
                SETTINGS.model_copy(update={"jwt_secret": SecretStr("another-secret-of-thirty-two-bytes!!")}),
                "acme",
                "x",
                expires_at=9_000,
            ),
            1,
            "invalid_link",
        ),
        ("garbage", 1, "invalid_link"),
    ],
)
def test_expired_forged_and_malformed_links_are_refused(token: str, now: int, code: str) -> None:
    with pytest.raises(LinkError) as refused:
        verify_link(SETTINGS, token, now=now)
    assert refused.value.code == code


def test_a_link_is_not_a_bearer_token_of_the_api() -> None:
    token = sign_link(SETTINGS, "acme", "x", expires_at=4_000_000_000)
    with pytest.raises(UnauthorizedError):
        authenticate({"Authorization": f"Bearer {token}"}, SETTINGS)


def test_rule_names_fit_eventbridge() -> None:
    long_name = rule_name(SETTINGS, "acme", "w" * 80, "staging")
    assert rule_name(SETTINGS, "acme", "orders", "prod") == "wfaib-local-acme-orders-prod"
    assert len(long_name) == 64 and long_name != rule_name(SETTINGS, "acme", "w" * 79, "staging")


@pytest.mark.parametrize(
    ("output", "status", "body", "content_type"),
    [
        ({"ok": True}, 200, {"ok": True}, "application/json"),
        ([1, 2], 200, [1, 2], "application/json"),
        ({"statusCode": 201, "body": {"id": 7}}, 201, {"id": 7}, "application/json"),
        ({"statusCode": 200, "headers": {"Content-Type": "text/csv"}, "body": "a,b"}, 200, "a,b", "text/csv"),
        ({"statusCode": 204, "body": "", "headers": {}}, 204, "", "text/plain; charset=utf-8"),
        # not a response shape: other keys, a bool or out-of-range status, no body
        (
            {"statusCode": 201, "body": 1, "extra": 2},
            200,
            {"statusCode": 201, "body": 1, "extra": 2},
            "application/json",
        ),
        ({"statusCode": True, "body": 1}, 200, {"statusCode": True, "body": 1}, "application/json"),
        ({"statusCode": 700, "body": 1}, 200, {"statusCode": 700, "body": 1}, "application/json"),
        ({"statusCode": 201}, 200, {"statusCode": 201}, "application/json"),
    ],
)
def test_a_succeeded_run_answers_with_its_output(
    output: Any, status: int, body: Any, content_type: str
) -> None:
    response = http_response(RUN, {"status": "SUCCEEDED", "output": json.dumps(output)}, {})

    assert response["statusCode"] == status
    assert response["headers"]["Content-Type"] == content_type
    assert (json.loads(response["body"]) if content_type == "application/json" else response["body"]) == body


def test_a_failed_run_answers_502_without_the_cause() -> None:
    described = {"status": "TIMED_OUT", "error": "States.Timeout", "cause": "token sk_live_123 refused"}

    response = http_response(RUN, described, {"Idempotent-Replayed": "true"})

    assert response["statusCode"] == 502
    assert response["headers"]["Idempotent-Replayed"] == "true"
    assert json.loads(response["body"]) == {
        "error": {
            "code": "run_failed",
            "message": "The run did not succeed (TIMED_OUT).",
            "details": {"run_id": "01RUN", "status": "TIMED_OUT", "error": "States.Timeout"},
        }
    }


def test_waiting_gives_up_at_the_timeout_on_a_virtual_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    polls: list[float] = []

    def describe(settings: Settings, arn: str) -> dict[str, Any]:
        polls.append(now[0])
        return {"status": "RUNNING"}

    def sleep(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr("functions.shared.stepfunctions.describe_execution", describe)
    monkeypatch.setattr("functions.triggers.respond.read_response", lambda settings, run_id: None)

    assert wait_for_run(SETTINGS, RUN, 3, clock=lambda: now[0], sleep=sleep) is None
    assert polls[0] == 0 and polls[-1] == pytest.approx(3)
    assert all(b - a <= 0.5 + 1e-9 for a, b in itertools.pairwise(polls))
    assert http_response(RUN, None, {})["statusCode"] == 202
