"""An EventBridge rule matched: start the workflow once per event id.

EventBridge delivers at least once; the event's ``id`` is the idempotency key, so a repeated
delivery returns the run the first one started. The run's input (``$trigger``) is the whole event
(``source``, ``detail-type``, ``detail``, ...).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from functions.shared import runs
from functions.shared.exceptions import RunRefusedError
from functions.shared.settings import Settings

__all__ = ["MatchedEvent", "fire_event"]


class MatchedEvent(BaseModel):
    """What a workflow's rule sends (see ``functions.shared.event_rules``)."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: str
    workflow_id: str
    environment: str
    event: dict[str, Any] = Field(description="The EventBridge event, with its id.")


def fire_event(settings: Settings, payload: dict[str, Any]) -> dict[str, Any]:
    """Start the run for one event; ``{run_id, replayed}`` or ``{refused, message}``.

    A refusal (paused, blocked, over quota, not published) is reported, not raised: retrying the
    delivery for a day would not change it.
    """
    matched = MatchedEvent.model_validate(payload)
    event_id = str(matched.event.get("id") or "")
    if not event_id:
        return {"refused": "invalid_event", "message": "The event has no id."}
    try:
        run, replayed = runs.start_once(
            settings,
            matched.tenant_id,
            matched.workflow_id,
            matched.environment,
            matched.event,
            key=f"event:{matched.environment}:{event_id}",
            fingerprint=hashlib.sha256(json.dumps(matched.event, sort_keys=True).encode()).hexdigest(),
            started_by=f"event:{matched.event.get('source', 'unknown')}",
            trigger="event",
        )
    except RunRefusedError as exc:
        return {"refused": exc.code, "message": str(exc)}
    return {"run_id": run.id, "replayed": replayed}
