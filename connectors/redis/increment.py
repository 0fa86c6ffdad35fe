"""Redis: add to an integer counter (redis.incr, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.redis.connector import KEY, REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["IncrInput", "IncrOutput", "incr"]


class IncrInput(ActionInput):
    key: KEY
    by: Annotated[
        int, Field(description="Added to the counter (negative to decrement); a new key starts at 0.")
    ] = 1
    ttl_seconds: Annotated[
        int | None,
        Field(ge=1, description="Expire the counter after this many seconds (rate-limit windows)."),
    ] = None


class IncrOutput(ActionOutput):
    key: str
    value: int


@REDIS.action("incr", version=1, side_effect=True)
def incr(params: IncrInput, ctx: ActionContext) -> IncrOutput:
    """INCRBY a counter (atomically, with an optional expiry set in the same transaction)."""
    with client(ctx) as redis:
        if params.ttl_seconds is None:
            value = redis.incrby(params.key, params.by)
        else:
            pipe = redis.pipeline(transaction=True)
            pipe.incrby(params.key, params.by)
            pipe.expire(params.key, params.ttl_seconds)
            value = pipe.execute()[0]
    return IncrOutput(key=params.key, value=int(value))
