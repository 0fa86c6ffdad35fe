"""Connector functions for the local runtime: the same runtime code, invoked in-process.

The local platform registers each with ``runtime.register_lambda(name, handler)``; the compiled
ASL names ``<resource_prefix>-connector-<id>``, exactly as in AWS. Credentials come from the
Secrets Manager API (moto locally: pass ``credentials``), large outputs go to the claim-check
bucket named by ``WFAIB_CLAIM_CHECK_BUCKET`` and control flags are read from ``WFAIB_TABLE_NAME``
(through the clients ``aws_client`` makes, pointed at moto by the local platform). Logs and metrics go to stderr, so a command that
prints JSON on stdout (``wfaib run --json``) stays parseable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from connectors.sdk.credentials import CredentialSource
from connectors.sdk.registry import all_connectors
from connectors.sdk.runtime import ConnectorRuntime, RuntimeSettings, make_handler

__all__ = ["connector_lambdas", "function_name"]


class _Stderr:
    """Writes to whatever ``sys.stderr`` is at the time, so later redirection is honoured."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def function_name(resource_prefix: str, connector_id: str) -> str:
    """The Lambda function name of a connector.

    Example:
        >>> function_name("wfaib-prod", "slack")
        'wfaib-prod-connector-slack'
    """
    return f"{resource_prefix}-connector-{connector_id}"


def connector_lambdas(
    resource_prefix: str = "wfaib-local",
    *,
    env: Mapping[str, str] | None = None,
    credentials: CredentialSource | None = None,
    aws_client: Callable[[str], Any] | None = None,
) -> dict[str, Callable[[dict[str, Any], Any], Any]]:
    """Map every connector's function name to a ``handler(event, context)``.

    ``aws_client(service)`` returns the boto3 client for ``"s3"`` (claim-check) and
    ``"dynamodb"`` (control flags); one per connector function is made on its first use.

    Example:
        >>> handlers = connector_lambdas("wfaib-local")
        >>> "wfaib-local-connector-slack" in handlers
        True
    """
    from aws_lambda_powertools import Logger

    environment = os.environ if env is None else env
    handlers: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
    for connector in all_connectors():
        name = function_name(resource_prefix, connector.id)
        logger = Logger(service=name, stream=_Stderr())  # type: ignore[arg-type]
        runtime = ConnectorRuntime.from_settings(
            connector,
            RuntimeSettings.from_env(environment, connector=connector.id),
            credentials=credentials,
            logger=logger,
            metrics_stream=_Stderr(),  # type: ignore[arg-type]
            aws_client=aws_client,
        )
        handlers[name] = make_handler(runtime)
    return handlers
