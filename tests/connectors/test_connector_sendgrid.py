"""SendGrid connector against a fake SendGrid v3 API (real HTTP on loopback)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fakes.sendgrid import VALID_KEY, FakeSendGrid

from connectors.sdk import AuthError, InvalidInputError, RateLimitedError, UpstreamUnavailableError
from connectors.sdk.testing import ConnectorTester
from connectors.sendgrid import connector


@pytest.fixture
def sendgrid() -> Iterator[FakeSendGrid]:
    with FakeSendGrid() as server:
        yield server


@pytest.fixture
def tester(sendgrid: FakeSendGrid) -> ConnectorTester:
    return ConnectorTester(connector, credential={"api_key": VALID_KEY}, base_url=sendgrid.url)


EMAIL = {"to": ["ada@example.com"], "from_email": "ops@example.com", "subject": "Hi", "text": "Hello"}


def test_send_email_builds_personalizations_and_returns_the_message_id(
    sendgrid: FakeSendGrid, tester: ConnectorTester
) -> None:
    out = tester.run("send_email", {**EMAIL, "html": "<p>Hello</p>", "from_name": "Ops"})
    assert out == {"accepted": True, "message_id": "msg-1"}
    sent = sendgrid.sent[0]
    assert sent["personalizations"] == [{"to": [{"email": "ada@example.com"}]}]
    assert sent["from"] == {"email": "ops@example.com", "name": "Ops"}
    assert [c["type"] for c in sent["content"]] == ["text/plain", "text/html"]
    assert sent["custom_args"] == {"wfaib_idempotency_key": "exec-test/node-test"}


def test_contacts_upsert_find_and_lists(sendgrid: FakeSendGrid, tester: ConnectorTester) -> None:
    job = tester.run("upsert_contacts", {"contacts": [{"email": "ada@example.com", "first_name": "Ada"}]})
    assert job["job_id"]
    found = tester.run("find_contacts", {"emails": ["ada@example.com", "bob@example.com"]})
    assert [c["email"] for c in found["contacts"]] == ["ada@example.com"]
    assert found["missing"] == ["bob@example.com"]
    assert tester.run("find_contacts", {"emails": ["nobody@example.com"]}) == {
        "contacts": [],
        "missing": ["nobody@example.com"],
    }
    lists = tester.run("list_lists", {"page_size": 2, "max_pages": 5})
    assert [entry["name"] for entry in lists["lists"]] == [entry["name"] for entry in sendgrid.lists]


def test_revoked_key_is_auth_error(sendgrid: FakeSendGrid) -> None:
    tester = ConnectorTester(connector, credential={"api_key": "SG.revoked.key-value"}, base_url=sendgrid.url)
    with pytest.raises(AuthError, match="invalid, expired, or revoked") as caught:
        tester.run("send_email", EMAIL)
    assert "SG.revoked.key-value" not in str(caught.value)


def test_provider_validation_error_names_the_field(tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"from\.email: The from email"):
        tester.run("send_email", {**EMAIL, "from_email": "ops@localhost"})


def test_invalid_input_is_refused_before_sending(sendgrid: FakeSendGrid, tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match="give text or html"):
        tester.run("send_email", {**EMAIL, "text": None})
    with pytest.raises(InvalidInputError, match=r"params\.to"):
        tester.run("send_email", {**EMAIL, "to": []})
    assert sendgrid.requests == []


def test_rate_limit_uses_the_reset_header(sendgrid: FakeSendGrid, tester: ConnectorTester) -> None:
    reset = int(time.time()) + 60
    sendgrid.fail_next(
        429,
        {"errors": [{"message": "too many requests"}]},
        headers={"X-RateLimit-Reset": str(reset)},
        times=3,
    )
    with pytest.raises(RateLimitedError) as caught:
        tester.run("list_lists", {})
    assert caught.value.retry_after is not None and 50 < caught.value.retry_after <= 60


def test_server_error_on_send_is_not_replayed(sendgrid: FakeSendGrid, tester: ConnectorTester) -> None:
    sendgrid.fail_next(503, {"errors": [{"message": "service unavailable"}]})
    with pytest.raises(UpstreamUnavailableError):
        tester.run("send_email", EMAIL)
    assert len(sendgrid.requests) == 1
