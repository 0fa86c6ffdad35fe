"""Stripe: the connector declaration (secret key, form-encoded bodies, Idempotency-Key on writes)."""

from __future__ import annotations

from connectors.sdk import ApiKeyAuth, Connector

__all__ = ["STRIPE", "STRIPE_API_VERSION"]

STRIPE_API_VERSION = "2024-06-20"

STRIPE = Connector(
    "stripe",
    "Stripe",
    version="1.0.0",
    icon="stripe.svg",
    category="payments",
    description="Customers, payments and refunds on Stripe (secret or restricted key).",
    auth=ApiKeyAuth(header="Authorization", prefix="Bearer "),
    base_url="https://api.stripe.com",
    default_headers={"Stripe-Version": STRIPE_API_VERSION},
    # Every write of a side-effecting action carries the node's key: a retried attempt replays
    # Stripe's first answer instead of charging twice.
    idempotency_header="Idempotency-Key",
)
