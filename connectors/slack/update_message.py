"""Slack: edit a message the bot posted (slack.update_message, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.slack.connector import SLACK

__all__ = ["UpdateMessageInput", "UpdateMessageOutput", "update_message"]


class UpdateMessageInput(ActionInput):
    channel: Annotated[str, Field(min_length=1)]
    ts: Annotated[str, Field(min_length=1, description="Timestamp of the message to edit")]
    text: Annotated[str, Field(min_length=1, max_length=40_000)]


class UpdateMessageOutput(ActionOutput):
    channel: str
    ts: str
    text: str


@SLACK.action("update_message", version=1, side_effect=True)
def update_message(params: UpdateMessageInput, ctx: ActionContext) -> UpdateMessageOutput:
    """Replace the text of a message."""
    body = ctx.http.post("/chat.update", json=params.model_dump()).json()
    return UpdateMessageOutput(channel=body["channel"], ts=body["ts"], text=body["text"])
