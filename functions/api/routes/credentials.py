"""Credentials: create, list, rotate, delete. Values are write-only: no route ever returns one."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field

from functions.api import secrets
from functions.api.context import caller, current_settings, json_response
from functions.api.errors import UnprocessableError
from functions.shared import store
from functions.shared.store import CredentialRecord

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

CREDENTIAL_ID = r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$"
CredentialId = Annotated[str, Path(pattern=CREDENTIAL_ID, description="Credential id.")]
# The value's fields are connector-specific (its JSON Schema is in the catalog), hence a free map.
Value = Annotated[
    dict[str, Any], Field(description="The secret fields; see the connector's credential_schema.")
]


class CreateCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=CREDENTIAL_ID, description="What workflow nodes name in `credential`.")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    connector: Annotated[str, Field(min_length=1, max_length=64)]
    value: Value


class RotateCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Value


class CredentialOut(BaseModel):
    id: str
    name: str
    connector: str
    created_at: datetime
    created_by: str
    rotated_at: datetime | None


def _out(record: CredentialRecord) -> CredentialOut:
    return CredentialOut(**record.model_dump(exclude={"secret_id"}))


@cache
def _credential_schemas() -> dict[str, dict[str, Any]]:
    from connectors.catalog import read_catalog_file, to_json

    return {entry["id"]: entry.get("credential_schema") or {} for entry in to_json(read_catalog_file())}


def _checked(connector: str, value: dict[str, Any]) -> None:
    """422 unless ``value`` fits the connector's credential schema (field names only in the message)."""
    from jsonschema import Draft202012Validator

    schemas = _credential_schemas()
    if connector not in schemas:
        raise UnprocessableError(
            "unknown_connector", f"There is no connector '{connector}'.", {"connector": connector}
        )
    problems = [
        {"field": ".".join(str(part) for part in error.absolute_path) or None, "message": error.message}
        for error in Draft202012Validator(schemas[connector]).iter_errors(value)
    ]
    if problems:
        # jsonschema quotes the offending value; a secret must not come back in an error.
        safe = [
            {"field": p["field"], "message": "does not match the connector's credential schema"}
            for p in problems
        ]
        raise UnprocessableError(
            "invalid_credential", f"The value does not fit {connector}'s credential.", {"problems": safe}
        )


@router.post("/credentials", summary="Store a credential (the value is write-only)", tags=["credentials"])
def create_credential(request: Annotated[CreateCredentialRequest, Body()]) -> Response[str]:
    identity = caller("credential:create")
    settings = current_settings()
    _checked(request.connector, request.value)
    name = secrets.secret_name(settings, identity.tenant_id, request.id)
    record = store.create_credential(
        identity.tenant_id,
        request.id,
        name=request.name,
        connector=request.connector,
        secret_id=name,
        actor=identity.subject,
    )
    try:
        secrets.create_secret(settings, identity.tenant_id, request.connector, name, request.value)
    except ClientError:
        store.delete_credential(identity.tenant_id, request.id)  # give the id back: nothing was stored
        raise
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="credential.create",
        resource=f"credential/{request.id}",
        details={"connector": request.connector},
    )
    return json_response(
        201, _out(record).model_dump(mode="json"), {"Location": f"/credentials/{request.id}"}
    )


@router.get("/credentials", summary="List credentials (never their values)", tags=["credentials"])
def list_credentials() -> list[CredentialOut]:
    identity = caller("credential:read")
    return [_out(record) for record in store.list_credentials(identity.tenant_id)]


@router.get("/credentials/<credential_id>", summary="One credential's metadata", tags=["credentials"])
def get_credential(credential_id: CredentialId) -> CredentialOut:
    identity = caller("credential:read")
    return _out(store.get_credential(identity.tenant_id, credential_id))


@router.put("/credentials/<credential_id>", summary="Rotate: replace the value", tags=["credentials"])
def rotate_credential(
    credential_id: CredentialId, request: Annotated[RotateCredentialRequest, Body()]
) -> CredentialOut:
    identity = caller("credential:create")
    current = store.get_credential(identity.tenant_id, credential_id)
    _checked(current.connector, request.value)
    secrets.put_secret(current_settings(), current.secret_id, request.value)
    record = store.mark_credential_rotated(identity.tenant_id, credential_id)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="credential.rotate",
        resource=f"credential/{credential_id}",
        details={},
    )
    return _out(record)


@router.delete(
    "/credentials/<credential_id>", summary="Delete a credential and its secret", tags=["credentials"]
)
def delete_credential(credential_id: CredentialId) -> Response[str]:
    identity = caller("credential:create")
    current = store.get_credential(identity.tenant_id, credential_id)
    secrets.delete_secret(current_settings(), current.secret_id)
    store.delete_credential(identity.tenant_id, credential_id)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="credential.delete",
        resource=f"credential/{credential_id}",
        details={},
    )
    return Response(status_code=204, body="")
