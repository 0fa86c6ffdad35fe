"""Lambda entry points of the triggers: webhooks (API Gateway REST proxy events for ``/hooks/...``),
schedules (EventBridge Scheduler's input) and event-pattern rules (EventBridge's target input).

Kept apart from the API function so a delivery pays only for what it uses on a cold start.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.models import bind_table
from functions.shared.settings import Settings, settings_from_env
from functions.shared.telemetry import capture_handler
from functions.triggers.event import fire_event
from functions.triggers.schedule import fire
from functions.triggers.webhook import receive

__all__ = ["configure", "event_handler", "lambda_handler", "schedule_handler"]

logger = Logger(service="wfaib-triggers")
traced = capture_handler("wfaib-triggers", os.environ)
_settings: list[Settings] = []


def configure(settings: Settings) -> None:
    """Use ``settings`` from now on (the local platform calls this; Lambda reads the environment)."""
    bind_table(settings)
    _settings[:] = [settings]


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if not _settings:
        configure(settings_from_env())
    try:
        return receive(_settings[0], event)
    except Exception:
        logger.exception("Unhandled error")
        return {
            "statusCode": 500,
            "headers": {"Content-Type": "application/json"},
            "body": '{"error": {"code": "internal_error", "message": "Something went wrong on our side.", "details": {}}}',
            "isBase64Encoded": False,
        }


@logger.inject_lambda_context
@traced
def schedule_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if not _settings:
        configure(settings_from_env())
    outcome = fire(_settings[0], event)
    if "refused" in outcome:
        logger.warning(
            "Scheduled run refused", extra={"refused": outcome["refused"], "reason": outcome["message"]}
        )
    return outcome


@logger.inject_lambda_context
@traced
def event_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if not _settings:
        configure(settings_from_env())
    outcome = fire_event(_settings[0], event)
    if "refused" in outcome:
        logger.warning(
            "Event run refused", extra={"refused": outcome["refused"], "reason": outcome["message"]}
        )
    return outcome
