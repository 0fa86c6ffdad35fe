"""Discord: send a message to a channel as the bot (discord.send_message, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from connectors.discord.connector import DISCORD
from connectors.discord.models import Embed, Message, Snowflake, message_body, nonce_for
from connectors.sdk import ActionContext, ActionInput

__all__ = ["SendMessageInput", "send_message"]


class SendMessageInput(ActionInput):
    channel_id: Snowflake
    content: Annotated[str | None, Field(min_length=1, max_length=2000)] = None
    embeds: Annotated[list[Embed], Field(max_length=10)] = []
    reply_to_message_id: Annotated[Snowflake | None, Field(description="Send as a reply to this message")] = (
        None
    )
    tts: bool = False

    @model_validator(mode="after")
    def _has_content(self) -> SendMessageInput:
        if self.content is None and not self.embeds:
            raise ValueError("give content or at least one embed")
        return self


@DISCORD.action("send_message", version=1, side_effect=True)
def send_message(params: SendMessageInput, ctx: ActionContext) -> Message:
    """Post a message (text and/or embeds) to a channel, optionally as a reply.

    The idempotency key becomes Discord's ``nonce`` with ``enforce_nonce``: a retried attempt
    gets the message the first attempt created instead of a duplicate.
    """
    body = message_body(params.content, params.embeds)
    body |= {"nonce": nonce_for(ctx.idempotency_key), "enforce_nonce": True}
    if params.tts:
        body["tts"] = True
    if params.reply_to_message_id:
        body["message_reference"] = {"message_id": params.reply_to_message_id, "fail_if_not_exists": True}
    response = ctx.http.post(f"/channels/{params.channel_id}/messages", json=body)
    return Message.model_validate(response.json())
