"""Stripe connector against a fake Stripe API (real HTTP on loopback)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fakes.stripe import VALID_KEY, FakeStripe

from connectors.sdk import (
    AuthError,
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
    WebhookRequest,
)
from connectors.sdk.encoding import hmac_sha256_hex
from connectors.sdk.testing import ConnectorTester
from connectors.stripe import connector
from connectors.stripe.triggers import verify_signature


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def tester(stripe: FakeStripe) -> ConnectorTester:
    return ConnectorTester(connector, credential={"api_key": VALID_KEY}, base_url=stripe.url)


def test_create_customer_posts_a_form_with_bracketed_metadata(
    stripe: FakeStripe, tester: ConnectorTester
) -> None:
    out = tester.run(
        "create_customer", {"email": "ada@example.com", "name": "Ada", "metadata": {"plan": "pro"}}
    )
    assert out["id"].startswith("cus_")
    assert out["metadata"] == {"plan": "pro"}
    sent = stripe.requests[-1]
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.form == {"email": "ada@example.com", "name": "Ada", "metadata[plan]": "pro"}
    assert sent.headers["authorization"] == f"Bearer {VALID_KEY}"
    assert sent.headers["stripe-version"] == "2024-06-20"
    assert sent.headers["idempotency-key"] == "exec-test/node-test"


def test_retried_payment_reuses_the_idempotency_key_and_charges_once(
    stripe: FakeStripe, tester: ConnectorTester
) -> None:
    params = {"amount": 1999, "currency": "usd", "metadata": {"order": "A-1"}}
    first = tester.run("create_payment_intent", params, execution_id="exec-7", node_id="charge")
    again = tester.run("create_payment_intent", params, execution_id="exec-7", node_id="charge")
    assert first == again
    assert len(stripe.payment_intents) == 1
    assert stripe.requests[-1].form["automatic_payment_methods[enabled]"] == "true"
    assert "client_secret" not in first
    other_run = tester.run("create_payment_intent", params, execution_id="exec-8", node_id="charge")
    assert other_run["id"] != first["id"]


def test_same_key_with_other_params_is_invalid_input(tester: ConnectorTester) -> None:
    tester.run("create_payment_intent", {"amount": 100, "currency": "usd"}, execution_id="e", node_id="n")
    with pytest.raises(InvalidInputError, match="same parameters"):
        tester.run("create_payment_intent", {"amount": 200, "currency": "usd"}, execution_id="e", node_id="n")


def test_list_customers_follows_has_more(stripe: FakeStripe, tester: ConnectorTester) -> None:
    for n in range(5):
        tester.run("create_customer", {"name": f"c{n}"}, node_id=f"n{n}")
    out = tester.run("list_customers", {"limit": 2, "max_pages": 10})
    assert [c["name"] for c in out["customers"]] == ["c4", "c3", "c2", "c1", "c0"]
    assert out["has_more"] is False
    pages = [r for r in stripe.requests if r.method == "GET"]
    assert [r.query.get("starting_after") for r in pages] == [
        None,
        [out["customers"][1]["id"]],
        [out["customers"][3]["id"]],
    ]


def test_get_customer_and_refund(tester: ConnectorTester) -> None:
    customer = tester.run("create_customer", {"email": "b@example.com"})
    assert tester.run("get_customer", {"customer_id": customer["id"]}) == customer
    intent = tester.run("create_payment_intent", {"amount": 500, "currency": "eur"}, node_id="pay")
    refund = tester.run("create_refund", {"payment_intent": intent["id"], "amount": 200}, node_id="refund")
    assert refund["amount"] == 200
    assert refund["status"] == "succeeded"


def test_invalid_key_is_auth_error_without_the_key(stripe: FakeStripe) -> None:
    tester = ConnectorTester(
        connector, credential={"api_key": "sk_test_wrongkey1234567"}, base_url=stripe.url
    )
    with pytest.raises(AuthError, match="Invalid API Key") as caught:
        tester.run("get_customer", {"customer_id": "cus_1"})
    assert "sk_test_wrongkey1234567" not in str(caught.value)


def test_unknown_objects_are_not_found(tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="No such customer"):
        tester.run("get_customer", {"customer_id": "cus_missing"})
    with pytest.raises(NotFoundError, match="No such payment_intent"):
        tester.run("create_refund", {"payment_intent": "pi_missing"})


def test_card_declined_is_a_permanent_connector_error(tester: ConnectorTester) -> None:
    with pytest.raises(ConnectorError, match="declined") as caught:
        tester.run("create_payment_intent", {"amount": 100, "currency": "usd", "customer": "cus_declined"})
    assert type(caught.value) is ConnectorError


def test_rate_limit_on_a_write_is_retried_with_the_same_key(
    stripe: FakeStripe, tester: ConnectorTester
) -> None:
    stripe.fail_next(
        429,
        {"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}},
        headers={"Retry-After": "1"},
    )
    out = tester.run("create_customer", {"name": "retry"})
    assert out["name"] == "retry"
    assert tester.sleeps == [1.0]
    keys = [r.headers["idempotency-key"] for r in stripe.requests]
    assert keys == ["exec-test/node-test", "exec-test/node-test"]


def test_persistent_rate_limit_surfaces(stripe: FakeStripe, tester: ConnectorTester) -> None:
    stripe.fail_next(
        429,
        {"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many"}},
        times=3,
    )
    with pytest.raises(RateLimitedError, match="Too many"):
        tester.run("list_customers", {})


def test_server_errors_surface_as_retryable_and_the_retry_reuses_the_key(
    stripe: FakeStripe, tester: ConnectorTester
) -> None:
    stripe.fail_next(500, {"error": {"type": "api_error", "message": "Something went wrong"}})
    with pytest.raises(UpstreamUnavailableError, match="Something went wrong"):
        tester.run("create_customer", {"name": "x"})
    assert len(stripe.requests) == 1  # a 500 is left to the state machine's Retry...
    stripe.fail_next(503, {"error": {"type": "api_error", "message": "Service unavailable"}})
    out = tester.run("create_customer", {"name": "x"})  # ...which sends the same key again
    assert out["name"] == "x"
    assert {r.headers["idempotency-key"] for r in stripe.requests} == {"exec-test/node-test"}
    assert len(stripe.customers) == 1


def test_invalid_input_is_refused_before_calling_stripe(stripe: FakeStripe, tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.currency"):
        tester.run("create_payment_intent", {"amount": 100, "currency": "USD"})
    with pytest.raises(InvalidInputError, match=r"params\.amount"):
        tester.run("create_payment_intent", {"amount": 0, "currency": "usd"})
    assert stripe.requests == []


def test_webhook_signature_with_tolerance() -> None:
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "created": 1, "data": {}}).encode()
    now = time.time()
    t = str(int(now))
    header = f"t={t},v1={hmac_sha256_hex('whsec_test', t.encode() + b'.' + body)}"
    request = WebhookRequest(headers={"stripe-signature": header}, body=body)
    assert verify_signature(request, "whsec_test", now=now)
    assert not verify_signature(request, "whsec_other", now=now)
    assert not verify_signature(request, "whsec_test", now=now + 301)
    spec = connector.get_trigger("payment_succeeded", 1)
    assert spec is not None and spec.parse is not None
    assert spec.parse(request) == [json.loads(body)]
