"""Stripe trigger: ``payment_succeeded`` (webhook, ``Stripe-Signature`` checked)."""

from __future__ import annotations

import time

from connectors.sdk import ActionInput, ActionOutput, WebhookRequest
from connectors.sdk.encoding import hmac_sha256_hex, signatures_match
from connectors.stripe.connector import STRIPE

__all__ = ["TOLERANCE_SECONDS", "PaymentSucceededConfig", "StripeEvent", "verify_signature"]

TOLERANCE_SECONDS = 300


class PaymentSucceededConfig(ActionInput):
    pass


class StripeEvent(ActionOutput):
    id: str
    type: str
    created: int
    data: dict[str, object]


def verify_signature(request: WebhookRequest, secret: str, *, now: float | None = None) -> bool:
    """``Stripe-Signature: t=<unix>,v1=<hex HMAC of "t.body">``, within five minutes (replay guard)."""
    parts = [
        part.split("=", 1) for part in request.headers.get("stripe-signature", "").split(",") if "=" in part
    ]
    timestamps = [value for key, value in parts if key == "t"]
    if not timestamps or not timestamps[0].isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamps[0])) > TOLERANCE_SECONDS:
        return False
    expected = hmac_sha256_hex(secret, timestamps[0].encode() + b"." + request.body)
    return any(signatures_match(expected, value) for key, value in parts if key == "v1")


def _parse(request: WebhookRequest) -> list[dict[str, object]]:
    body = request.json_body()
    return [body] if body.get("type") == "payment_intent.succeeded" else []


STRIPE.webhook_trigger(
    "payment_succeeded",
    version=1,
    config=PaymentSucceededConfig,
    event=StripeEvent,
    verify=verify_signature,
    parse=_parse,
    description="Starts a run when a PaymentIntent succeeds (Stripe webhook endpoint, signed).",
)
