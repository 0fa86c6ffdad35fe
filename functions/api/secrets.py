"""Credential values in Secrets Manager: written and replaced here, never read by the API.

One secret per credential, named ``<credential prefix><tenant>/<credential id>`` and tagged with
the tenant and the connector it is for; connector functions read them by that name at run time
(the state machine carries only the name), and in AWS each connector's role may read only secrets
tagged with its own connector id (``cdk.manifest.CONNECTOR_TAG``). Locally ``Settings.secretsmanager_endpoint`` points at moto.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import Settings, aws_clients

__all__ = ["CONNECTOR_TAG", "TENANT_TAG", "create_secret", "delete_secret", "put_secret", "secret_name"]


def secret_name(settings: Settings, tenant_id: str, credential_id: str) -> str:
    """Where a tenant's credential lives (the compiler names the same secret)."""
    return f"{settings.credential_prefix}{tenant_id}/{credential_id}"


def _secrets(settings: Settings) -> Any:
    return aws_clients.client("secretsmanager", settings, settings.secretsmanager_endpoint)


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
