"""Stripe payments: stripe.create_payment_intent and stripe.create_refund (both side-effecting)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.sdk.encoding import bracket_form
from connectors.stripe.connector import STRIPE

__all__ = [
    "CreatePaymentIntentInput",
    "CreateRefundInput",
    "PaymentIntent",
    "Refund",
    "create_payment_intent",
    "create_refund",
]


class CreatePaymentIntentInput(ActionInput):
    amount: Annotated[int, Field(gt=0, description="In the currency's smallest unit (cents)")]
    currency: Annotated[str, Field(pattern=r"^[a-z]{3}$", description="ISO 4217, lower case, e.g. usd")]
    customer: Annotated[str | None, Field(pattern=r"^cus_[A-Za-z0-9]+$")] = None
    description: str | None = None
    receipt_email: str | None = None
    automatic_payment_methods: bool = True
    metadata: Annotated[dict[str, str], Field(max_length=50)] = {}


class PaymentIntent(ActionOutput):
    """The payment intent, without its ``client_secret`` (secrets never enter workflow state)."""

    id: str
    amount: int
    currency: str
    status: str
    customer: str | None = None
    description: str | None = None
    created: int
    metadata: dict[str, str] = {}


@STRIPE.action("create_payment_intent", version=1, side_effect=True)
def create_payment_intent(params: CreatePaymentIntentInput, ctx: ActionContext) -> PaymentIntent:
    """Create a PaymentIntent (retries reuse the node's idempotency key, so nothing is charged twice)."""
    fields = params.model_dump(mode="json", exclude={"automatic_payment_methods"})
    fields["automatic_payment_methods"] = {"enabled": params.automatic_payment_methods}
    response = ctx.http.post("/v1/payment_intents", data=dict(bracket_form(fields)))
    return PaymentIntent.model_validate(response.json())


class CreateRefundInput(ActionInput):
    payment_intent: Annotated[str, Field(pattern=r"^pi_[A-Za-z0-9]+$")]
    amount: Annotated[
        int | None, Field(gt=0, description="Partial refund amount; the whole charge if empty")
    ] = None
    reason: Literal["duplicate", "fraudulent", "requested_by_customer"] | None = None


class Refund(ActionOutput):
    id: str
    amount: int
    currency: str
    status: str
    payment_intent: str | None = None
    reason: str | None = None


@STRIPE.action("create_refund", version=1, side_effect=True)
def create_refund(params: CreateRefundInput, ctx: ActionContext) -> Refund:
    """Refund a payment, fully or partly."""
    response = ctx.http.post("/v1/refunds", data=dict(bracket_form(params.model_dump(mode="json"))))
    return Refund.model_validate(response.json())
