"""Telegram: send a photo (telegram.send_photo, v1)."""

from __future__ import annotations

from connectors.sdk import ActionContext
from connectors.telegram.connector import TELEGRAM, call
from connectors.telegram.models import FileInput, SentMessage, file_request, sent_message

__all__ = ["send_photo"]


@TELEGRAM.action("send_photo", version=1, side_effect=True)
def send_photo(params: FileInput, ctx: ActionContext) -> SentMessage:
    """Send a photo by URL or file_id, or upload it (multipart); ``file_id`` in the output reuses it."""
    return sent_message(call(ctx, "sendPhoto", **file_request(params, "photo")))
