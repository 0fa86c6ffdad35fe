"""Telegram: send a text message (telegram.send_message, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput
from connectors.telegram.connector import TELEGRAM, call
from connectors.telegram.models import ChatId, ParseMode, SentMessage, sent_message

__all__ = ["SendMessageInput", "send_message"]


class SendMessageInput(ActionInput):
    chat_id: ChatId
    text: Annotated[str, Field(min_length=1, max_length=4096)]
    parse_mode: ParseMode | None = None
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    disable_link_preview: bool = False


@TELEGRAM.action("send_message", version=1, side_effect=True)
def send_message(params: SendMessageInput, ctx: ActionContext) -> SentMessage:
    """Send a text message to a user, group or channel.

    The Bot API has no idempotency key: the client never replays this POST after a server
    error, and a Step Functions retry may send it again.
    """
    body: dict[str, Any] = {"chat_id": params.chat_id, "text": params.text}
    if params.parse_mode:
        body["parse_mode"] = params.parse_mode
    if params.reply_to_message_id is not None:
        body["reply_parameters"] = {"message_id": params.reply_to_message_id}
    if params.disable_notification:
        body["disable_notification"] = True
    if params.disable_link_preview:
        body["link_preview_options"] = {"is_disabled": True}
    return sent_message(call(ctx, "sendMessage", json=body))
