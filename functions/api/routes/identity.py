"""The caller, the tenant's users and custom roles, API keys (scoped, shown once) and the audit log.

Nobody hands out more than they hold: a role given to a user or a key, a custom role's
permissions and a key's scope must all be within the caller's own permissions, and a user whose
role grants more than the caller's cannot be changed or removed by them. Every change writes an
audit entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from functions.api.auth import (
    ASSIGNABLE_PERMISSIONS,
    ROLE_PERMISSIONS,
    Identity,
    hash_secret,
    new_api_key,
    permissions_of,
)
from functions.api.context import caller, json_response
from functions.api.errors import ConflictError, ForbiddenError, UnprocessableError
from functions.shared import ItemNotFoundError, store
from functions.shared.store import AuditRecord, Page, RoleRecord, UserRecord

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

EMAIL_PATTERN = r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$"
ROLE_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"


def _known_permissions(values: list[str]) -> list[str]:
    """Permissions named exactly, or ``<resource>:*`` for all of a resource's (``connector:*``)."""
    expanded: set[str] = set()
    for value in values:
        if value.endswith(":*"):
            matches = {p for p in ASSIGNABLE_PERMISSIONS if p.startswith(value[:-1])}
        else:
            matches = {value} & set(ASSIGNABLE_PERMISSIONS)
        if not matches:
            raise ValueError(
                f"'{value}' is not a permission; choose from {', '.join(ASSIGNABLE_PERMISSIONS)}"
            )
        expanded |= matches
    return sorted(expanded)


def _custom_name(name: str) -> str:
    if name in ROLE_PERMISSIONS:
        raise ValueError(f"'{name}' is a built-in role; choose another name")
    return name


Permissions = Annotated[
    list[str],
    Field(
        max_length=len(ASSIGNABLE_PERMISSIONS),
        json_schema_extra={"items": {"enum": list(ASSIGNABLE_PERMISSIONS)}},
    ),
    AfterValidator(_known_permissions),
]
RoleName = Annotated[str, Field(min_length=1, max_length=40, pattern=ROLE_NAME_PATTERN)]
Email = Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN)]


class CreateApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100)]
    role: RoleName = "member"
    permissions: Permissions | None = Field(
        default=None, description="Scope the key to these permissions of its role (all of them when absent)."
    )


class ApiKeyOut(BaseModel):
    id: str
    name: str
    role: str
    permissions: list[str] | None = None
    created_by: str
    created_at: datetime


class CreateUserRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    role: RoleName = "member"


class ChangeRoleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: RoleName


class CreateRoleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[RoleName, AfterValidator(_custom_name)]
    description: Annotated[str, Field(max_length=500)] = ""
    permissions: Annotated[Permissions, Field(min_length=1)]


class UpdateRoleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Annotated[str | None, Field(max_length=500)] = None
    permissions: Annotated[Permissions | None, Field(min_length=1)] = None


class RoleOut(BaseModel):
    name: str
    builtin: bool
    description: str
    permissions: list[str]


def _grantable(identity: Identity, role: str, field: str = "role") -> frozenset[str]:
    """The permissions of ``role``, provided it exists and grants nothing the caller lacks."""
    try:
        granted = permissions_of(identity.tenant_id, role)
    except ItemNotFoundError as exc:
        raise UnprocessableError(
            "unknown_role",
            f"There is no role '{role}'; use a built-in role or create it first.",
            {"field": field, "role": role},
        ) from exc
    _within(identity, granted, "role_too_high", f"The {identity.role} role cannot grant the role '{role}'.")
    return granted


def _within(identity: Identity, wanted: frozenset[str] | set[str], code: str, message: str) -> None:
    beyond = sorted(set(wanted) - set(identity.permissions))
    if beyond:
        raise ForbiddenError(code, f"{message} It grants {', '.join(beyond)}.", {"permissions": beyond})


def _audit(identity: Identity, action: str, resource: str, details: dict[str, object]) -> None:
    store.write_audit(
        identity.tenant_id, actor=identity.subject, action=action, resource=resource, details=details
    )


# The caller --------------------------------------------------------------------------------------


