"""The caller, API keys (scoped to a role, shown once) and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.auth import Identity, Role, hash_secret, new_api_key, role_at_most
from functions.api.context import caller, json_response
from functions.api.errors import ForbiddenError
from functions.shared import store
from functions.shared.store import AuditRecord, Page

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]


class CreateApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100)]
    role: Role = "member"


class ApiKeyOut(BaseModel):
    id: str
    name: str
    role: str
    created_by: str
    created_at: datetime


@router.get("/me", summary="Who the credentials belong to", tags=["identity"])
def me() -> Identity:
    return caller("workflow:read")


@router.post("/api-keys", summary="Create an API key (the key is shown once)", tags=["identity"])
def create_api_key(request: Annotated[CreateApiKeyRequest, Body()]) -> Response[str]:
    identity = caller("team:manage")
    if not role_at_most(identity.role, request.role):
        raise ForbiddenError(
            "role_too_high", f"A {identity.role} cannot create a key with the {request.role} role."
        )
    key_id, secret, key = new_api_key(identity.tenant_id)
    record = store.create_api_key(
        identity.tenant_id,
        key_id,
        name=request.name,
        role=request.role,
        secret_sha256=hash_secret(secret),
        actor=identity.subject,
    )
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="api_key.create",
        resource=f"api-key/{key_id}",
        details={"role": request.role, "name": request.name},
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
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="api_key.delete",
        resource=f"api-key/{key_id}",
        details={},
    )
    return Response(status_code=204, body="")


@router.get("/audit", summary="The audit log, newest first", tags=["identity"])
def list_audit(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[AuditRecord]:
    identity = caller("audit:read")
    return store.list_audit(identity.tenant_id, limit=limit, cursor=cursor)
