"""Tenants, users, custom roles and API keys (hashes only).

Users are keyed by their e-mail address in lower case (``USER#<email>``): an invitation exists
before the person has signed in anywhere, and the e-mail is what Cognito's ID token names. Custom
roles live next to them (``ROLE#<name>``). The last owner of a tenant can be neither demoted nor
removed: the change and a check that another owner still holds the role are one transaction, so
two owners demoting each other at once cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.shared import keys
from functions.shared.exceptions import ItemExistsError, ItemNotFoundError, StoreError
from functions.shared.models import ApiKeyItem, RoleItem, TenantItem, UserItem, table_connection
from functions.shared.store._base import Record, cancelled_by_condition, utc_now, wrapped

__all__ = [
    "OWNER_ROLE",
    "ApiKeyRecord",
    "LastOwnerError",
    "RoleInUseError",
    "RoleRecord",
    "UserRecord",
    "create_api_key",
    "create_role",
    "create_user",
    "delete_api_key",
    "delete_role",
    "delete_user",
    "get_api_key",
    "get_role",
    "get_user",
    "list_api_keys",
    "list_roles",
    "list_users",
    "put_tenant",
    "put_user",
    "set_user_role",
    "update_role",
]

OWNER_ROLE = "owner"
USER_PREFIX = "USER#"
ROLE_PREFIX = "ROLE#"


class LastOwnerError(StoreError):
    """The change would leave the tenant without an owner."""


class RoleInUseError(StoreError):
    """A custom role still assigned to users or API keys cannot be deleted."""

    def __init__(self, role: str, users: list[str], api_keys: list[str]) -> None:
        super().__init__(
            f"The role '{role}' is still assigned to {len(users)} users and {len(api_keys)} API keys."
        )
        self.users = users
        self.api_keys = api_keys


class UserRecord(Record):
    """A member of a tenant and the role (built-in or custom) that decides what they may do."""

    email: str
    role: str
    created_at: datetime
    created_by: str | None = None
    updated_at: datetime | None = None


class RoleRecord(Record):
    """A custom role: a name for a set of permissions."""

    name: str
    description: str
    permissions: list[str]
    created_by: str
    created_at: datetime
    updated_at: datetime


class ApiKeyRecord(Record):
    """An API key's metadata; the secret is only ever stored as its SHA-256."""

    id: str
    name: str
    role: str
    permissions: list[str] | None = None
    secret_sha256: str
    created_by: str
    created_at: datetime


def put_tenant(tenant_id: str, name: str) -> None:
    """Create or rename a tenant."""
    with wrapped(f"save tenant {tenant_id}"):
        TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK, name=name, created_at=utc_now()).save()


def put_user(tenant_id: str, user_id: str, email: str, role: str) -> None:
    """Create or overwrite a user of a tenant (seeding and bootstrap; the API uses ``create_user``)."""
    with wrapped(f"save user {user_id}"):
        UserItem(
            keys.tenant_pk(tenant_id),
            keys.user_sk(user_id.lower()),
            email=email.lower(),
            role=role,
            created_at=utc_now(),
        ).save()


# Users -------------------------------------------------------------------------------------------


def _user_record(item: UserItem) -> UserRecord:
    return UserRecord(
        email=item.email,
        role=item.role,
        created_at=item.created_at,
        created_by=item.created_by,
        updated_at=item.updated_at,
    )


def _get_user_item(tenant_id: str, email: str) -> UserItem:
    try:
        return UserItem.get(keys.tenant_pk(tenant_id), keys.user_sk(email.lower()))
    except DoesNotExist as exc:
        raise ItemNotFoundError("user", email) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read user {email}: {exc.msg}") from exc


def get_user(tenant_id: str, email: str) -> UserRecord:
    """One user of the tenant, or ``ItemNotFoundError``."""
    return _user_record(_get_user_item(tenant_id, email))


def list_users(tenant_id: str) -> list[UserRecord]:
    """Every user of the tenant, by e-mail."""
    with wrapped("list users"):
        return [
            _user_record(item)
            for item in UserItem.query(keys.tenant_pk(tenant_id), UserItem.sk.startswith(USER_PREFIX))
        ]


