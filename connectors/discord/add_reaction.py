"""Discord: react to a message as the bot (discord.add_reaction, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.discord.connector import DISCORD
from connectors.discord.models import Snowflake
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["AddReactionInput", "AddReactionOutput", "add_reaction"]


class AddReactionInput(ActionInput):
    channel_id: Snowflake
    message_id: Snowflake
    emoji: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            description="A Unicode emoji (👍) or a custom emoji as name:id (party_blob:1100000000000000009)",
        ),
    ]


class AddReactionOutput(ActionOutput):
    ok: bool
    emoji: str


@DISCORD.action("add_reaction", version=1, side_effect=True)
def add_reaction(params: AddReactionInput, ctx: ActionContext) -> AddReactionOutput:
    """Add a reaction (PUT .../reactions/{emoji}/@me: adding it twice is harmless)."""
    from urllib.parse import quote

    emoji = quote(params.emoji, safe=":")
    ctx.http.put(f"/channels/{params.channel_id}/messages/{params.message_id}/reactions/{emoji}/@me")
    return AddReactionOutput(ok=True, emoji=params.emoji)