@router.get("/me", summary="Who the credentials belong to, and what they may do", tags=["identity"])
def me() -> Identity:
    return caller("workflow:read")


# Users -------------------------------------------------------------------------------------------


@router.get("/users", summary="The tenant's users and their roles", tags=["identity"])
def list_users() -> list[UserRecord]:
    identity = caller("team:manage")
    return store.list_users(identity.tenant_id)


@router.post("/users", summary="Add (invite) a user by e-mail with a role", tags=["identity"])
def create_user(request: Annotated[CreateUserRequest, Body()]) -> Response[str]:
    identity = caller("team:manage")
    _grantable(identity, request.role)
    record = store.create_user(identity.tenant_id, request.email, request.role, actor=identity.subject)
    _audit(identity, "user.create", f"user/{record.email}", {"role": record.role})
    return json_response(201, record.model_dump(mode="json"))


@router.put("/users/<email>", summary="Change a user's role", tags=["identity"])
def change_user_role(
    email: Annotated[str, Path(max_length=254, pattern=EMAIL_PATTERN)],
    request: Annotated[ChangeRoleRequest, Body()],
) -> UserRecord:
    identity = caller("team:manage")
    current = store.get_user(identity.tenant_id, email)
    _changeable(identity, current)
    _grantable(identity, request.role)
    try:
        record = store.set_user_role(identity.tenant_id, email, request.role)
    except store.LastOwnerError as exc:
        raise ConflictError("last_owner", str(exc), {"user": current.email}) from exc
    _audit(identity, "user.role_change", f"user/{record.email}", {"from": current.role, "to": record.role})
    return record


@router.delete("/users/<email>", summary="Remove a user from the tenant", tags=["identity"])
def delete_user(email: Annotated[str, Path(max_length=254, pattern=EMAIL_PATTERN)]) -> Response[str]:
    identity = caller("team:manage")
    current = store.get_user(identity.tenant_id, email)
    _changeable(identity, current)
    try:
        store.delete_user(identity.tenant_id, email)
    except store.LastOwnerError as exc:
        raise ConflictError("last_owner", str(exc), {"user": current.email}) from exc
    _audit(identity, "user.delete", f"user/{current.email}", {"role": current.role})
    return Response(status_code=204, body="")


def _changeable(identity: Identity, user: UserRecord) -> None:
    """A user whose role grants more than the caller holds is out of the caller's reach."""
    try:
        held = permissions_of(identity.tenant_id, user.role)
    except ItemNotFoundError:
        held = frozenset()
    _within(
        identity,
        held,
        "role_too_high",
        f"The {identity.role} role cannot change a user with the role '{user.role}'.",
    )


# Custom roles ------------------------------------------------------------------------------------


def _role_out(record: RoleRecord) -> RoleOut:
    return RoleOut(
        name=record.name, builtin=False, description=record.description, permissions=record.permissions
    )


@router.get("/roles", summary="Built-in and custom roles with their permissions", tags=["identity"])
def list_roles() -> list[RoleOut]:
    identity = caller("team:manage")
    builtin = [
        RoleOut(name=name, builtin=True, description=f"Built-in {name} role", permissions=sorted(permissions))
        for name, permissions in ROLE_PERMISSIONS.items()
    ]
    return builtin + [_role_out(record) for record in store.list_roles(identity.tenant_id)]


@router.post("/roles", summary="Create a custom role (a named set of permissions)", tags=["identity"])
def create_role(request: Annotated[CreateRoleRequest, Body()]) -> Response[str]:
    identity = caller("team:manage")
    _within(identity, set(request.permissions), "role_too_high", "Nobody can define a role above their own.")
    record = store.create_role(
        identity.tenant_id,
        request.name,
        description=request.description,
        permissions=request.permissions,
        actor=identity.subject,
    )
    _audit(identity, "role.create", f"role/{record.name}", {"permissions": record.permissions})
    return json_response(201, _role_out(record).model_dump(mode="json"))


@router.get("/roles/<name>", summary="One custom role", tags=["identity"])
def get_role(name: Annotated[str, Path(max_length=40, pattern=ROLE_NAME_PATTERN)]) -> RoleOut:
    identity = caller("team:manage")
    if name in ROLE_PERMISSIONS:
        return next(role for role in list_roles() if role.name == name)
    return _role_out(store.get_role(identity.tenant_id, name))