def create_user(tenant_id: str, email: str, role: str, *, actor: str) -> UserRecord:
    """Add a user to the tenant (an invitation: it takes effect when they sign in with that e-mail)."""
    now = utc_now()
    item = UserItem(
        keys.tenant_pk(tenant_id),
        keys.user_sk(email.lower()),
        email=email.lower(),
        role=role,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    try:
        item.save(condition=UserItem.sk.does_not_exist())
    except PynamoDBException as exc:
        if _condition_failed(exc):
            raise ItemExistsError("user", email.lower()) from exc
        raise StoreError(f"Could not save user {email}: {exc.msg}") from exc
    return _user_record(item)


def set_user_role(tenant_id: str, email: str, role: str) -> UserRecord:
    """Give a user another role; demoting the last owner raises ``LastOwnerError``."""
    item = _get_user_item(tenant_id, email)
    previous = item.role
    item.role = role
    item.updated_at = utc_now()
    if previous == OWNER_ROLE and role != OWNER_ROLE:
        _write_keeping_an_owner(tenant_id, item, delete=False)
    else:
        with wrapped(f"save user {email}"):
            item.save(condition=UserItem.role == previous)
    return _user_record(item)


def delete_user(tenant_id: str, email: str) -> UserRecord:
    """Remove a user from the tenant; removing the last owner raises ``LastOwnerError``."""
    item = _get_user_item(tenant_id, email)
    if item.role == OWNER_ROLE:
        _write_keeping_an_owner(tenant_id, item, delete=True)
    else:
        with wrapped(f"delete user {email}"):
            item.delete(condition=UserItem.role == item.role)
    return _user_record(item)


def _write_keeping_an_owner(tenant_id: str, item: UserItem, *, delete: bool) -> None:
    """Change or delete an owner in one transaction with the check that another owner remains."""
    other = next(
        (
            user
            for user in UserItem.query(keys.tenant_pk(tenant_id), UserItem.sk.startswith(USER_PREFIX))
            if user.role == OWNER_ROLE and user.sk != item.sk
        ),
        None,
    )
    if other is None:
        raise LastOwnerError("A tenant keeps at least one owner; make someone else owner first.")
    try:
        with TransactWrite(connection=table_connection()) as transaction:
            if delete:
                transaction.delete(item, condition=UserItem.role == OWNER_ROLE)
            else:
                transaction.save(item, condition=UserItem.role == OWNER_ROLE)
            transaction.condition_check(UserItem, other.pk, other.sk, condition=UserItem.role == OWNER_ROLE)
    except TransactWriteError as exc:
        if cancelled_by_condition(exc):
            raise LastOwnerError(
                "Another change to the owners came first; the tenant keeps its owner."
            ) from exc
        raise StoreError(f"Could not change user {item.email}: {exc.msg}") from exc


def _condition_failed(exc: PynamoDBException) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


# Custom roles ------------------------------------------------------------------------------------


def _role_record(item: RoleItem) -> RoleRecord:
    return RoleRecord(
        name=item.sk.removeprefix(ROLE_PREFIX),
        description=item.description,
        permissions=sorted(item.permissions),
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _get_role_item(tenant_id: str, name: str) -> RoleItem:
    try:
        return RoleItem.get(keys.tenant_pk(tenant_id), f"{ROLE_PREFIX}{name}")
    except DoesNotExist as exc:
        raise ItemNotFoundError("role", name) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read role {name}: {exc.msg}") from exc


def get_role(tenant_id: str, name: str) -> RoleRecord:
    """One custom role of the tenant, or ``ItemNotFoundError``."""
    return _role_record(_get_role_item(tenant_id, name))


def list_roles(tenant_id: str) -> list[RoleRecord]:
    """The tenant's custom roles, by name."""
    with wrapped("list roles"):
        return [
            _role_record(item)
            for item in RoleItem.query(keys.tenant_pk(tenant_id), RoleItem.sk.startswith(ROLE_PREFIX))
        ]


def create_role(
    tenant_id: str, name: str, *, description: str, permissions: list[str], actor: str
) -> RoleRecord:
    """Define a custom role; ``ItemExistsError`` when the name is taken."""
    now = utc_now()
    item = RoleItem(
        keys.tenant_pk(tenant_id),
        f"{ROLE_PREFIX}{name}",
        description=description,
        permissions=sorted(permissions),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    try:
        item.save(condition=RoleItem.sk.does_not_exist())
    except PynamoDBException as exc:
        if _condition_failed(exc):
            raise ItemExistsError("role", name) from exc
        raise StoreError(f"Could not save role {name}: {exc.msg}") from exc
    return _role_record(item)


def update_role(
    tenant_id: str, name: str, *, description: str | None, permissions: list[str] | None
) -> RoleRecord:
    """Change a custom role; its users and keys get the new permissions on their next request."""
    item = _get_role_item(tenant_id, name)
    if description is not None:
        item.description = description
    if permissions is not None:
        item.permissions = sorted(permissions)
    item.updated_at = utc_now()
    with wrapped(f"save role {name}"):
        item.save(condition=RoleItem.sk.exists())
    return _role_record(item)


def delete_role(tenant_id: str, name: str) -> RoleRecord:
    """Delete a custom role nobody holds (``RoleInUseError`` names who still does)."""
    item = _get_role_item(tenant_id, name)
    users = [user.email for user in list_users(tenant_id) if user.role == name]
    api_keys = [key.id for key in list_api_keys(tenant_id) if key.role == name]
    if users or api_keys:
        raise RoleInUseError(name, users, api_keys)
    with wrapped(f"delete role {name}"):
        item.delete()
    return _role_record(item)


# API keys ----------------------------------------------------------------------------------------


def _api_key_record(item: ApiKeyItem) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=item.sk.removeprefix(keys.API_KEY_PREFIX),
        name=item.name,
        role=item.role,
        permissions=None if item.permissions is None else sorted(item.permissions),
        secret_sha256=item.secret_sha256,
        created_by=item.created_by,
        created_at=item.created_at,
    )


def create_api_key(
    tenant_id: str,
    key_id: str,
    *,
    name: str,
    role: str,
    secret_sha256: str,
    actor: str,
    permissions: list[str] | None = None,
) -> ApiKeyRecord:
    """Store a new API key's hash (``permissions`` narrows a key to part of its role)."""
    item = ApiKeyItem(
        keys.tenant_pk(tenant_id),
        keys.api_key_sk(key_id),
        name=name,
        role=role,
        secret_sha256=secret_sha256,
        created_by=actor,
        created_at=utc_now(),
        permissions=None if permissions is None else sorted(permissions),
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
