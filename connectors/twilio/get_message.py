"""Twilio: fetch one message, e.g. to check its delivery status (twilio.get_message, v1)."""

from __future__ import annotations

from connectors.sdk import ActionContext, ActionInput
from connectors.twilio.connector import TWILIO, account_path
from connectors.twilio.models import Message, MessageSid

__all__ = ["GetMessageInput", "get_message"]


class GetMessageInput(ActionInput):
    sid: MessageSid


@TWILIO.action("get_message", version=1)
def get_message(params: GetMessageInput, ctx: ActionContext) -> Message:
    """Fetch a message by SID (status, error code, price)."""
    return Message.model_validate(ctx.http.get(f"{account_path(ctx)}/Messages/{params.sid}.json").json())
