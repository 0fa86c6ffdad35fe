"""The local EventBridge bus: events are matched against the rules kept in moto and delivered.

moto stores rules but does not invoke our functions. ``LocalEventBus.deliver`` does what
EventBridge does for a workflow's rule: it matches the event with moto's own pattern matcher
(``moto.events.models.EventPattern``, the real pattern language: prefixes, numeric ranges,
``anything-but``, ``exists`` ...), fills the target's input template and invokes the triggers
function in-process. Delivering an event twice (as EventBridge may) starts one run: the function
keys the start on the event id.

``POST /api/events`` is the local stand-in for ``PutEvents``, for a signed-in caller: its events
go to its own tenant's rules only (in AWS, anything that can put events on the bus reaches the
rules: the bus is the customer's).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.events.models import EventPattern
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from functions.api.errors import ApiError
from functions.shared.event_rules import EVENT_PLACEHOLDER, upsert_rule
from functions.shared.settings import Settings

__all__ = ["EventEntry", "LocalEventBus", "PutEventsRequest"]


class EventEntry(BaseModel):
    """One event, as ``PutEvents`` takes it (snake_case)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=256)
    detail_type: str = Field(min_length=1, max_length=128)
    detail: dict[str, Any] = Field(default_factory=dict)
    resources: list[str] = Field(default_factory=list)
    event_bus: str = "default"


class PutEventsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[EventEntry] = Field(min_length=1, max_length=10)


class LocalEventBus:
    """Delivers events to the workflows whose rules match them.

    Example:
        >>> bus = LocalEventBus(events_client, settings, invoke)  # doctest: +SKIP
        >>> bus.put_events("acme", [EventEntry(source="shop", detail_type="order.paid")])  # doctest: +SKIP
        [{'event_id': '...', 'runs': [{'rule': 'wfaib-local-acme-paid-dev', 'run_id': '...', 'replayed': False}]}]
    """

    def __init__(
        self, client: Any, settings: Settings, invoke: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        self._client = client
        self._settings = settings
        self._invoke = invoke

    def put_events(self, tenant_id: str, entries: list[EventEntry]) -> list[dict[str, Any]]:
        """Give each entry an id and deliver it to ``tenant_id``'s matching rules; what each started."""
        delivered = []
        for entry in entries:
            event = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": entry.detail_type,
                "source": entry.source,
                "account": self._settings.account_id,
                "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "region": self._settings.region,
                "resources": entry.resources,
                "detail": entry.detail,
            }
            runs = self.deliver(event, entry.event_bus, tenant_id=tenant_id)
            delivered.append({"event_id": event["id"], "runs": runs})
        return delivered

    def deliver(
        self, event: dict[str, Any], event_bus: str, *, tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Invoke the target of every enabled rule on ``event_bus`` whose pattern matches ``event``."""
        outcomes = []
        for rule in self._rules(event_bus):
            if not EventPattern.load(rule["EventPattern"]).matches_event(event):  # type: ignore[arg-type]
                continue
            targets = self._client.list_targets_by_rule(Rule=rule["Name"], EventBusName=event_bus)["Targets"]
            for target in targets:
                if target["Arn"] != self._settings.events_target_arn or "InputTransformer" not in target:
                    continue
                # The one placeholder our rules use (functions.shared.event_rules); not a general
                # input-transformer engine.
                template = target["InputTransformer"]["InputTemplate"]
                payload = json.loads(template.replace(EVENT_PLACEHOLDER, json.dumps(event)))
                if tenant_id is not None and payload.get("tenant_id") != tenant_id:
                    continue
                outcomes.append({"rule": rule["Name"], **self._invoke(payload)})
        return outcomes

    def _rules(self, event_bus: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in self._client.get_paginator("list_rules").paginate(
            EventBusName=event_bus, NamePrefix=f"{self._settings.resource_prefix}-"
        ):
            found.extend(
                rule for rule in page["Rules"] if rule.get("State") == "ENABLED" and rule.get("EventPattern")
            )
        return found

    def restore(self, published: list[tuple[str, str, str, dict[str, Any]]]) -> None:
        """Recreate the rules of ``(tenant, workflow, environment, trigger)`` (moto's state is per process)."""
        for tenant_id, workflow_id, environment, trigger in published:
            upsert_rule(
                self._settings,
                tenant_id,
                workflow_id,
                environment,
                pattern=dict(trigger["pattern"]),
                event_bus=str(trigger.get("event_bus", "default")),
            )

    def handle(self, event: dict[str, Any], authenticate: Callable[[dict[str, str]], str]) -> dict[str, Any]:
        """``POST /events`` as a proxy event: authenticate, validate, deliver; the proxy response.

        ``authenticate`` gives the caller's tenant from the request headers or raises ``ApiError``.
        """
        if event.get("path") != "/events" or event.get("httpMethod") != "POST":
            return _answer(
                404, _error("route_not_found", f"No route {event.get('httpMethod')} {event.get('path')}.")
            )
        try:
            tenant_id = authenticate(dict(event.get("headers") or {}))
        except ApiError as exc:
            return _answer(exc.status, _error(exc.code, exc.message, exc.details))
        try:
            request = PutEventsRequest.model_validate_json(event.get("body") or "")
        except ValidationError as exc:
            errors = [{"loc": list(e["loc"]), "message": e["msg"], "type": e["type"]} for e in exc.errors()]
            return _answer(
                422, _error("invalid_request", "The request does not match the API.", {"errors": errors})
            )
        return _answer(200, {"entries": self.put_events(tenant_id, request.entries)})


def _error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
        "isBase64Encoded": False,
    }
