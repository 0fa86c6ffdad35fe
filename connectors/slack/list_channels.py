"""Slack: list channels, following Slack's cursor pagination (slack.list_channels, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.sdk.pagination import cursor_pages
from connectors.slack.connector import SLACK

__all__ = ["Channel", "ListChannelsInput", "ListChannelsOutput", "list_channels"]


class ListChannelsInput(ActionInput):
    types: Annotated[str, Field(description="Comma-separated: public_channel, private_channel, mpim, im")] = (
        "public_channel"
    )
    exclude_archived: bool = True
    limit: Annotated[int, Field(ge=1, le=1000, description="Page size")] = 200
    max_pages: Annotated[int, Field(ge=1, le=50)] = 5


class Channel(ActionOutput):
    id: str
    name: str | None = None
    is_private: bool = False
    is_archived: bool = False


class ListChannelsOutput(ActionOutput):
    channels: list[Channel]


def _next_cursor(page: Any) -> str | None:
    return (page.get("response_metadata") or {}).get("next_cursor") or None


@SLACK.action("list_channels", version=1)
def list_channels(params: ListChannelsInput, ctx: ActionContext) -> ListChannelsOutput:
    """List the workspace's channels (all pages up to ``max_pages``)."""
    query = {
        "types": params.types,
        "exclude_archived": str(params.exclude_archived).lower(),
        "limit": params.limit,
    }
    channels: list[Channel] = []
    for page in cursor_pages(
        ctx.http,
        "GET",
        "/conversations.list",
        params=query,
        cursor_param="cursor",
        next_cursor=_next_cursor,
        max_pages=params.max_pages,
    ):
        channels.extend(Channel.model_validate(item) for item in page["channels"])
    return ListChannelsOutput(channels=channels)
