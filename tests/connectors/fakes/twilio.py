"""A fake Twilio REST API (2010-04-01): Basic auth with the Account SID or an API key,
form-encoded Messages, ``next_page_uri`` paging and ``{"code", "message", "more_info", "status"}``."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = [
    "ACCOUNT_SID",
    "API_KEY_SECRET",
    "API_KEY_SID",
    "AUTH_TOKEN",
    "OWNED_NUMBER",
    "FakeTwilio",
    "twilio_error",
]

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-0123456789abcdef"
API_KEY_SID = "SK" + "fedcba9876543210" * 2
API_KEY_SECRET = "twilio-api-key-secret-abcdefghij"
OWNED_NUMBER = "+15005550006"
_START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    """Twilio's error body."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _fail(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(twilio_error(status, code, message), status, headers)


class FakeTwilio(FakeServer):
    """Create, fetch and list Messages of one account."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []  # oldest first; listed newest first
        self._sids = itertools.count(1)
        base = "/2010-04-01/Accounts/<account_sid>"
        self.route("POST", f"{base}/Messages.json")(self._create)
        self.route("GET", f"{base}/Messages.json")(self._list)
        self.route("GET", f"{base}/Messages/<sid>.json")(self._fetch)

    def _denied(self, request: Request, account_sid: str) -> Response | None:
        auth = request.authorization
        pairs = {(ACCOUNT_SID, AUTH_TOKEN), (API_KEY_SID, API_KEY_SECRET)}
        if auth is None or (auth.username, auth.password) not in pairs or account_sid != ACCOUNT_SID:
            return _fail(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
        return None

    def add_message(self, to: str, body: str, sent: datetime) -> dict[str, Any]:
        """A message already in the account (for listing)."""
        sid = f"SM{next(self._sids):032x}"
        message = {
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "api_version": "2010-04-01",
            "to": to,
            "from": OWNED_NUMBER,
            "body": body,
            "status": "delivered",
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "date_created": format_datetime(sent),
            "date_sent": format_datetime(sent),
            "date_updated": format_datetime(sent),
            "error_code": None,
            "error_message": None,
            "price": "-0.00790",
            "price_unit": "USD",
            "messaging_service_sid": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
            "_sent": sent,
        }
        self.messages.append(message)
        return message

    def seed(self, count: int, to: str = "+15558675310") -> None:
        for day in range(count):
            self.add_message(to, f"message {day}", _START + timedelta(days=day))

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in message.items() if not key.startswith("_")}

    def _create(self, request: Request, account_sid: str) -> Response:
        if (denied := self._denied(request, account_sid)) is not None:
            return denied
        form = request.form
        to = form.get("To", "")
        if not to.lstrip("+").isdigit() or len(to) < 8:
            return _fail(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if "From" not in form and "MessagingServiceSid" not in form:
            return _fail(
                400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message"
            )
        if "From" in form and form["From"] != OWNED_NUMBER:
            return _fail(
                400,
                21606,
                f"The From phone number {form['From']} is not a valid, SMS-capable inbound phone number "
                "or short code for your account.",
            )
        media = form.getlist("MediaUrl")
        if not form.get("Body") and not media:
            return _fail(400, 21602, "Message body is required.")
        message = self.add_message(to, form.get("Body", ""), datetime.now(UTC))
        message |= {
            "status": "queued",
            "date_sent": None,
            "price": None,
            "num_media": str(len(media)),
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "_media": media,
        }
        return json_response(self._public(message), 201)

    def _fetch(self, request: Request, account_sid: str, sid: str) -> Response:
        if (denied := self._denied(request, account_sid)) is not None:
            return denied
        found = next((m for m in self.messages if m["sid"] == sid), None)
        if found is None:
            return _fail(404, 20404, f"The requested resource {request.path} was not found")
        return json_response(self._public(found))

    def _list(self, request: Request, account_sid: str) -> Response:
        if (denied := self._denied(request, account_sid)) is not None:
            return denied
        args = request.args
        selected = [m for m in reversed(self.messages) if args.get("To") in (None, m["to"])]
        selected = [m for m in selected if args.get("From") in (None, m["from"])]
        if "DateSent>" in args:
            selected = [m for m in selected if m["_sent"].date().isoformat() >= args["DateSent>"]]
        if "DateSent<" in args:
            selected = [m for m in selected if m["_sent"].date().isoformat() <= args["DateSent<"]]
        size = int(args.get("PageSize", 50))
        page = int(args.get("Page", 0))
        if page and args.get("PageToken") != f"PA{page * size}":
            return _fail(400, 20001, "Invalid PageToken")
        chunk = selected[page * size : (page + 1) * size]
        path = request.path
        filters = {k: v for k, v in args.items() if k not in {"PageSize", "Page", "PageToken"}}
        keep = f"&{urlencode(filters)}" if filters else ""
        more = (page + 1) * size < len(selected)
        next_uri = (
            f"{path}?PageSize={size}&Page={page + 1}&PageToken=PA{(page + 1) * size}{keep}" if more else None
        )
        return json_response(
            {
                "messages": [self._public(m) for m in chunk],
                "page": page,
                "page_size": size,
                "start": page * size,
                "end": page * size + len(chunk) - 1,
                "uri": request.full_path,
                "first_page_uri": f"{path}?PageSize={size}&Page=0{keep}",
                "next_page_uri": next_uri,
                "previous_page_uri": None,
            }
        )
