"""Slack connector against a fake Slack Web API (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.slack import VALID_TOKEN, FakeSlack

from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester
from connectors.slack import connector


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def tester(slack: FakeSlack) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=slack.url)


def test_post_message_sends_bearer_token_and_returns_ts(slack: FakeSlack, tester: ConnectorTester) -> None:
    out = tester.run("post_message", {"channel": "C00000001", "text": "hello"})
    assert out == {"channel": "C00000001", "ts": "1700000000.000001"}
    assert slack.requests[-1].headers["authorization"] == f"Bearer {VALID_TOKEN}"
    assert slack.requests[-1].json() == {"channel": "C00000001", "text": "hello"}


def test_update_and_react_on_a_posted_message(tester: ConnectorTester) -> None:
    posted = tester.run("post_message", {"channel": "C00000002", "text": "v1"})
    updated = tester.run("update_message", {"channel": "C00000002", "ts": posted["ts"], "text": "v2"})
    assert updated["text"] == "v2"
    assert tester.run(
        "add_reaction", {"channel": "C00000002", "timestamp": posted["ts"], "name": "tada"}
    ) == {"ok": True}


def test_list_channels_follows_cursor_pages(slack: FakeSlack, tester: ConnectorTester) -> None:
    out = tester.run("list_channels", {"limit": 2})
    assert [c["id"] for c in out["channels"]] == [c["id"] for c in slack.channels]
    assert [r.query.get("cursor") for r in slack.requests] == [None, ["2"], ["4"]]


def test_wrong_token_is_auth_error_without_the_token_in_the_message(slack: FakeSlack) -> None:
    tester = ConnectorTester(connector, credential={"token": "xoxb-wrong-token-value"}, base_url=slack.url)
    with pytest.raises(AuthError, match="invalid_auth") as caught:
        tester.run("post_message", {"channel": "C00000001", "text": "x"})
    assert "xoxb-wrong-token-value" not in str(caught.value)


def test_missing_credential_is_auth_error(slack: FakeSlack) -> None:
    tester = ConnectorTester(connector, base_url=slack.url)
    with pytest.raises(AuthError, match="needs a credential"):
        tester.run("post_message", {"channel": "C00000001", "text": "x"})
    assert slack.requests == []


def test_unknown_channel_is_not_found(tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="channel_not_found"):
        tester.run("post_message", {"channel": "C99999999", "text": "x"})


def test_rate_limit_is_retried_after_the_advertised_wait(slack: FakeSlack, tester: ConnectorTester) -> None:
    slack.fail_next(429, {"ok": False, "error": "ratelimited"}, headers={"Retry-After": "3"})
    out = tester.run("post_message", {"channel": "C00000001", "text": "hi"})
    assert out["channel"] == "C00000001"
    assert tester.sleeps == [3.0]


def test_rate_limit_that_persists_surfaces_retry_after(slack: FakeSlack, tester: ConnectorTester) -> None:
    slack.fail_next(429, {"ok": False, "error": "ratelimited"}, headers={"Retry-After": "30"})
    with pytest.raises(RateLimitedError) as caught:
        tester.run("post_message", {"channel": "C00000001", "text": "hi"})
    assert caught.value.retry_after == 30.0
    assert tester.sleeps == []  # longer than the in-Lambda cap: Step Functions' Retry waits instead


def test_server_error_is_upstream_unavailable_after_retries(
    slack: FakeSlack, tester: ConnectorTester
) -> None:
    slack.fail_next(503, "upstream connect error", times=3)
    with pytest.raises(UpstreamUnavailableError, match="HTTP 503"):
        tester.run("list_channels", {})
    assert len(slack.requests) == 3


def test_invalid_input_names_the_field_and_sends_nothing(slack: FakeSlack, tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.text"):
        tester.run("post_message", {"channel": "C00000001", "text": ""})
    with pytest.raises(InvalidInputError, match=r"params\.chanel: Extra inputs"):
        tester.run("post_message", {"chanel": "C00000001", "text": "x"})
    assert slack.requests == []


def test_message_posted_webhook_verifies_the_signing_secret() -> None:
    import json
    import time

    from connectors.sdk import WebhookRequest
    from connectors.sdk.encoding import hmac_sha256_hex
    from connectors.slack.triggers import parse_message_posted, verify_signature

    body = json.dumps(
        {
            "type": "event_callback",
            "event": {"type": "message", "channel": "C1", "user": "U1", "text": "hi", "ts": "1.2"},
        }
    ).encode()
    now = time.time()
    ts = str(int(now))
    headers = {
        "x-slack-request-timestamp": ts,
        "x-slack-signature": "v0=" + hmac_sha256_hex("s3cr3t", f"v0:{ts}:".encode() + body),
    }
    request = WebhookRequest(headers=headers, body=body)
    assert verify_signature(request, "s3cr3t", now=now)
    assert not verify_signature(request, "other", now=now)
    assert not verify_signature(request, "s3cr3t", now=now + 600)
    assert parse_message_posted(request) == [json.loads(body)["event"]]
    edited = json.dumps(
        {"type": "event_callback", "event": {"type": "message", "subtype": "message_changed"}}
    )
    assert parse_message_posted(WebhookRequest(headers=headers, body=edited.encode())) == []
