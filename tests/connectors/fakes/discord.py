"""A fake Discord API v10: ``Authorization: Bot``, snowflakes, JSON error codes, nonces, webhooks."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["BOT_ID", "CHANNEL_ID", "VALID_TOKEN", "WEBHOOK_ID", "WEBHOOK_TOKEN", "FakeDiscord"]

VALID_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GfAkEd.discord-bot-secret-0123456789"
BOT_ID = "1100000000000000001"
CHANNEL_ID = "1100000000000000100"
WEBHOOK_ID = "1100000000000000200"
WEBHOOK_TOKEN = "webhook-secret-token-abcdefghijklmnopqrstuvwxyz"


def _error(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return json_response(body, status)


def _invalid(field: str, code: str, message: str) -> Response:
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(field.split(".")):
        errors = {part: errors}
    return _error(400, 50035, "Invalid Form Body", errors)


class FakeDiscord(FakeServer):
    """Channel messages (create with nonce, edit, delete), reactions and webhook execution."""

    def __init__(self) -> None:
        super().__init__()
        self.channels = {CHANNEL_ID, "1100000000000000101"}
        self.messages: dict[str, dict[str, Any]] = {}
        self.reactions: dict[str, set[str]] = {}
        self.nonces: dict[str, str] = {}
        self._ids = itertools.count(1200000000000000000)
        api = "/api/v10"
        self.route("POST", f"{api}/channels/<channel_id>/messages")(self._create)
        self.route("PATCH", f"{api}/channels/<channel_id>/messages/<message_id>")(self._edit)
        self.route("DELETE", f"{api}/channels/<channel_id>/messages/<message_id>")(self._delete)
        self.route("PUT", f"{api}/channels/<channel_id>/messages/<message_id>/reactions/<emoji>/@me")(
            self._react
        )
        self.route("POST", "/api/webhooks/<webhook_id>/<token>")(self._execute_webhook)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bot {VALID_TOKEN}":
            return _error(401, 0, "401: Unauthorized")
        return None

    def _validate(self, body: dict[str, Any]) -> Response | None:
        if not body.get("content") and not body.get("embeds"):
            return _error(400, 50006, "Cannot send an empty message")
        if len(body.get("content") or "") > 2000:
            return _invalid("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
        for index, embed in enumerate(body.get("embeds") or []):
            if "url" in embed and not str(embed["url"]).startswith(("http://", "https://")):
                return _invalid(f"embeds.{index}.url", "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        return None

    def _message(self, channel_id: str, body: dict[str, Any], author: str) -> dict[str, Any]:
        message = {
            "id": str(next(self._ids)),
            "type": 0,
            "channel_id": channel_id,
            "author": {"id": author, "username": "wfaib-bot", "bot": True},
            "content": body.get("content", ""),
            "embeds": body.get("embeds", []),
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
        }
        self.messages[message["id"]] = message
        return message

    def _create(self, request: Request, channel_id: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        if channel_id not in self.channels:
            return _error(404, 10003, "Unknown Channel")
        body = request.get_json(silent=True) or {}
        if (invalid := self._validate(body)) is not None:
            return invalid
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce in self.nonces:
            return json_response(self.messages[self.nonces[nonce]])
        reference = body.get("message_reference")
        if reference and reference["message_id"] not in self.messages:
            return _invalid("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        message = self._message(channel_id, body, BOT_ID)
        if nonce is not None:
            self.nonces[nonce] = message["id"]
        return json_response(message)

    def _edit(self, request: Request, channel_id: str, message_id: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return _error(404, 10008, "Unknown Message")
        if message["author"]["id"] != BOT_ID:
            return _error(403, 50005, "Cannot edit a message authored by another user")
        body = request.get_json(silent=True) or {}
        if "content" in body:
            message["content"] = body["content"]
        if "embeds" in body:
            message["embeds"] = body["embeds"]
        message["edited_timestamp"] = datetime.now(UTC).isoformat()
        return json_response(message)

    def _delete(self, request: Request, channel_id: str, message_id: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id:
            return _error(404, 10008, "Unknown Message")
        del self.messages[message_id]
        return Response(status=204)

    def _react(self, request: Request, channel_id: str, message_id: str, emoji: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        if message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        if ":" in emoji and not emoji.rsplit(":", 1)[1].isdigit():
            return _error(400, 10014, "Unknown Emoji")
        self.reactions.setdefault(message_id, set()).add(emoji)
        return Response(status=204)

    def _execute_webhook(self, request: Request, webhook_id: str, token: str) -> Response:
        if webhook_id != WEBHOOK_ID:
            return _error(404, 10015, "Unknown Webhook")
        if token != WEBHOOK_TOKEN:
            return _error(401, 50027, "Invalid Webhook Token")
        body = request.get_json(silent=True) or {}
        if (invalid := self._validate(body)) is not None:
            return invalid
        channel = request.args.get("thread_id") or CHANNEL_ID
        message = self._message(channel, body, WEBHOOK_ID)
        message["author"] = {"id": WEBHOOK_ID, "username": body.get("username", "Captain Hook"), "bot": True}
        if request.args.get("wait") != "true":
            return Response(status=204)
        return json_response(message)
