"""boto3 clients and resource names for the AWS services the platform calls besides its table.

One place builds them, so every service honours the same settings: the local endpoints (moto),
the region, and the keys used only against local endpoints. boto3 is imported on first use, not
at import: only some routes need it, and it slows every cold start.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from functions.shared.settings import Settings

__all__ = ["client", "workflow_resource_name"]

_MAX_NAME = 64  # EventBridge rules and Scheduler schedules alike


@cache
def _client(service: str, endpoint: str | None, region: str, key_id: str | None, secret: str | None) -> Any:
    import boto3

    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def client(service: str, settings: Settings, endpoint: str | None) -> Any:
    """The (cached) client of ``service`` at ``endpoint`` (``None`` in AWS) for ``settings``."""
    return _client(
        service,
        endpoint,
        settings.region,
        settings.aws_access_key_id.get_secret_value() if settings.aws_access_key_id else None,
        settings.aws_secret_access_key.get_secret_value() if settings.aws_secret_access_key else None,
    )


def workflow_resource_name(settings: Settings, tenant_id: str, workflow_id: str, environment: str) -> str:
    """``<prefix>-<tenant>-<workflow>-<environment>``, shortened with a hash past 64 characters.

    Example:
        >>> workflow_resource_name(Settings(jwt_secret="s"), "acme", "orders", "dev")
        'wfaib-local-acme-orders-dev'
    """
    name = f"{settings.resource_prefix}-{tenant_id}-{workflow_id}-{environment}"
    if len(name) <= _MAX_NAME:
        return name
    return f"{name[: _MAX_NAME - 13]}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
