"""A fake HubSpot CRM v3 API: private-app bearer tokens, contacts and deals, search with filter groups
and ``paging.next.after``, HubSpot's error bodies (``category``, ``correlationId``) and its 429
policies (``TEN_SECONDLY_ROLLING``, ``DAILY``)."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["TOKEN", "FakeHubSpot", "hubspot_error", "rate_limit_body"]

TOKEN = "pat-na1-00000000-fake-fake-fake-000000000000"
_DEFAULTS = {
    "contacts": ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
    "deals": [
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ],
}
_KNOWN = {
    "contacts": {"email", "firstname", "lastname", "phone", "company", "lifecyclestage", "city"},
    "deals": {"dealname", "amount", "dealstage", "pipeline", "closedate", "hubspot_owner_id"},
}
_NOW = "2026-11-21T09:00:00.000Z"


def hubspot_error(status: int, category: str, message: str, **extra: Any) -> Response:
    """HubSpot's error body."""
    body = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
        **extra,
    }
    return json_response(body, status)


def rate_limit_body(policy: str = "TEN_SECONDLY_ROLLING") -> dict[str, Any]:
    """The body of HubSpot's 429 for ``policy``."""
    message = (
        "You have reached your daily limit."
        if policy == "DAILY"
        else "You have reached your ten_secondly_rolling limit."
    )
    return {
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "groupName": "privateapp:12345",
    }


