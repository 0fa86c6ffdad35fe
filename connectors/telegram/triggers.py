"""Telegram trigger: ``new_update`` polls ``getUpdates`` (for bots without a webhook).

The cursor is the next ``offset`` (the last ``update_id`` + 1). Polling with it confirms the
earlier updates to Telegram, which then forgets them, so each update starts exactly one run.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput, PollResult
from connectors.telegram.connector import TELEGRAM, call

__all__ = ["NewUpdateConfig", "Update", "new_update"]

UpdateType = Literal[
    "message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "my_chat_member"
]


class NewUpdateConfig(ActionInput):
    allowed_updates: Annotated[list[UpdateType], Field(min_length=1)] = ["message"]
    limit: Annotated[int, Field(ge=1, le=100)] = 100


class Update(ActionOutput):
    update_id: int
    message: dict[str, Any] | None = None
    edited_message: dict[str, Any] | None = None
    channel_post: dict[str, Any] | None = None
    edited_channel_post: dict[str, Any] | None = None
    callback_query: dict[str, Any] | None = None
    my_chat_member: dict[str, Any] | None = None


@TELEGRAM.polling_trigger("new_update", version=1, event=Update)
def new_update(config: NewUpdateConfig, ctx: ActionContext, cursor: str | None) -> PollResult:
    """New messages (or other update types) sent to the bot since the last poll."""
    body: dict[str, Any] = {"limit": config.limit, "timeout": 0, "allowed_updates": config.allowed_updates}
    if cursor:
        body["offset"] = int(cursor)
    updates: list[dict[str, Any]] = call(ctx, "getUpdates", json=body)
    next_offset = max((u["update_id"] for u in updates), default=None)
    return PollResult(events=updates, cursor=str(next_offset + 1) if next_offset is not None else cursor)
