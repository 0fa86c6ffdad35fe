"""Telegram: send a document (telegram.send_document, v1)."""

from __future__ import annotations

from connectors.sdk import ActionContext
from connectors.telegram.connector import TELEGRAM, call
from connectors.telegram.models import FileInput, SentMessage, file_request, sent_message

__all__ = ["send_document"]


@TELEGRAM.action("send_document", version=1, side_effect=True)
def send_document(params: FileInput, ctx: ActionContext) -> SentMessage:
    """Send a file (up to 50 MB) by URL or file_id, or upload it from base64 content."""
    return sent_message(call(ctx, "sendDocument", **file_request(params, "document")))
