"""Stripe connector: customers, payment intents, refunds; signed payment webhooks."""

from connectors.stripe import customers, payments, triggers
from connectors.stripe.connector import STRIPE as connector

__all__ = ["connector", "customers", "payments", "triggers"]
