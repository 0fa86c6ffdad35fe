"""Discord models shared by the message actions: embeds and the message object."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionInput, ActionOutput

__all__ = [
    "Embed",
    "EmbedField",
    "Message",
    "Snowflake",
    "message_body",
    "nonce_for",
]

Snowflake = Annotated[
    str, Field(pattern=r"^\d{15,21}$", description="A Discord ID (snowflake), e.g. 1100000000000000001")
]


class EmbedField(ActionInput):
    name: Annotated[str, Field(min_length=1, max_length=256)]
    value: Annotated[str, Field(min_length=1, max_length=1024)]
    inline: bool = False


class Embed(ActionInput):
    """A rich embed (a subset of Discord's embed object: what workflows need)."""

    title: Annotated[str | None, Field(max_length=256)] = None
    description: Annotated[str | None, Field(max_length=4096)] = None
    url: str | None = None
    color: Annotated[int | None, Field(ge=0, le=0xFFFFFF, description="RGB as an integer, e.g. 5814783")] = (
        None
    )
    fields: Annotated[list[EmbedField], Field(max_length=25)] = []
    footer: Annotated[str | None, Field(max_length=2048)] = None
    image_url: str | None = None

    def to_discord(self) -> dict[str, Any]:
        """The embed object Discord expects (footer and image are nested objects)."""
        body = self.model_dump(exclude_none=True, exclude={"footer", "image_url", "fields"})
        if self.fields:
            body["fields"] = [f.model_dump() for f in self.fields]
        if self.footer:
            body["footer"] = {"text": self.footer}
        if self.image_url:
            body["image"] = {"url": self.image_url}
        return body


class Message(ActionOutput):
    id: str
    channel_id: str
    content: str = ""
    timestamp: str
    edited_timestamp: str | None = None


def nonce_for(idempotency_key: str) -> str:
    """Discord nonces are at most 25 characters: a digest of the node's idempotency key.

    With ``enforce_nonce`` Discord returns the earlier message instead of posting a duplicate
    when the same bot sends the same nonce again within a few minutes (a retried attempt).
    """
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:25]


def message_body(content: str | None, embeds: list[Embed]) -> dict[str, Any]:
    """``content`` and ``embeds`` as Discord's JSON (omitting what is unset)."""
    body: dict[str, Any] = {}
    if content is not None:
        body["content"] = content
    if embeds:
        body["embeds"] = [embed.to_discord() for embed in embeds]
    return body
