"""Redis: read fields of a hash (redis.hash_get, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.redis.connector import KEY, REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["HashGetInput", "HashGetOutput", "hash_get"]


class HashGetInput(ActionInput):
    key: KEY
    fields: Annotated[
        list[Annotated[str, Field(min_length=1)]],
        Field(max_length=1000, description="Fields to read; all of them when empty (HGETALL)."),
    ] = []


class HashGetOutput(ActionOutput):
    key: str
    found: Annotated[bool, Field(description="False when the hash does not exist.")]
    values: Annotated[dict[str, str | None], Field(description="field: value (null for a missing field).")]


@REDIS.action("hash_get", version=1)
def hash_get(params: HashGetInput, ctx: ActionContext) -> HashGetOutput:
    """Read the named fields of a hash (HMGET), or all of them (HGETALL)."""
    with client(ctx) as redis:
        values: dict[str, str | None]
        if params.fields:
            found = bool(redis.exists(params.key))
            read = redis.hmget(params.key, params.fields)
            values = {
                field: None if value is None else str(value)
                for field, value in zip(params.fields, read, strict=True)
            }
        else:
            values = {str(field): str(value) for field, value in redis.hgetall(params.key).items()}
            found = bool(values)
    return HashGetOutput(key=params.key, found=found, values=values)