@router.put(
    "/roles/<name>", summary="Change a custom role (its holders are affected at once)", tags=["identity"]
)
def update_role(
    name: Annotated[str, Path(max_length=40, pattern=ROLE_NAME_PATTERN)],
    request: Annotated[UpdateRoleRequest, Body()],
) -> RoleOut:
    identity = caller("team:manage")
    _custom_only(name)
    current = store.get_role(identity.tenant_id, name)
    _within(
        identity,
        set(current.permissions),
        "role_too_high",
        f"The {identity.role} role cannot change '{name}'.",
    )
    if request.permissions is not None:
        _within(
            identity, set(request.permissions), "role_too_high", "Nobody can define a role above their own."
        )
    record = store.update_role(
        identity.tenant_id, name, description=request.description, permissions=request.permissions
    )
    _audit(
        identity,
        "role.update",
        f"role/{name}",
        {"from": current.permissions, "to": record.permissions, "description": record.description},
    )
    return _role_out(record)


@router.delete("/roles/<name>", summary="Delete a custom role nobody holds", tags=["identity"])
def delete_role(name: Annotated[str, Path(max_length=40, pattern=ROLE_NAME_PATTERN)]) -> Response[str]:
    identity = caller("team:manage")
    _custom_only(name)
    try:
        record = store.delete_role(identity.tenant_id, name)
    except store.RoleInUseError as exc:
        raise ConflictError("role_in_use", str(exc), {"users": exc.users, "api_keys": exc.api_keys}) from exc
    _audit(identity, "role.delete", f"role/{name}", {"permissions": record.permissions})
    return Response(status_code=204, body="")


def _custom_only(name: str) -> None:
    if name in ROLE_PERMISSIONS:
        raise ForbiddenError(
            "builtin_role", f"The built-in role '{name}' cannot be changed or deleted.", {"role": name}
        )


# API keys ----------------------------------------------------------------------------------------


@router.post("/api-keys", summary="Create an API key (the key is shown once)", tags=["identity"])
def create_api_key(request: Annotated[CreateApiKeyRequest, Body()]) -> Response[str]:
    identity = caller("team:manage")
    granted = _grantable(identity, request.role)
    if request.permissions is not None:
        outside = sorted(set(request.permissions) - granted)
        if outside:
            raise UnprocessableError(
                "scope_outside_role",
                f"A key's scope is part of its role; the role '{request.role}' does not grant {', '.join(outside)}.",
                {"field": "permissions", "permissions": outside},
            )
    key_id, secret, key = new_api_key(identity.tenant_id)
    record = store.create_api_key(
        identity.tenant_id,
        key_id,
        name=request.name,
        role=request.role,
        secret_sha256=hash_secret(secret),
        actor=identity.subject,
        permissions=request.permissions,
    )
    _audit(
        identity,
        "api_key.create",
        f"api-key/{key_id}",
        {"role": request.role, "name": request.name, "permissions": request.permissions},
    )
    body = ApiKeyOut(**record.model_dump()).model_dump(mode="json")
    return json_response(201, {**body, "key": key})


@router.get("/api-keys", summary="List API keys (never the keys themselves)", tags=["identity"])
def list_api_keys() -> list[ApiKeyOut]:
    identity = caller("team:manage")
    return [ApiKeyOut(**record.model_dump()) for record in store.list_api_keys(identity.tenant_id)]


@router.delete("/api-keys/<key_id>", summary="Revoke an API key", tags=["identity"])
def delete_api_key(key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]) -> Response[str]:
    identity = caller("team:manage")
    store.delete_api_key(identity.tenant_id, key_id)
    _audit(identity, "api_key.delete", f"api-key/{key_id}", {})
    return Response(status_code=204, body="")


# Audit -------------------------------------------------------------------------------------------


@router.get("/audit", summary="The audit log, newest first", tags=["identity"])
def list_audit(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[AuditRecord]:
    identity = caller("audit:read")
    return store.list_audit(identity.tenant_id, limit=limit, cursor=cursor)
