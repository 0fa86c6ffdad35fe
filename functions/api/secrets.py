"""Credential values in Secrets Manager: written and replaced here, never read by the API.

One secret per credential, named ``<credential prefix><tenant>/<credential id>`` and tagged with
the tenant and the connector it is for; connector functions read them by that name at run time
(the state machine carries only the name), and in AWS each connector's role may read only secrets
tagged with its own connector id (``cdk.manifest.CONNECTOR_TAG``). Locally ``Settings.secretsmanager_endpoint`` points at moto.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import Settings

__all__ = ["CONNECTOR_TAG", "TENANT_TAG", "create_secret", "delete_secret", "put_secret", "secret_name"]


def secret_name(settings: Settings, tenant_id: str, credential_id: str) -> str:
    """Where a tenant's credential lives (the compiler names the same secret)."""
    return f"{settings.credential_prefix}{tenant_id}/{credential_id}"


@cache
def _client(endpoint: str | None, region: str, key_id: str | None, secret: str | None) -> Any:
    import boto3  # here, not at the top: only some routes need it, and it slows every cold start

    return boto3.client(  # type: ignore[call-overload]
        "secretsmanager",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def _secrets(settings: Settings) -> Any:
    return _client(
        settings.secretsmanager_endpoint,
        settings.region,
        settings.aws_access_key_id.get_secret_value() if settings.aws_access_key_id else None,
        settings.aws_secret_access_key.get_secret_value() if settings.aws_secret_access_key else None,
    )


TENANT_TAG = "wfaib:tenant"
CONNECTOR_TAG = "wfaib:connector"  # the tag the connector roles' read condition names (cdk.manifest)


def create_secret(
    settings: Settings, tenant_id: str, connector: str, name: str, value: dict[str, Any]
) -> None:
    """Create the secret; one of that name still scheduled for deletion is restored and overwritten."""
    client = _secrets(settings)
    tags = [{"Key": TENANT_TAG, "Value": tenant_id}, {"Key": CONNECTOR_TAG, "Value": connector}]
    try:
        client.create_secret(Name=name, SecretString=json.dumps(value), Tags=tags)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceExistsException":
            raise
        if not client.describe_secret(SecretId=name).get("DeletedDate"):
            raise
        client.restore_secret(SecretId=name)
        client.tag_resource(SecretId=name, Tags=tags)
        client.put_secret_value(SecretId=name, SecretString=json.dumps(value))


def put_secret(settings: Settings, name: str, value: dict[str, Any]) -> None:
    _secrets(settings).put_secret_value(SecretId=name, SecretString=json.dumps(value))


def delete_secret(settings: Settings, name: str) -> None:
    """Schedule deletion (Secrets Manager keeps it 7 days, so a mistake can be undone in AWS)."""
    _secrets(settings).delete_secret(SecretId=name, RecoveryWindowInDays=7)
