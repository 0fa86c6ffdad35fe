"""A fake SendGrid v3 API: bearer API key, ``{"errors": [...]}`` bodies, 202s, page tokens, X-RateLimit-Reset."""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["VALID_KEY", "FakeSendGrid"]

VALID_KEY = "SG.fakeSendGridKey.0123456789abcdefghijklmnopqrstuvwxyz"


def _errors(status: int, *errors: tuple[str | None, str]) -> Response:
    return json_response({"errors": [{"field": f, "message": m, "help": None} for f, m in errors]}, status)


class FakeSendGrid(FakeServer):
    """Mail send, marketing contacts and lists."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []
        self.contacts: dict[str, dict[str, Any]] = {}
        self.lists = [{"id": str(uuid.uuid4()), "name": f"list {n}", "contact_count": n} for n in range(5)]
        self.route("POST", "/v3/mail/send")(self._send)
        self.route("PUT", "/v3/marketing/contacts")(self._upsert)
        self.route("POST", "/v3/marketing/contacts/search/emails")(self._search)
        self.route("GET", "/v3/marketing/lists")(self._lists)

    def _guard(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {VALID_KEY}":
            return _errors(401, (None, "The provided authorization grant is invalid, expired, or revoked"))
        return None

    def _send(self, request: Request) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        sender = str(body.get("from", {}).get("email", ""))
        if "@" not in sender or "." not in sender.rsplit("@", 1)[-1]:
            return _errors(400, ("from.email", "The from email does not contain a valid address."))
        self.sent.append(body)
        return Response(b"", status=202, headers={"X-Message-Id": f"msg-{len(self.sent)}"})

    def _upsert(self, request: Request) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        for contact in (request.get_json(silent=True) or {}).get("contacts", []):
            self.contacts[contact["email"]] = {"id": str(uuid.uuid4()), **contact}
        return json_response({"job_id": str(uuid.uuid4())}, 202)

    def _search(self, request: Request) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        emails = (request.get_json(silent=True) or {}).get("emails", [])
        if not any(email in self.contacts for email in emails):
            return _errors(404, (None, "No contacts found"))
        result = {
            email: {"contact": self.contacts[email]}
            if email in self.contacts
            else {"error": "contact not found"}
            for email in emails
        }
        return json_response({"result": result})

    def _lists(self, request: Request) -> Response:
        if (denied := self._guard(request)) is not None:
            return denied
        size = int(request.args.get("page_size", 100))
        start = int(request.args.get("page_token") or 0)
        metadata: dict[str, Any] = {"self": f"{self.url}/v3/marketing/lists", "count": len(self.lists)}
        if start + size < len(self.lists):
            metadata["next"] = f"{self.url}/v3/marketing/lists?page_size={size}&page_token={start + size}"
        return json_response({"result": self.lists[start : start + size], "_metadata": metadata})
