"""Credential metadata (values are only in Secrets Manager)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError, PynamoDBException

from functions.shared import keys
from functions.shared.exceptions import ItemExistsError, ItemNotFoundError, StoreError
from functions.shared.models import CredentialItem
from functions.shared.store._base import Record, utc_now, wrapped

__all__ = [
    "CredentialRecord",
    "create_credential",
    "delete_credential",
    "get_credential",
    "list_credentials",
    "mark_credential_rotated",
]


class CredentialRecord(Record):
    """A credential's metadata; its value is only in Secrets Manager and never read back."""

    id: str
    name: str
    connector: str
    secret_id: str
    created_at: datetime
    created_by: str
    rotated_at: datetime | None = None


def _credential_record(item: CredentialItem) -> CredentialRecord:
    return CredentialRecord(
        id=item.sk.removeprefix(keys.CREDENTIAL_PREFIX),
        name=item.name,
        connector=item.connector,
        secret_id=item.secret_id,
        created_at=item.created_at,
        created_by=item.created_by,
        rotated_at=item.rotated_at,
    )


def create_credential(
    tenant_id: str, credential_id: str, *, name: str, connector: str, secret_id: str, actor: str
) -> CredentialRecord:
    """Claim a credential id (the secret is written next); ``ItemExistsError`` if it is taken."""
    item = CredentialItem(
        keys.tenant_pk(tenant_id),
        keys.credential_sk(credential_id),
        name=name,
        connector=connector,
        secret_id=secret_id,
        created_at=utc_now(),
        created_by=actor,
    )
    try:
        item.save(condition=CredentialItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ItemExistsError("Credential", credential_id) from exc
        raise StoreError(f"Could not save credential {credential_id}: {exc.msg}") from exc
    return _credential_record(item)


def get_credential(tenant_id: str, credential_id: str) -> CredentialRecord:
    """One credential's metadata, or ``ItemNotFoundError``."""
    try:
        item = CredentialItem.get(keys.tenant_pk(tenant_id), keys.credential_sk(credential_id))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Credential", credential_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read credential {credential_id}: {exc.msg}") from exc
    return _credential_record(item)


def list_credentials(tenant_id: str) -> list[CredentialRecord]:
    """Every credential of the tenant (metadata only)."""
    with wrapped("list credentials"):
        return [
            _credential_record(item)
            for item in CredentialItem.query(
                keys.tenant_pk(tenant_id), CredentialItem.sk.startswith(keys.CREDENTIAL_PREFIX)
            )
        ]


def mark_credential_rotated(tenant_id: str, credential_id: str) -> CredentialRecord:
    """Record that the value was replaced."""
    with wrapped(f"update credential {credential_id}"):
        CredentialItem(keys.tenant_pk(tenant_id), keys.credential_sk(credential_id)).update(
            actions=[CredentialItem.rotated_at.set(utc_now())], condition=CredentialItem.sk.exists()
        )
    return get_credential(tenant_id, credential_id)


def delete_credential(tenant_id: str, credential_id: str) -> None:
    """Forget a credential's metadata."""
    with wrapped(f"delete credential {credential_id}"):
        CredentialItem(keys.tenant_pk(tenant_id), keys.credential_sk(credential_id)).delete()
