"""Redis: set fields of a hash (redis.hash_set, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.redis.connector import KEY, REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["HashSetInput", "HashSetOutput", "hash_set"]


class HashSetInput(ActionInput):
    key: KEY
    values: Annotated[
        dict[Annotated[str, Field(min_length=1)], str | int | float],
        Field(min_length=1, max_length=1000, description="field: value, stored as text."),
    ]
    ttl_seconds: Annotated[
        int | None, Field(ge=1, description="Expire the whole hash after this many seconds.")
    ] = None


class HashSetOutput(ActionOutput):
    key: str
    added: Annotated[int, Field(description="Fields that were new (updated fields are not counted).")]


@REDIS.action("hash_set", version=1, side_effect=True)
def hash_set(params: HashSetInput, ctx: ActionContext) -> HashSetOutput:
    """HSET fields of a hash (and optionally its expiry, in the same transaction)."""
    with client(ctx) as redis:
        pipe = redis.pipeline(transaction=True)
        mapping: dict[Any, Any] = dict(params.values)  # redis-py's Mapping type is invariant in its keys
        pipe.hset(params.key, mapping=mapping)
        if params.ttl_seconds is not None:
            pipe.expire(params.key, params.ttl_seconds)
        added = pipe.execute()[0]
    return HashSetOutput(key=params.key, added=int(added))
