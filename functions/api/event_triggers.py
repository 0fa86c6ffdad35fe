"""Keep a workflow's EventBridge rules in step with what is published (see ``functions.shared.event_rules``).

A rule exists for an environment exactly while the version published there has an event
trigger: publishing or promoting creates or replaces it (a changed pattern or bus included), and
publishing a version with another trigger, or deleting the workflow, removes it.
"""

from __future__ import annotations

from typing import Any

from functions.api.context import current_settings
from functions.api.errors import UnprocessableError
from functions.shared import store
from functions.shared.event_rules import InvalidPatternError, delete_rule, upsert_rule
from functions.shared.store import WorkflowRecord

__all__ = ["published_event_buses", "remove_event_rules", "sync_event_rule"]


def _event_trigger(document: dict[str, Any]) -> dict[str, Any] | None:
    trigger = document.get("trigger") or {}
    return trigger if trigger.get("type") == "event" else None


def _published_trigger(tenant_id: str, workflow: WorkflowRecord, environment: str) -> dict[str, Any] | None:
    published = workflow.environments.get(environment)
    if not published:
        return None
    return _event_trigger(store.get_version(tenant_id, workflow.id, int(published["version"])).document)


def sync_event_rule(tenant_id: str, workflow_id: str, environment: str, document: dict[str, Any]) -> None:
    """Before ``document`` is published to ``environment``: its rule, or none (422 on a refused pattern)."""
    settings = current_settings()
    before = _published_trigger(tenant_id, store.get_workflow(tenant_id, workflow_id), environment)
    after = _event_trigger(document)
    if before is not None and (after is None or before.get("event_bus") != after.get("event_bus")):
        delete_rule(
            settings, tenant_id, workflow_id, environment, event_bus=str(before.get("event_bus", "default"))
        )
    if after is None:
        return
    try:
        upsert_rule(
            settings,
            tenant_id,
            workflow_id,
            environment,
            pattern=dict(after["pattern"]),
            event_bus=str(after.get("event_bus", "default")),
        )
    except InvalidPatternError as exc:
        raise UnprocessableError(
            "invalid_event_pattern",
            f"EventBridge refused the trigger's event pattern: {exc}",
            {
                "problems": [
                    {
                        "code": "invalid_event_pattern",
                        "node": None,
                        "field": "trigger.pattern",
                        "message": str(exc),
                    }
                ]
            },
        ) from exc


def published_event_buses(tenant_id: str, workflow: WorkflowRecord) -> dict[str, str]:
    """The event bus of each environment whose published version has an event trigger (read before a delete)."""
    buses = {}
    for environment in workflow.environments:
        trigger = _published_trigger(tenant_id, workflow, environment)
        if trigger is not None:
            buses[environment] = str(trigger.get("event_bus", "default"))
    return buses


def remove_event_rules(tenant_id: str, workflow_id: str, buses: dict[str, str]) -> None:
    """Remove a deleted workflow's rules (``buses`` from ``published_event_buses``)."""
    settings = current_settings()
    for environment, event_bus in buses.items():
        delete_rule(settings, tenant_id, workflow_id, environment, event_bus=event_bus)
