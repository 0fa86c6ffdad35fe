"""A fake Telegram Bot API: the token in the path, ``{"ok": false, "error_code", "description"}``
errors, JSON / form / multipart bodies, and ``getUpdates`` offsets."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["BLOCKED_CHAT", "CHANNEL_CHAT", "PRIVATE_CHAT", "VALID_TOKEN", "FakeTelegram", "telegram_error"]

VALID_TOKEN = "7012345678:AAFakeTelegramBotSecret-0123456789abc"
PRIVATE_CHAT = 42
CHANNEL_CHAT = -1001234567890
BLOCKED_CHAT = 7
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")


def telegram_error(code: int, description: str, **parameters: Any) -> dict[str, Any]:
    """The Bot API's error body."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def _fail(code: int, description: str) -> Response:
    return json_response(telegram_error(code, description), code)


class FakeTelegram(FakeServer):
    """sendMessage, sendPhoto, sendDocument and getUpdates."""

    def __init__(self) -> None:
        super().__init__()
        self.chats: dict[int, dict[str, Any]] = {
            PRIVATE_CHAT: {"id": PRIVATE_CHAT, "type": "private", "first_name": "Ada"},
            CHANNEL_CHAT: {
                "id": CHANNEL_CHAT,
                "type": "channel",
                "title": "WFAIB news",
                "username": "wfaib_news",
            },
            BLOCKED_CHAT: {"id": BLOCKED_CHAT, "type": "private", "first_name": "Bob"},
        }
        self.sent: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
        self.updates: list[dict[str, Any]] = []
        self._ids = itertools.count(100)
        self._update_ids = itertools.count(500_000_001)
        self.route("POST", "/bot<token>/<method>")(self._dispatch)

    def push_message(self, text: str, chat_id: int = PRIVATE_CHAT, kind: str = "message") -> int:
        """A user writes to the bot: queue an update for getUpdates."""
        update_id = next(self._update_ids)
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self.chats[chat_id],
            "text": text,
        }
        self.updates.append({"update_id": update_id, kind: message})
        return update_id

    def _params(self, request: Request) -> dict[str, Any]:
        if request.is_json:
            return dict(request.get_json(silent=True) or {})
        return dict(request.values.items())

    def _chat(self, chat_id: Any) -> dict[str, Any] | None:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            return next((c for c in self.chats.values() if c.get("username") == chat_id[1:]), None)
        try:
            return self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            return None

    def _dispatch(self, request: Request, token: str, method: str) -> Response:
        if not _TOKEN_SHAPE.match(token):
            return _fail(404, "Not Found")
        if token != VALID_TOKEN:
            return _fail(401, "Unauthorized")
        params = self._params(request)
        if method == "getUpdates":
            return self._get_updates(params)
        if method not in {"sendMessage", "sendPhoto", "sendDocument"}:
            return _fail(404, "Not Found: method not found")
        if "chat_id" not in params:
            return _fail(400, "Bad Request: chat_id is empty")
        chat = self._chat(params["chat_id"])
        if chat is None:
            return _fail(400, "Bad Request: chat not found")
        if chat["id"] == BLOCKED_CHAT:
            return _fail(403, "Forbidden: bot was blocked by the user")
        message: dict[str, Any] = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat}
        if method == "sendMessage":
            if not params.get("text"):
                return _fail(400, "Bad Request: message text is empty")
            message["text"] = params["text"]
        else:
            field = "photo" if method == "sendPhoto" else "document"
            file_id = self._file(request, params, field)
            if file_id is None:
                wrong = "wrong file identifier/HTTP URL specified"
                return _fail(
                    400,
                    f"Bad Request: {wrong}"
                    if params.get(field)
                    else f"Bad Request: there is no {field} in the request",
                )
            if field == "photo":
                message["photo"] = [
                    {"file_id": f"{file_id}-s", "width": 90, "height": 90},
                    {"file_id": file_id, "width": 800, "height": 800},
                ]
            else:
                message["document"] = {
                    "file_id": file_id,
                    "file_name": request.files[field].filename if field in request.files else "remote",
                }
            if params.get("caption"):
                message["caption"] = params["caption"]
        self.sent.append({"method": method, **params})
        return json_response({"ok": True, "result": message})

    def _file(self, request: Request, params: dict[str, Any], field: str) -> str | None:
        if field in request.files:
            file_id = f"BQACAgIAAx{len(self.uploads):04d}"
            self.uploads[file_id] = request.files[field].read()
            return file_id
        value = params.get(field)
        if not value:
            return None
        if str(value).startswith(("http://", "https://")):
            return f"AgACAgIAAxURL{len(self.uploads):04d}"
        if str(value) not in self.uploads and not str(value).startswith("AgAC"):
            return None
        return str(value)

    def _get_updates(self, params: dict[str, Any]) -> Response:
        offset = int(params.get("offset") or 0)
        if offset:  # confirmed: Telegram forgets every update below the offset
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        allowed = params.get("allowed_updates") or ["message"]
        pending = [u for u in self.updates if any(kind in u for kind in allowed)]
        return json_response({"ok": True, "result": pending[: int(params.get("limit") or 100)]})
