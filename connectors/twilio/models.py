"""Twilio models: phone numbers and the Message resource."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionOutput

__all__ = ["Message", "MessageSid", "PhoneNumber"]

PhoneNumber = Annotated[
    str,
    Field(
        pattern=r"^(\+[1-9]\d{6,14}|whatsapp:\+[1-9]\d{6,14})$",
        description="E.164, e.g. +15558675310 (or whatsapp:+15558675310)",
    ),
]
MessageSid = Annotated[str, Field(pattern=r"^(SM|MM)[0-9a-fA-F]{32}$", description="SM... or MM...")]


class Message(ActionOutput):
    sid: str
    status: str
    to: str
    from_: Annotated[str | None, Field(alias="from")] = None
    body: str = ""
    direction: str | None = None
    num_segments: str | None = None
    num_media: str | None = None
    date_created: str | None = None
    date_sent: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    price: str | None = None
    price_unit: str | None = None
    messaging_service_sid: str | None = None
