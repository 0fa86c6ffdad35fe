"""Teams: send a channel message or reply through Microsoft Graph (teams.send_channel_message, v1)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.teams.connector import TEAMS

__all__ = ["ChannelMessage", "SendChannelMessageInput", "send_channel_message"]

_KEY_NAMESPACE = uuid.UUID("5b7b2f42-6a53-4a4e-9a43-3c0c1f0e9a11")


class SendChannelMessageInput(ActionInput):
    team_id: Annotated[str, Field(min_length=1, description="The team's group id (a GUID)")]
    channel_id: Annotated[str, Field(min_length=1, description="e.g. 19:abc...@thread.tacv2")]
    content: Annotated[str, Field(min_length=1, max_length=28_000)]
    content_type: Literal["html", "text"] = "html"
    subject: Annotated[str | None, Field(max_length=255)] = None
    importance: Literal["normal", "high", "urgent"] = "normal"
    reply_to_message_id: Annotated[str | None, Field(description="Reply in this message's thread")] = None


class ChannelMessage(ActionOutput):
    id: str
    createdDateTime: str | None = None
    webUrl: str | None = None
    replyToId: str | None = None


@TEAMS.action("send_channel_message", version=1, side_effect=True)
def send_channel_message(params: SendChannelMessageInput, ctx: ActionContext) -> ChannelMessage:
    """Post a message to a channel (or a reply to a message) as the signed-in user.

    Graph has no idempotency key for chat messages; the node's key goes out as a stable
    ``client-request-id`` (a UUID derived from it) so a duplicate from a retry can be traced.
    """
    from urllib.parse import quote

    path = f"/teams/{quote(params.team_id, safe='')}/channels/{quote(params.channel_id, safe='')}/messages"
    if params.reply_to_message_id:
        path += f"/{quote(params.reply_to_message_id, safe='')}/replies"
    body: dict[str, Any] = {
        "body": {"contentType": params.content_type, "content": params.content},
        "importance": params.importance,
    }
    if params.subject and not params.reply_to_message_id:
        body["subject"] = params.subject
    request_id = str(uuid.uuid5(_KEY_NAMESPACE, ctx.idempotency_key))
    response = ctx.http.post(path, json=body, headers={"client-request-id": request_id})
    return ChannelMessage.model_validate(response.json())
