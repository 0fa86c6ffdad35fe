"""Twilio: list messages, following ``next_page_uri`` (twilio.list_messages, v1)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.twilio.connector import TWILIO, account_path
from connectors.twilio.models import Message, PhoneNumber

__all__ = ["ListMessagesInput", "ListMessagesOutput", "list_messages"]


class ListMessagesInput(ActionInput):
    to: PhoneNumber | None = None
    from_number: PhoneNumber | None = None
    sent_on_or_after: Annotated[date | None, Field(description="DateSent>=, e.g. 2026-11-01 (UTC)")] = None
    sent_on_or_before: Annotated[date | None, Field(description="DateSent<=")] = None
    page_size: Annotated[int, Field(ge=1, le=1000)] = 50
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3


class ListMessagesOutput(ActionOutput):
    messages: list[Message]
    has_more: bool


@TWILIO.action("list_messages", version=1)
def list_messages(params: ListMessagesInput, ctx: ActionContext) -> ListMessagesOutput:
    """Messages of the account, newest first, filtered by number and send date."""
    query: dict[str, Any] = {"PageSize": params.page_size}
    if params.to:
        query["To"] = params.to
    if params.from_number:
        query["From"] = params.from_number
    # Twilio spells ranges as keys: DateSent>=2026-11-01 is the key "DateSent>" with a value.
    if params.sent_on_or_after:
        query["DateSent>"] = params.sent_on_or_after.isoformat()
    if params.sent_on_or_before:
        query["DateSent<"] = params.sent_on_or_before.isoformat()
    messages: list[Message] = []
    page = ctx.http.get(f"{account_path(ctx)}/Messages.json", params=query).json()
    for page_number in range(params.max_pages):
        messages.extend(Message.model_validate(item) for item in page.get("messages", []))
        next_uri = page.get("next_page_uri")
        if not next_uri or page_number + 1 >= params.max_pages:
            break
        page = ctx.http.get(next_uri).json()  # a path with the page token and the same filters
    return ListMessagesOutput(messages=messages, has_more=bool(page.get("next_page_uri")))
