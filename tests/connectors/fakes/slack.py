"""A fake Slack Web API: bearer tokens, ``ok: false`` errors on HTTP 200, cursor pagination, 429s."""

from __future__ import annotations

import itertools
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["VALID_TOKEN", "FakeSlack"]

VALID_TOKEN = "xoxb-fake-0123456789-secret"


class FakeSlack(FakeServer):
    """Slack Web API shapes (chat.postMessage, chat.update, reactions.add, conversations.list)."""

    def __init__(self) -> None:
        super().__init__()
        self.channels = [{"id": f"C{i:08d}", "name": f"chan-{i}", "is_private": False} for i in range(5)]
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._ts = itertools.count(1)
        self.route("POST", "/chat.postMessage")(self._post_message)
        self.route("POST", "/chat.update")(self._update)
        self.route("POST", "/reactions.add")(self._react)
        self.route("GET", "/conversations.list")(self._list)

    def _auth(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {VALID_TOKEN}":
            error = "not_authed" if "Authorization" not in request.headers else "invalid_auth"
            return json_response({"ok": False, "error": error})
        return None

    def _channel(self, channel: str) -> bool:
        return any(c["id"] == channel for c in self.channels)

    def _post_message(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        if not body.get("text"):
            return json_response({"ok": False, "error": "no_text"})
        if not self._channel(body.get("channel", "")):
            return json_response({"ok": False, "error": "channel_not_found"})
        ts = f"1700000000.{next(self._ts):06d}"
        self.messages[(body["channel"], ts)] = body
        return json_response(
            {"ok": True, "channel": body["channel"], "ts": ts, "message": {"text": body["text"]}}
        )

    def _update(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        key = (body.get("channel", ""), body.get("ts", ""))
        if key not in self.messages:
            return json_response({"ok": False, "error": "message_not_found"})
        self.messages[key]["text"] = body["text"]
        return json_response({"ok": True, "channel": key[0], "ts": key[1], "text": body["text"]})

    def _react(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        if (body.get("channel", ""), body.get("timestamp", "")) not in self.messages:
            return json_response({"ok": False, "error": "message_not_found"})
        return json_response({"ok": True})

    def _list(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        limit = int(request.args.get("limit", 100))
        start = int(request.args.get("cursor") or 0)
        page = self.channels[start : start + limit]
        next_cursor = str(start + limit) if start + limit < len(self.channels) else ""
        return json_response(
            {"ok": True, "channels": page, "response_metadata": {"next_cursor": next_cursor}}
        )
