"""Discord: delete a message (discord.delete_message, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.discord.connector import DISCORD
from connectors.discord.models import Snowflake
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["DeleteMessageInput", "DeleteMessageOutput", "delete_message"]


class DeleteMessageInput(ActionInput):
    channel_id: Snowflake
    message_id: Snowflake
    reason: Annotated[str | None, Field(max_length=512, description="Shown in the server's audit log")] = None


class DeleteMessageOutput(ActionOutput):
    deleted: bool
    message_id: str


@DISCORD.action("delete_message", version=1, side_effect=True)
def delete_message(params: DeleteMessageInput, ctx: ActionContext) -> DeleteMessageOutput:
    """Delete a message; Discord answers 204 No Content."""
    from urllib.parse import quote

    headers = {"X-Audit-Log-Reason": quote(params.reason)} if params.reason else {}
    ctx.http.delete(f"/channels/{params.channel_id}/messages/{params.message_id}", headers=headers)
    return DeleteMessageOutput(deleted=True, message_id=params.message_id)
