"""Slack: add an emoji reaction to a message (slack.add_reaction, v1) — a declarative action."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionInput, ActionOutput, HttpRequest
from connectors.slack.connector import SLACK

__all__ = ["AddReactionInput", "AddReactionOutput"]


class AddReactionInput(ActionInput):
    channel: Annotated[str, Field(min_length=1)]
    timestamp: Annotated[str, Field(min_length=1, description="ts of the message")]
    name: Annotated[str, Field(min_length=1, description="Emoji name without colons, e.g. thumbsup")]


class AddReactionOutput(ActionOutput):
    ok: bool


SLACK.http_action(
    "add_reaction",
    version=1,
    request=HttpRequest("POST", "/reactions.add"),
    input=AddReactionInput,
    output=AddReactionOutput,
    description="Add an emoji reaction to a message.",
)
