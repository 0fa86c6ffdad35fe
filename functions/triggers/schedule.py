"""A schedule fired: start the workflow in its environment, once per scheduled time.

EventBridge Scheduler delivers at least once; the scheduled time is the idempotency key, so a
repeated delivery returns the run the first one started.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from functions.shared import runs
from functions.shared.exceptions import RunRefusedError
from functions.shared.settings import Settings

__all__ = ["ScheduledEvent", "fire"]


class ScheduledEvent(BaseModel):
    """What a workflow's schedule sends (see ``functions.shared.scheduler``)."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: str
    workflow_id: str
    environment: str
    payload: dict[str, Any]
    scheduled_time: str


def fire(settings: Settings, event: dict[str, Any]) -> dict[str, Any]:
    """Start the run for one scheduled time; ``{run_id, replayed}`` or ``{refused, message}``.

    A refusal (paused, blocked, over quota, not published) skips this time and says why; it is not
    an error Scheduler should retry for a day.
    """
    scheduled = ScheduledEvent.model_validate(event)
    try:
        run, replayed = runs.start_once(
            settings,
            scheduled.tenant_id,
            scheduled.workflow_id,
            scheduled.environment,
            scheduled.payload,
            key=f"schedule:{scheduled.environment}:{scheduled.scheduled_time}",
            fingerprint=hashlib.sha256(json.dumps(scheduled.payload, sort_keys=True).encode()).hexdigest(),
            started_by=f"schedule:{scheduled.environment}",
            trigger="schedule",
        )
    except RunRefusedError as exc:
        return {"refused": exc.code, "message": str(exc)}
    return {"run_id": run.id, "replayed": replayed}
