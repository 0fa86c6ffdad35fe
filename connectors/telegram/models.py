"""Telegram models shared by the send actions: the chat id, file inputs and the sent message."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from connectors.sdk import ActionInput, ActionOutput, InvalidInputError

__all__ = ["ChatId", "FileInput", "ParseMode", "SentMessage", "file_request", "sent_message"]

ChatId = Annotated[
    int | str,
    Field(
        description="Numeric chat id (e.g. -1001234567890) or @channelusername", union_mode="left_to_right"
    ),
]
ParseMode = Literal["MarkdownV2", "HTML", "Markdown"]


class FileInput(ActionInput):
    """A file to send: a public URL or a Telegram ``file_id``, or the bytes (base64) to upload."""

    chat_id: ChatId
    url_or_file_id: Annotated[
        str | None, Field(min_length=1, description="HTTP URL or a file_id sent before")
    ] = None
    content_base64: Annotated[str | None, Field(description="Upload these bytes (base64)")] = None
    filename: Annotated[str, Field(min_length=1, max_length=255)] = "file"
    caption: Annotated[str | None, Field(max_length=1024)] = None
    parse_mode: ParseMode | None = None
    disable_notification: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> FileInput:
        if (self.url_or_file_id is None) == (self.content_base64 is None):
            raise ValueError("give exactly one of url_or_file_id and content_base64")
        return self


class SentMessage(ActionOutput):
    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    caption: str | None = None
    file_id: str | None = None


def sent_message(result: dict[str, Any]) -> SentMessage:
    """Telegram's Message object flattened: chat id, and the file id of a photo or document."""
    file_id = None
    if result.get("photo"):  # sizes, smallest first: the largest is the original
        file_id = result["photo"][-1]["file_id"]
    elif result.get("document"):
        file_id = result["document"]["file_id"]
    return SentMessage(
        message_id=result["message_id"],
        chat_id=result["chat"]["id"],
        date=result["date"],
        text=result.get("text"),
        caption=result.get("caption"),
        file_id=file_id,
    )


def file_request(params: FileInput, field: str) -> dict[str, Any]:
    """The request for sendPhoto/sendDocument: JSON with a URL or file_id, or a multipart upload."""
    fields: dict[str, Any] = {"chat_id": params.chat_id}
    fields |= params.model_dump(include={"caption", "parse_mode"}, exclude_none=True)
    if params.disable_notification:
        fields["disable_notification"] = True
    if params.url_or_file_id is not None:
        return {"json": fields | {field: params.url_or_file_id}}
    try:
        content = base64.b64decode(params.content_base64 or "", validate=True)
    except binascii.Error:
        raise InvalidInputError("params.content_base64: not valid base64") from None
    form = {
        key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in fields.items()
    }
    return {"data": form, "files": {field: (params.filename, content)}}
