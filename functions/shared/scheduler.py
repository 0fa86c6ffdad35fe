"""Workflow schedules in EventBridge Scheduler: one schedule per tenant, workflow and environment.

A schedule invokes the triggers function (not Step Functions directly), so scheduled runs are
recorded, counted against quotas and stopped by kill switches like every other start, and each
scheduled time starts at most one run (``<aws.scheduler.scheduled-time>`` is the idempotency key).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from functions.shared.settings import Settings

__all__ = ["SCHEDULED_TIME", "schedule_name", "upsert_schedule"]

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
_MAX_NAME = 64


def schedule_name(settings: Settings, tenant_id: str, workflow_id: str, environment: str) -> str:
    """``<prefix>-<tenant>-<workflow>-<environment>``, shortened with a hash past Scheduler's 64 characters."""
    name = f"{settings.resource_prefix}-{tenant_id}-{workflow_id}-{environment}"
    if len(name) <= _MAX_NAME:
        return name
    return f"{name[: _MAX_NAME - 13]}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"


@cache
def _client(endpoint: str | None, region: str, key_id: str | None, secret: str | None) -> Any:
    import boto3  # here, not at the top: only some routes need it, and it slows every cold start

    return boto3.client(  # type: ignore[call-overload]
        "scheduler",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def _scheduler(settings: Settings) -> Any:
    return _client(
        settings.scheduler_endpoint,
        settings.region,
        settings.aws_access_key_id.get_secret_value() if settings.aws_access_key_id else None,
        settings.aws_secret_access_key.get_secret_value() if settings.aws_secret_access_key else None,
    )


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
