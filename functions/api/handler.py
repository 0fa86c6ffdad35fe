"""Lambda entry point of the control-plane API (API Gateway REST proxy events)."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.app import logger, resolve
from functions.shared.telemetry import capture_handler

__all__ = ["lambda_handler"]

traced = capture_handler("wfaib-api", os.environ)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(event, context)
