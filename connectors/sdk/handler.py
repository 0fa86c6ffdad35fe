"""The Lambda handler of every connector function: ``connectors.sdk.handler.handler``.

Each connector package is deployed as one function, ``<resource_prefix>-connector-<id>``, with
env ``WFAIB_CONNECTOR=<id>``; at init this module imports that connector only (a lean cold
start: no boto3, httpx or X-Ray until an invocation needs them). The event contract is in
:mod:`connectors.sdk.runtime`.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from connectors.sdk.registry import load_connector
from connectors.sdk.runtime import ConnectorRuntime, RuntimeSettings

__all__ = ["handler"]

settings = RuntimeSettings.from_env(os.environ)
logger = Logger(service=f"connector-{settings.connector}")
runtime = ConnectorRuntime.from_settings(load_connector(settings.connector), settings, logger=logger)


@logger.inject_lambda_context(log_event=False)
def handler(event: dict[str, Any], context: LambdaContext) -> Any:
    """Run the action (or trigger poll) the compiled Task's Payload names."""
    return runtime.handle(event, context)
