"""Slack: post a message to a channel (slack.post_message, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.slack.connector import SLACK

__all__ = ["PostMessageInput", "PostMessageOutput", "post_message"]


class PostMessageInput(ActionInput):
    channel: Annotated[str, Field(min_length=1, description="Channel ID, e.g. C01234567")]
    text: Annotated[str, Field(min_length=1, max_length=40_000)]
    thread_ts: Annotated[str | None, Field(description="Reply in this thread")] = None
    unfurl_links: bool | None = None


class PostMessageOutput(ActionOutput):
    channel: str
    ts: str


@SLACK.action("post_message", version=1, side_effect=True)
def post_message(params: PostMessageInput, ctx: ActionContext) -> PostMessageOutput:
    """Post a message to a channel, optionally as a thread reply."""
    body = ctx.http.post("/chat.postMessage", json=params.model_dump(exclude_none=True)).json()
    return PostMessageOutput(channel=body["channel"], ts=body["ts"])
