"""Tenants, users and API keys (hashes only)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from functions.shared import keys
from functions.shared.exceptions import ItemNotFoundError, StoreError
from functions.shared.models import ApiKeyItem, TenantItem, UserItem
from functions.shared.store._base import Record, utc_now, wrapped

__all__ = [
    "ApiKeyRecord",
    "create_api_key",
    "delete_api_key",
    "get_api_key",
    "list_api_keys",
    "put_tenant",
    "put_user",
]


class ApiKeyRecord(Record):
    """An API key's metadata; the secret is only ever stored as its SHA-256."""

    id: str
    name: str
    role: str
    secret_sha256: str
    created_by: str
    created_at: datetime


def put_tenant(tenant_id: str, name: str) -> None:
    """Create or rename a tenant."""
    with wrapped(f"save tenant {tenant_id}"):
        TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK, name=name, created_at=utc_now()).save()


def put_user(tenant_id: str, user_id: str, email: str, role: str) -> None:
    """Create or update a user of a tenant."""
    with wrapped(f"save user {user_id}"):
        UserItem(
            keys.tenant_pk(tenant_id), keys.user_sk(user_id), email=email, role=role, created_at=utc_now()
        ).save()


# API keys ----------------------------------------------------------------------------------------


def _api_key_record(item: ApiKeyItem) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=item.sk.removeprefix(keys.API_KEY_PREFIX),
        name=item.name,
        role=item.role,
        secret_sha256=item.secret_sha256,
        created_by=item.created_by,
        created_at=item.created_at,
    )


def create_api_key(
    tenant_id: str, key_id: str, *, name: str, role: str, secret_sha256: str, actor: str
) -> ApiKeyRecord:
    """Store a new API key's hash."""
    item = ApiKeyItem(
        keys.tenant_pk(tenant_id),
        keys.api_key_sk(key_id),
        name=name,
        role=role,
        secret_sha256=secret_sha256,
        created_by=actor,
        created_at=utc_now(),
    )
    with wrapped(f"save API key {key_id}"):
        item.save(condition=ApiKeyItem.sk.does_not_exist())
    return _api_key_record(item)


def get_api_key(tenant_id: str, key_id: str) -> ApiKeyRecord:
    """One API key, or ``ItemNotFoundError``."""
    try:
        item = ApiKeyItem.get(keys.tenant_pk(tenant_id), keys.api_key_sk(key_id))
    except DoesNotExist as exc:
        raise ItemNotFoundError("API key", key_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read API key {key_id}: {exc.msg}") from exc
    return _api_key_record(item)


def list_api_keys(tenant_id: str) -> list[ApiKeyRecord]:
    """Every API key of the tenant (hashes only)."""
    with wrapped("list API keys"):
        return [
            _api_key_record(item)
            for item in ApiKeyItem.query(
                keys.tenant_pk(tenant_id), ApiKeyItem.sk.startswith(keys.API_KEY_PREFIX)
            )
        ]


def delete_api_key(tenant_id: str, key_id: str) -> None:
    """Revoke an API key."""
    get_api_key(tenant_id, key_id)
    with wrapped(f"delete API key {key_id}"):
        ApiKeyItem(keys.tenant_pk(tenant_id), keys.api_key_sk(key_id)).delete()
