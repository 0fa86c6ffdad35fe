"""Redis: write one key, with an expiry and NX/XX conditions (redis.set, v1)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from connectors.redis.connector import KEY, REDIS, client
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["SetInput", "SetOutput", "set_value"]


class SetInput(ActionInput):
    key: KEY
    value: Annotated[str | int | float, Field(description="Stored as text.")]
    ttl_seconds: Annotated[int | None, Field(ge=1, description="Expire the key after this many seconds.")] = (
        None
    )
    condition: Annotated[
        Literal["always", "if_not_exists", "if_exists"],
        Field(description="if_not_exists is SET NX (a lock, a first writer wins); if_exists is SET XX."),
    ] = "always"
    keep_ttl: Annotated[bool, Field(description="Keep the key's current expiry (KEEPTTL).")] = False

    @model_validator(mode="after")
    def _one_expiry(self) -> SetInput:
        if self.keep_ttl and self.ttl_seconds is not None:
            raise ValueError("give ttl_seconds or keep_ttl, not both")
        return self


class SetOutput(ActionOutput):
    key: str
    written: Annotated[bool, Field(description="False when the condition stopped the write.")]


@REDIS.action("set", version=1, side_effect=True)
def set_value(params: SetInput, ctx: ActionContext) -> SetOutput:
    """Write a string key (SET with EX, NX/XX, KEEPTTL); written says whether it was set."""
    with client(ctx) as redis:
        result = redis.set(
            params.key,
            params.value,
            ex=params.ttl_seconds,
            nx=params.condition == "if_not_exists",
            xx=params.condition == "if_exists",
            keepttl=params.keep_ttl,
        )
    return SetOutput(key=params.key, written=bool(result))