class FakeHubSpot(FakeServer):
    """One HubSpot account's contacts and deals."""

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, dict[str, dict[str, Any]]] = {"contacts": {}, "deals": {}}
        self.associations: list[tuple[str, str, int]] = []
        self._ids = itertools.count(51)
        for kind in ("contacts", "deals"):
            self.route("POST", f"/crm/v3/objects/{kind}")(self._create)
            self.route("GET", f"/crm/v3/objects/{kind}/<object_id>")(self._get)
            self.route("PATCH", f"/crm/v3/objects/{kind}/<object_id>")(self._update)
            self.route("POST", f"/crm/v3/objects/{kind}/search")(self._search)

    @staticmethod
    def _kind(request: Request) -> str:
        return request.path.split("/")[4]

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return hubspot_error(
                401,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
                "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            )
        return None

    def _invalid(self, kind: str, properties: dict[str, Any]) -> Response | None:
        problems = []
        for name, value in properties.items():
            if name not in _KNOWN[kind]:
                problems.append(
                    {
                        "isValid": False,
                        "message": f'Property "{name}" does not exist',
                        "error": "PROPERTY_DOESNT_EXIST",
                        "name": name,
                    }
                )
            elif name == "email" and "@" not in str(value):
                problems.append(
                    {
                        "isValid": False,
                        "message": f"Email address {value} is invalid",
                        "error": "INVALID_EMAIL",
                        "name": name,
                    }
                )
            elif name == "amount" and value is not None:
                try:
                    float(value)
                except ValueError:
                    problems.append(
                        {
                            "isValid": False,
                            "message": f"{value} was not a valid number.",
                            "error": "INVALID_FLOAT",
                            "name": name,
                        }
                    )
        if problems:
            return hubspot_error(
                400, "VALIDATION_ERROR", f"Property values were not valid: {json.dumps(problems)}"
            )
        return None

    def _view(self, kind: str, item: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
        names = [*_DEFAULTS[kind], *wanted]
        return {
            "id": item["id"],
            "properties": {name: item["properties"].get(name) for name in names},
            "createdAt": _NOW,
            "updatedAt": item["updatedAt"],
            "archived": False,
        }

    def add(self, kind: str, **properties: Any) -> dict[str, Any]:
        object_id = str(next(self._ids))
        item = {
            "id": object_id,
            "properties": {
                **{k: None if v is None else str(v) for k, v in properties.items()},
                "hs_object_id": object_id,
                "createdate": _NOW,
            },
            "updatedAt": _NOW,
        }
        self.objects[kind][object_id] = item
        return item

    def _find(self, kind: str, object_id: str, id_property: str | None) -> dict[str, Any] | None:
        if id_property:
            return next(
                (i for i in self.objects[kind].values() if i["properties"].get(id_property) == object_id),
                None,
            )
        return self.objects[kind].get(object_id)

    def _create(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        kind = self._kind(request)
        body = request.get_json(silent=True) or {}
        properties = body.get("properties") or {}
        if (invalid := self._invalid(kind, properties)) is not None:
            return invalid
        email = properties.get("email")
        existing = email and self._find(kind, email, "email")
        if existing:
            return hubspot_error(409, "CONFLICT", f"Contact already exists. Existing ID: {existing['id']}")
        for association in body.get("associations") or []:
            target = association["to"]["id"]
            if target not in self.objects["contacts"]:
                return hubspot_error(
                    400,
                    "VALIDATION_ERROR",
                    f"One or more associations are invalid: contact {target} not found",
                )
        item = self.add(kind, **properties)
        for association in body.get("associations") or []:
            self.associations.append(
                (item["id"], association["to"]["id"], association["types"][0]["associationTypeId"])
            )
        return json_response(self._view(kind, item, list(properties)), 201)

    def _get(self, request: Request, object_id: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        kind = self._kind(request)
        item = self._find(kind, object_id, request.args.get("idProperty"))
        if item is None:
            return hubspot_error(404, "OBJECT_NOT_FOUND", "resource not found")
        wanted = [p for p in request.args.get("properties", "").split(",") if p]
        return json_response(self._view(kind, item, wanted))

    def _update(self, request: Request, object_id: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        kind = self._kind(request)
        item = self._find(kind, object_id, request.args.get("idProperty"))
        if item is None:
            return hubspot_error(404, "OBJECT_NOT_FOUND", "resource not found")
        properties = (request.get_json(silent=True) or {}).get("properties") or {}
        if (invalid := self._invalid(kind, properties)) is not None:
            return invalid
        item["properties"].update(properties)
        item["updatedAt"] = "2026-11-21T10:00:00.000Z"
        return json_response(self._view(kind, item, list(properties)))

    @staticmethod
    def _passes(item: dict[str, Any], rule: dict[str, Any]) -> bool:
        actual = item["properties"].get(rule["propertyName"])
        operator, value = rule["operator"], rule.get("value")
        if operator == "HAS_PROPERTY":
            return actual is not None
        if operator == "EQ":
            return actual is not None and actual.casefold() == str(value).casefold()
        if operator == "NEQ":
            return actual is None or actual.casefold() != str(value).casefold()
        if operator == "IN":
            return actual in rule.get("values", [])
        if operator == "CONTAINS_TOKEN":
            return actual is not None and str(value).strip("*").casefold() in actual.casefold()
        if operator in {"GT", "GTE", "LT", "LTE"} and actual is not None:
            a, b = float(actual), float(value or 0)
            return {"GT": a > b, "GTE": a >= b, "LT": a < b, "LTE": a <= b}[operator]
        return False

    def _search(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        kind = self._kind(request)
        body = request.get_json(silent=True) or {}
        limit = int(body.get("limit", 10))
        if limit > 200:
            return hubspot_error(400, "VALIDATION_ERROR", "limit must be less than or equal to 200")
        items = list(self.objects[kind].values())
        groups = body.get("filterGroups") or []
        if groups:
            items = [i for i in items if any(all(self._passes(i, f) for f in g["filters"]) for g in groups)]
        if body.get("query"):
            text = str(body["query"]).casefold()
            items = [
                i for i in items if any(text in str(v).casefold() for v in i["properties"].values() if v)
            ]
        for sort in body.get("sorts") or []:
            items.sort(
                key=lambda i: str(i["properties"].get(sort["propertyName"]) or ""),
                reverse=sort["direction"] == "DESCENDING",
            )
        start = int(body.get("after") or 0)
        page = items[start : start + limit]
        result: dict[str, Any] = {
            "total": len(items),
            "results": [self._view(kind, i, body.get("properties") or []) for i in page],
        }
        if start + limit < len(items):
            result["paging"] = {"next": {"after": str(start + limit), "link": "?after=" + str(start + limit)}}
        return json_response(result)
