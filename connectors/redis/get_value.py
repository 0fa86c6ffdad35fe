"""Redis: read one key (redis.get, v1)."""

from __future__ import annotations

from connectors.redis.connector import KEY, REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["GetInput", "GetOutput", "get"]


class GetInput(ActionInput):
    key: KEY


class GetOutput(ActionOutput):
    key: str
    found: bool
    value: str | None


@REDIS.action("get", version=1)
def get(params: GetInput, ctx: ActionContext) -> GetOutput:
    """Read a string key; found is false (and value null) when the key does not exist."""
    with client(ctx) as redis:
        value = redis.get(params.key)
    return GetOutput(key=params.key, found=value is not None, value=value)
