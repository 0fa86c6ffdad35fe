"""Workflow schedules in EventBridge Scheduler: one schedule per tenant, workflow and environment.

A schedule invokes the triggers function (not Step Functions directly), so scheduled runs are
recorded, counted against quotas and stopped by kill switches like every other start, and each
scheduled time starts at most one run (``<aws.scheduler.scheduled-time>`` is the idempotency key).
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import aws_clients
from functions.shared.aws_clients import workflow_resource_name
from functions.shared.settings import Settings

__all__ = ["SCHEDULED_TIME", "schedule_name", "upsert_schedule"]

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


schedule_name = workflow_resource_name


def _scheduler(settings: Settings) -> Any:
    return aws_clients.client("scheduler", settings, settings.scheduler_endpoint)


def upsert_schedule(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    environment: str,
    *,
    expression: str,
    timezone: str,
    payload: dict[str, Any],
) -> str:
    """Create or replace the schedule of a published workflow in an environment; its name."""
    name = schedule_name(settings, tenant_id, workflow_id, environment)
    event = {
        "tenant_id": tenant_id,
        "workflow_id": workflow_id,
        "environment": environment,
        "payload": payload,
        "scheduled_time": SCHEDULED_TIME,
    }
    request = {
        "Name": name,
        "GroupName": settings.schedule_group,
        "ScheduleExpression": expression,
        "ScheduleExpressionTimezone": timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": {
            "Arn": settings.schedule_target_arn,
            "RoleArn": settings.scheduler_role_arn,
            "Input": json.dumps(event, sort_keys=True),
        },
    }
    client = _scheduler(settings)
    try:
        client.update_schedule(**request)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        client.create_schedule(**request)
    return name
