"""Discord: edit a message the bot sent (discord.edit_message, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from connectors.discord.connector import DISCORD
from connectors.discord.models import Embed, Message, Snowflake, message_body
from connectors.sdk import ActionContext, ActionInput

__all__ = ["EditMessageInput", "edit_message"]


class EditMessageInput(ActionInput):
    channel_id: Snowflake
    message_id: Snowflake
    content: Annotated[str | None, Field(max_length=2000, description="New text; empty string clears it")] = (
        None
    )
    embeds: Annotated[list[Embed] | None, Field(max_length=10, description="Replaces every embed")] = None

    @model_validator(mode="after")
    def _changes_something(self) -> EditMessageInput:
        if self.content is None and self.embeds is None:
            raise ValueError("give content or embeds to change")
        return self


@DISCORD.action("edit_message", version=1, side_effect=True)
def edit_message(params: EditMessageInput, ctx: ActionContext) -> Message:
    """Replace the text and/or embeds of a message (PATCH: repeating it is harmless)."""
    body = message_body(params.content, params.embeds or [])
    if params.embeds == []:
        body["embeds"] = []
    response = ctx.http.patch(f"/channels/{params.channel_id}/messages/{params.message_id}", json=body)
    return Message.model_validate(response.json())
