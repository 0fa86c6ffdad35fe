"""Twilio SMS connector against a fake Twilio REST API (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fakes.twilio import (
    ACCOUNT_SID,
    API_KEY_SECRET,
    API_KEY_SID,
    AUTH_TOKEN,
    OWNED_NUMBER,
    FakeTwilio,
    twilio_error,
)

from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester
from connectors.twilio import connector

TO = "+15558675310"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def tester(twilio: FakeTwilio) -> ConnectorTester:
    return ConnectorTester(
        connector, credential={"username": ACCOUNT_SID, "password": AUTH_TOKEN}, base_url=twilio.url
    )


def test_send_sms_posts_a_form_with_basic_auth(twilio: FakeTwilio, tester: ConnectorTester) -> None:
    out = tester.run("send_sms", {"to": TO, "from_number": OWNED_NUMBER, "body": "Your code is 123456"})
    assert out["sid"].startswith("SM") and out["status"] == "queued"
    assert out["to"] == TO and out["from"] == OWNED_NUMBER and out["body"] == "Your code is 123456"
    request = twilio.requests[-1]
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form == {"To": TO, "From": OWNED_NUMBER, "Body": "Your code is 123456"}
    assert request.headers["authorization"].startswith("Basic ")


def test_mms_with_a_messaging_service_and_an_api_key(twilio: FakeTwilio) -> None:
    tester = ConnectorTester(
        connector,
        credential={"username": API_KEY_SID, "password": API_KEY_SECRET, "account_sid": ACCOUNT_SID},
        base_url=twilio.url,
    )
    media = ["https://example.com/a.png", "https://example.com/b.png"]
    out = tester.run("send_sms", {"to": TO, "messaging_service_sid": "MG" + "a" * 32, "media_urls": media})
    assert out["num_media"] == "2"
    assert twilio.messages[-1]["_media"] == media  # MediaUrl repeated, in order


def test_get_message_and_not_found(twilio: FakeTwilio, tester: ConnectorTester) -> None:
    sent = tester.run("send_sms", {"to": TO, "from_number": OWNED_NUMBER, "body": "hi"})
    assert tester.run("get_message", {"sid": sent["sid"]})["sid"] == sent["sid"]
    with pytest.raises(NotFoundError, match=r"was not found \(Twilio error 20404\)"):
        tester.run("get_message", {"sid": "SM" + "f" * 32})


def test_list_messages_follows_next_page_uri_with_the_filters(
    twilio: FakeTwilio, tester: ConnectorTester
) -> None:
    twilio.seed(7)
    twilio.seed(2, to="+15550000000")
    out = tester.run(
        "list_messages", {"to": TO, "sent_on_or_after": "2026-11-02", "page_size": 2, "max_pages": 5}
    )
    assert [m["body"] for m in out["messages"]] == [f"message {day}" for day in range(6, 0, -1)]
    assert out["has_more"] is False
    assert [r.query.get("Page") for r in twilio.requests] == [None, ["1"], ["2"]]
    assert all(r.query["To"] == [TO] and r.query["DateSent>"] == ["2026-11-02"] for r in twilio.requests)
    capped = tester.run("list_messages", {"page_size": 2, "max_pages": 2})
    assert len(capped["messages"]) == 4 and capped["has_more"] is True


def test_wrong_auth_token_is_auth_error_without_the_token(
    twilio: FakeTwilio, logs_without: Callable[..., str]
) -> None:
    wrong = ConnectorTester(
        connector,
        credential={"username": ACCOUNT_SID, "password": "wrong-twilio-token-00"},
        base_url=twilio.url,
    )
    with pytest.raises(AuthError, match=r"Authenticate \(Twilio error 20003\)") as caught:
        wrong.run("send_sms", {"to": TO, "from_number": OWNED_NUMBER, "body": "x"})
    assert "wrong-twilio-token-00" not in str(caught.value)
    logs_without("wrong-twilio-token-00")


def test_api_key_without_account_sid_is_refused_before_sending(twilio: FakeTwilio) -> None:
    tester = ConnectorTester(
        connector, credential={"username": API_KEY_SID, "password": "x"}, base_url=twilio.url
    )
    with pytest.raises(AuthError, match="set account_sid"):
        tester.run("get_message", {"sid": "SM" + "f" * 32})
    assert twilio.requests == []


def test_rate_limit_is_retried_after_the_advertised_wait(twilio: FakeTwilio, tester: ConnectorTester) -> None:
    twilio.fail_next(429, twilio_error(429, 20429, "Too Many Requests"), headers={"Retry-After": "2"})
    assert tester.run("send_sms", {"to": TO, "from_number": OWNED_NUMBER, "body": "x"})["status"] == "queued"
    assert tester.sleeps == [2.0]
    assert len(twilio.messages) == 1


def test_persistent_rate_limit_is_rate_limited_error(twilio: FakeTwilio, tester: ConnectorTester) -> None:
    twilio.fail_next(429, twilio_error(429, 20429, "Too Many Requests"), headers={"Retry-After": "60"})
    with pytest.raises(RateLimitedError, match=r"Too Many Requests \(Twilio error 20429\)") as caught:
        tester.run("get_message", {"sid": "SM" + "f" * 32})
    assert caught.value.retry_after == 60.0


def test_server_errors_retry_reads_but_never_resend_an_sms(
    twilio: FakeTwilio, tester: ConnectorTester
) -> None:
    twilio.fail_next(503, twilio_error(503, 20500, "Service Unavailable"), times=3)
    with pytest.raises(UpstreamUnavailableError, match="HTTP 503"):
        tester.run("list_messages", {})
    assert len(twilio.requests) == 3
    twilio.requests.clear()
    twilio.fail_next(500, twilio_error(500, 20500, "Internal Server Error"))
    with pytest.raises(UpstreamUnavailableError, match="HTTP 500"):
        tester.run("send_sms", {"to": TO, "from_number": OWNED_NUMBER, "body": "x"})
    assert len(twilio.requests) == 1


def test_invalid_input_locally_and_from_twilio(twilio: FakeTwilio, tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.to"):
        tester.run("send_sms", {"to": "555-1234", "from_number": OWNED_NUMBER, "body": "x"})
    with pytest.raises(InvalidInputError, match="exactly one of from_number and messaging_service_sid"):
        tester.run("send_sms", {"to": TO, "body": "x"})
    with pytest.raises(InvalidInputError, match=r"params\.sid"):
        tester.run("get_message", {"sid": "nope"})
    assert twilio.requests == []
    with pytest.raises(InvalidInputError, match=r"not a valid, SMS-capable .* \(Twilio error 21606\)"):
        tester.run("send_sms", {"to": TO, "from_number": "+15551112222", "body": "x"})


ACTIONS = {
    "send_sms": {"to": TO, "from_number": OWNED_NUMBER, "body": "x"},
    "get_message": {"sid": "SM" + "a" * 32},
    "list_messages": {},
}


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_maps_auth_rate_limit_and_server_errors(twilio: FakeTwilio, action: str) -> None:
    good = ConnectorTester(
        connector, credential={"username": ACCOUNT_SID, "password": AUTH_TOKEN}, base_url=twilio.url
    )
    wrong = ConnectorTester(
        connector, credential={"username": ACCOUNT_SID, "password": "forged"}, base_url=twilio.url
    )
    with pytest.raises(AuthError, match="20003"):
        wrong.run(action, ACTIONS[action])
    twilio.fail_next(429, twilio_error(429, 20429, "Too Many Requests"), headers={"Retry-After": "45"})
    with pytest.raises(RateLimitedError, match="20429") as limited:
        good.run(action, ACTIONS[action])
    assert limited.value.retry_after == 45.0
    twilio.fail_next(500, twilio_error(500, 20500, "Internal Server Error"))
    with pytest.raises(UpstreamUnavailableError, match="20500"):
        good.run(action, ACTIONS[action])
