"""Twilio: send an SMS or MMS (twilio.send_sms, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from connectors.sdk import ActionContext, ActionInput
from connectors.twilio.connector import TWILIO, account_path
from connectors.twilio.models import Message, PhoneNumber

__all__ = ["SendSmsInput", "send_sms"]


class SendSmsInput(ActionInput):
    to: PhoneNumber
    from_number: Annotated[PhoneNumber | None, Field(description="A Twilio number of the account")] = None
    messaging_service_sid: Annotated[str | None, Field(pattern=r"^MG[0-9a-fA-F]{32}$")] = None
    body: Annotated[str | None, Field(min_length=1, max_length=1600)] = None
    media_urls: Annotated[list[str], Field(max_length=10, description="Public URLs: sends an MMS")] = []
    status_callback: Annotated[str | None, Field(description="Twilio POSTs status changes here")] = None
    validity_period: Annotated[int | None, Field(ge=1, le=36_000, description="Seconds to keep trying")] = (
        None
    )

    @model_validator(mode="after")
    def _sender_and_content(self) -> SendSmsInput:
        if (self.from_number is None) == (self.messaging_service_sid is None):
            raise ValueError("give exactly one of from_number and messaging_service_sid")
        if self.body is None and not self.media_urls:
            raise ValueError("give body or media_urls")
        return self


@TWILIO.action("send_sms", version=1, side_effect=True)
def send_sms(params: SendSmsInput, ctx: ActionContext) -> Message:
    """Queue an SMS (or MMS with media) for delivery; the status starts as ``queued``.

    Twilio's Messages API takes no idempotency key, so the client never replays this POST
    after a server error (a 429 was refused before Twilio accepted it, so that one is retried).
    """
    form: dict[str, Any] = {"To": params.to}
    if params.from_number:
        form["From"] = params.from_number
    if params.messaging_service_sid:
        form["MessagingServiceSid"] = params.messaging_service_sid
    if params.body is not None:
        form["Body"] = params.body
    if params.media_urls:
        form["MediaUrl"] = params.media_urls  # repeated form field
    if params.status_callback:
        form["StatusCallback"] = params.status_callback
    if params.validity_period is not None:
        form["ValidityPeriod"] = params.validity_period
    response = ctx.http.post(f"{account_path(ctx)}/Messages.json", data=form)
    return Message.model_validate(response.json())
