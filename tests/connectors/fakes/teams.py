"""A fake Microsoft Teams: Graph v1.0 channel messages and channels (OAuth2 bearer,
``{"error": {"code", "message"}}``, ``@odata.nextLink``), an incoming webhook (answers ``1``,
throttles with HTTP 200 and an error text) and a Workflows webhook (202, ``sig`` in the query)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = [
    "ACCESS_TOKEN",
    "CHANNEL_ID",
    "INCOMING_SIG",
    "TEAM_ID",
    "WORKFLOW_SIG",
    "FakeTeams",
    "graph_error",
]

ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImZha2UifQ.graph-access-token-secret"
TEAM_ID = "172b0cce-e65d-44ce-9a49-91d9f2e8493a"
CHANNEL_ID = "19:561fbdbbfca848a484f0a6f00ce9dbbd@thread.tacv2"
INCOMING_SIG = "incoming-webhook-signature-V2abcdef0123456789"
WORKFLOW_SIG = "workflow-sig-Qx1fake0123456789abcdefghij"
_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
_INCOMING_PATH = (
    f"/webhookb2/{TEAM_ID}@{_TENANT}/IncomingWebhook/0f1e2d3c4b5a/9d9c9b9a-1111-2222-3333-444455556666"
)


def graph_error(code: str, message: str) -> dict[str, Any]:
    """Graph's error body."""
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"date": "2026-11-22T00:00:00", "request-id": "b1c2", "client-request-id": "b1c2"},
        }
    }


class FakeTeams(FakeServer):
    """Graph (messages, replies, channels) and both kinds of webhook."""

    def __init__(self) -> None:
        super().__init__()
        self.channels = [
            {
                "id": CHANNEL_ID if n == 0 else f"19:{n:032x}@thread.tacv2",
                "displayName": "General" if n == 0 else f"channel {n}",
                "description": None,
                "membershipType": "private" if n == 4 else "standard",
            }
            for n in range(5)
        ]
        self.messages: dict[str, dict[str, Any]] = {}
        self.webhook_posts: list[dict[str, Any]] = []
        self.throttle_incoming = False
        self._ids = itertools.count(1_700_000_000_001)
        graph = "/v1.0/teams/<team_id>/channels"
        self.route("GET", graph)(self._list_channels)
        self.route("POST", f"{graph}/<channel_id>/messages")(self._post)
        self.route("POST", f"{graph}/<channel_id>/messages/<message_id>/replies")(self._post)
        self.route("POST", _INCOMING_PATH + "/<sig>")(self._incoming)
        self.route("POST", "/workflows/<workflow_id>/triggers/manual/paths/invoke")(self._workflow)

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v1.0"

    def incoming_webhook_url(self, sig: str = INCOMING_SIG) -> str:
        return f"{self.url}{_INCOMING_PATH}/{sig}"

    def workflow_url(self, sig: str = WORKFLOW_SIG) -> str:
        return (
            f"{self.url}/workflows/6b0c1f0e2d3a4c5b/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={sig}"
        )

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            message = (
                "Access token is empty."
                if "Authorization" not in request.headers
                else ("IDX14100: JWT is not well formed, there are no dots (.).")
            )
            return json_response(graph_error("InvalidAuthenticationToken", message), 401)
        return None

    def _team(self, team_id: str) -> Response | None:
        if team_id != TEAM_ID:
            return json_response(graph_error("NotFound", f"No team found with Group Id {team_id}"), 404)
        return None

    def _list_channels(self, request: Request, team_id: str) -> Response:
        if (failed := self._denied(request) or self._team(team_id)) is not None:
            return failed
        channels = self.channels
        wanted = request.args.get("$filter")
        if wanted == "membershipType eq 'private'":
            channels = [c for c in channels if c["membershipType"] == "private"]
        elif wanted:
            return json_response(graph_error("BadRequest", f"Invalid filter clause: {wanted}"), 400)
        start = int(request.args.get("$skiptoken") or 0)
        body: dict[str, Any] = {
            "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#teams('{team_id}')/channels",
            "value": channels[start : start + 2],
        }
        if start + 2 < len(channels):
            body["@odata.nextLink"] = f"{self.graph_url}/teams/{team_id}/channels?$skiptoken={start + 2}"
        return json_response(body)

    def _post(
        self, request: Request, team_id: str, channel_id: str, message_id: str | None = None
    ) -> Response:
        if (failed := self._denied(request) or self._team(team_id)) is not None:
            return failed
        if not any(c["id"] == channel_id for c in self.channels):
            return json_response(graph_error("NotFound", "Channel not found"), 404)
        if message_id is not None and message_id not in self.messages:
            return json_response(graph_error("NotFound", f"Message {message_id} not found"), 404)
        body = request.get_json(silent=True) or {}
        content = (body.get("body") or {}).get("content")
        if not content:
            return json_response(graph_error("BadRequest", "Missing body content"), 400)
        new_id = str(next(self._ids))
        message = {
            "id": new_id,
            "replyToId": message_id,
            "createdDateTime": datetime.now(UTC).isoformat(),
            "subject": body.get("subject"),
            "importance": body.get("importance", "normal"),
            "body": body["body"],
            "webUrl": f"https://teams.microsoft.com/l/message/{channel_id}/{new_id}",
            "from": {"user": {"id": "8ea0e38b", "displayName": "Ada Lovelace"}},
        }
        self.messages[new_id] = message
        headers = {"client-request-id": request.headers.get("client-request-id", "")}
        return json_response(message, 201, headers)

    def _incoming(self, request: Request, sig: str) -> Response:
        if sig != INCOMING_SIG:
            return Response("Invalid webhook URL", status=400, content_type="text/plain")
        if self.throttle_incoming:
            text = "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-eus-4,cv=x."
            return Response(text, status=200, content_type="text/plain")
        card = request.get_json(silent=True) or {}
        if card.get("type") == "message":
            if not card.get("attachments"):
                return Response("Bad payload received by generic incoming webhook.", status=400)
        elif not (card.get("text") or card.get("summary")):
            return Response("Summary or Text is required.", status=400, content_type="text/plain")
        self.webhook_posts.append(card)
        return Response("1", status=200, content_type="text/plain")

    def _workflow(self, request: Request, workflow_id: str) -> Response:
        if request.args.get("sig") != WORKFLOW_SIG:
            return json_response(
                {
                    "error": {
                        "code": "DirectApiInvalidAuthorizationSignature",
                        "message": "The provided authentication token is not valid, the signature does not match.",
                    }
                },
                401,
            )
        payload = request.get_json(silent=True) or {}
        if not payload.get("attachments"):
            return json_response(
                {
                    "error": {
                        "code": "TriggerInputSchemaMismatch",
                        "message": "The input body for trigger 'manual' of type 'Request' did not match its schema "
                        "definition. Error details: 'Required properties are missing from object: attachments.'.",
                    }
                },
                400,
            )
        self.webhook_posts.append(payload)
        return Response(status=202)
