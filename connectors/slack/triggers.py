"""Slack trigger: ``message_posted`` (Events API webhook, signed with the app's signing secret)."""

from __future__ import annotations

import time
from typing import Any

from connectors.sdk import ActionInput, ActionOutput, WebhookRequest
from connectors.sdk.encoding import hmac_sha256_hex, signatures_match
from connectors.slack.connector import SLACK

__all__ = [
    "TOLERANCE_SECONDS",
    "MessageEvent",
    "MessagePostedConfig",
    "parse_message_posted",
    "verify_signature",
]

TOLERANCE_SECONDS = 300


class MessagePostedConfig(ActionInput):
    channel: str | None = None


class MessageEvent(ActionOutput):
    type: str
    channel: str
    user: str | None = None
    text: str = ""
    ts: str


def verify_signature(request: WebhookRequest, secret: str, *, now: float | None = None) -> bool:
    """``X-Slack-Signature: v0=<hex HMAC of "v0:<timestamp>:<body>">``, timestamp within five minutes."""
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    given = request.headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or not given:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = "v0=" + hmac_sha256_hex(secret, f"v0:{timestamp}:".encode() + request.body)
    return signatures_match(expected, given)


def parse_message_posted(request: WebhookRequest) -> list[dict[str, Any]]:
    """``event_callback`` envelopes carrying a plain ``message`` event (edits and bot echoes skipped)."""
    body = request.json_body()
    event = body.get("event") or {}
    if body.get("type") != "event_callback" or event.get("type") != "message" or event.get("subtype"):
        return []
    return [event]


SLACK.webhook_trigger(
    "message_posted",
    version=1,
    config=MessagePostedConfig,
    event=MessageEvent,
    verify=verify_signature,
    parse=parse_message_posted,
    description="Starts a run when a message is posted in a channel the app is in (Events API).",
)
