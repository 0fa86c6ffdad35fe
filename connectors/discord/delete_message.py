"""Discord: delete a message (discord.delete_message, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.discord.connector import DISCORD
from connectors.discord.models import Snowflake
from connectors.sdk import ActionContext, ActionInput, ActionOutput, NotFoundError

__all__ = ["DeleteMessageInput", "DeleteMessageOutput", "delete_message"]


class DeleteMessageInput(ActionInput):
    channel_id: Snowflake
    message_id: Snowflake
    reason: Annotated[str | None, Field(max_length=512, description="Shown in the server's audit log")] = None
    missing_ok: Annotated[
        bool, Field(description="Succeed with deleted=false when the message is already gone (a retry)")
    ] = False


class DeleteMessageOutput(ActionOutput):
    deleted: bool
    message_id: str


@DISCORD.action("delete_message", version=1, side_effect=True)
def delete_message(params: DeleteMessageInput, ctx: ActionContext) -> DeleteMessageOutput:
    """Delete a message; Discord answers 204 No Content.

    A second delete answers 404 Unknown Message; with ``missing_ok`` that is ``deleted: false``
    instead of a failure, so a retried node does not fail after its first attempt succeeded.
    """
    from urllib.parse import quote

    headers = {"X-Audit-Log-Reason": quote(params.reason)} if params.reason else {}
    try:
        ctx.http.delete(f"/channels/{params.channel_id}/messages/{params.message_id}", headers=headers)
    except NotFoundError:
        if not params.missing_ok:
            raise
        return DeleteMessageOutput(deleted=False, message_id=params.message_id)
    return DeleteMessageOutput(deleted=True, message_id=params.message_id)
