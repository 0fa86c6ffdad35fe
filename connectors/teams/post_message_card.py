"""Teams: post a MessageCard to an incoming webhook (teams.post_message_card, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput
from connectors.teams.connector import TEAMS
from connectors.teams.webhook import WebhookDelivery, post_to_webhook

__all__ = ["Fact", "LinkButton", "PostMessageCardInput", "post_message_card"]


class Fact(ActionInput):
    name: Annotated[str, Field(min_length=1)]
    value: str


class LinkButton(ActionInput):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    url: Annotated[str, Field(pattern=r"^https?://")]


class PostMessageCardInput(ActionInput):
    title: Annotated[str | None, Field(max_length=500)] = None
    text: Annotated[str, Field(min_length=1, max_length=20_000, description="Markdown")]
    summary: Annotated[str | None, Field(description="Notification text; defaults to the title or text")] = (
        None
    )
    theme_color: Annotated[str | None, Field(pattern=r"^#?[0-9A-Fa-f]{6}$", description="e.g. 0076D7")] = None
    facts: Annotated[list[Fact], Field(max_length=50)] = []
    buttons: Annotated[list[LinkButton], Field(max_length=4)] = []


@TEAMS.action("post_message_card", version=1, side_effect=True)
def post_message_card(params: PostMessageCardInput, ctx: ActionContext) -> WebhookDelivery:
    """Post a MessageCard (title, Markdown text, facts, link buttons) to an incoming webhook.

    Webhooks take no idempotency key; the client never replays the POST after a server error.
    """
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": params.summary or params.title or params.text[:100],
        "text": params.text,
    }
    if params.title:
        card["title"] = params.title
    if params.theme_color:
        card["themeColor"] = params.theme_color.lstrip("#")
    if params.facts:
        card["sections"] = [{"facts": [fact.model_dump() for fact in params.facts]}]
    if params.buttons:
        card["potentialAction"] = [
            {"@type": "OpenUri", "name": button.name, "targets": [{"os": "default", "uri": button.url}]}
            for button in params.buttons
        ]
    return post_to_webhook(ctx, card)
