"""Redis: publish a message on a channel (redis.publish, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.redis.connector import REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["PublishInput", "PublishOutput", "publish"]


class PublishInput(ActionInput):
    channel: Annotated[str, Field(min_length=1, max_length=1024)]
    message: Annotated[str, Field(description="Text; use $string() for an object.")]


class PublishOutput(ActionOutput):
    receivers: Annotated[int, Field(description="Subscribers that received the message.")]


@REDIS.action("publish", version=1, side_effect=True)
def publish(params: PublishInput, ctx: ActionContext) -> PublishOutput:
    """PUBLISH a message; receivers counts the subscribers that got it."""
    with client(ctx) as redis:
        return PublishOutput(receivers=int(redis.publish(params.channel, params.message)))
