"""Event-pattern triggers as EventBridge rules: one rule per tenant, workflow and environment.

The rule's target is the triggers function (``functions/triggers``, ``event_handler``), not the
state machine: event runs are then recorded, counted against quotas, stopped by kill switches,
and started once per event id, like every other start. An input transformer wraps the event with
where it goes: ``{"tenant_id", "workflow_id", "environment", "event": <the event>}``.

Rules are named ``<prefix>-<tenant>-<workflow>-<environment>`` (``wfaib-<stage>-...`` in AWS,
the names the CDK grants on), shortened with a hash past EventBridge's 64 characters.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import aws_clients
from functions.shared.aws_clients import workflow_resource_name
from functions.shared.settings import Settings

__all__ = ["EVENT_PLACEHOLDER", "InvalidPatternError", "delete_rule", "rule_name", "upsert_rule"]

EVENT_PLACEHOLDER = "<event>"


class InvalidPatternError(Exception):
    """EventBridge refused the workflow's event pattern; the message is EventBridge's."""


rule_name = workflow_resource_name


def client(settings: Settings) -> Any:
    """The EventBridge client for ``settings`` (moto locally)."""
    return aws_clients.client("events", settings, settings.events_endpoint)


def upsert_rule(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    environment: str,
    *,
    pattern: dict[str, Any],
    event_bus: str,
) -> str:
    """Create or replace the rule that starts the workflow in ``environment``; its name."""
    name = rule_name(settings, tenant_id, workflow_id, environment)
    events = client(settings)
    try:
        events.put_rule(
            Name=name,
            EventBusName=event_bus,
            EventPattern=json.dumps(pattern, sort_keys=True),
            State="ENABLED",
            Description=f"Starts workflow {workflow_id} ({environment}) of tenant {tenant_id}.",
            Tags=[
                {"Key": "wfaib:tenant", "Value": tenant_id},
                {"Key": "wfaib:workflow", "Value": workflow_id},
            ],
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "InvalidEventPatternException":
            raise InvalidPatternError(str(exc.response["Error"].get("Message", ""))) from exc
        raise
    route = {"tenant_id": tenant_id, "workflow_id": workflow_id, "environment": environment}
    template = json.dumps(route, sort_keys=True)[:-1] + f', "event": {EVENT_PLACEHOLDER}}}'
    events.put_targets(
        Rule=name,
        EventBusName=event_bus,
        Targets=[
            {
                "Id": "start-workflow",
                "Arn": settings.events_target_arn,
                "InputTransformer": {"InputPathsMap": {"event": "$"}, "InputTemplate": template},
            }
        ],
    )
    return name


def delete_rule(
    settings: Settings, tenant_id: str, workflow_id: str, environment: str, *, event_bus: str
) -> bool:
    """Remove the workflow's rule in ``environment`` (and its target); whether there was one."""
    name = rule_name(settings, tenant_id, workflow_id, environment)
    events = client(settings)
    try:
        events.remove_targets(Rule=name, EventBusName=event_bus, Ids=["start-workflow"])
        events.delete_rule(Name=name, EventBusName=event_bus)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return False
        raise
    return True
