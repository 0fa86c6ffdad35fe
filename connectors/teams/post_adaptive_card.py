"""Teams: post an Adaptive Card to a Workflows or incoming webhook (teams.post_adaptive_card, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

from connectors.sdk import ActionContext, ActionInput
from connectors.teams.connector import TEAMS
from connectors.teams.webhook import WebhookDelivery, post_to_webhook

__all__ = ["PostAdaptiveCardInput", "post_adaptive_card"]


class PostAdaptiveCardInput(ActionInput):
    card: Annotated[
        dict[str, Any],
        Field(description='An Adaptive Card: {"type": "AdaptiveCard", "version": "1.4", "body": [...]}'),
    ]

    @field_validator("card")
    @classmethod
    def _is_adaptive_card(cls, card: dict[str, Any]) -> dict[str, Any]:
        if card.get("type") != "AdaptiveCard":
            raise ValueError('must have "type": "AdaptiveCard"')
        if not isinstance(card.get("body"), list) or not card["body"]:
            raise ValueError('needs a non-empty "body" list')
        return card


@TEAMS.action("post_adaptive_card", version=1, side_effect=True)
def post_adaptive_card(params: PostAdaptiveCardInput, ctx: ActionContext) -> WebhookDelivery:
    """Post an Adaptive Card as a message attachment (the shape both webhook kinds accept)."""
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4"} | params.card
    message = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }
    return post_to_webhook(ctx, message)
