"""Redis: delete keys (redis.delete, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.redis.connector import KEY, REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["DeleteInput", "DeleteOutput", "delete"]


class DeleteInput(ActionInput):
    keys: Annotated[list[KEY], Field(min_length=1, max_length=1000)]


class DeleteOutput(ActionOutput):
    deleted: Annotated[int, Field(description="How many of the keys existed.")]


@REDIS.action("delete", version=1, side_effect=True)
def delete(params: DeleteInput, ctx: ActionContext) -> DeleteOutput:
    """Delete keys; deleted counts the ones that existed."""
    with client(ctx) as redis:
        return DeleteOutput(deleted=int(redis.delete(*params.keys)))
