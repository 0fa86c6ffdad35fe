"""Templates: a built-in gallery (the example workflows) and each tenant's own; install one as a workflow."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field

from functions.api.context import caller, current_settings, json_response
from functions.api.errors import ConflictError
from functions.api.routes.params import version_or_latest
from functions.shared import store

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$"
TemplateId = Annotated[str, Path(pattern=ID_PATTERN, description="Template id.")]


class TemplateSummary(BaseModel):
    id: str
    name: str
    description: str
    source: Literal["builtin", "tenant"]
    trigger: str
    nodes: int


class Template(TemplateSummary):
    document: dict[str, Any]
    published_by: str | None = None
    created_at: datetime | None = None


class PublishTemplateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    workflow_id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[int | None, Field(ge=1, description="Defaults to the latest.")] = None
    name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    description: Annotated[str | None, Field(max_length=2000)] = None


class InstallRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    workflow_id: Annotated[
        str | None, Field(pattern=ID_PATTERN, description="Defaults to the template's.")
    ] = None


@cache
def _builtin(directory: FilePath) -> dict[str, Template]:
    templates = {}
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        templates[path.stem] = _template(path.stem, document, "builtin")
    return templates


def _template(
    template_id: str, document: dict[str, Any], source: Literal["builtin", "tenant"], **extra: Any
) -> Template:
    return Template(
        id=template_id,
        name=str(extra.pop("name", None) or document.get("name", template_id)),
        description=str(extra.pop("description", None) or document.get("description", "")),
        source=source,
        trigger=str((document.get("trigger") or {}).get("type", "manual")),
        nodes=len(document.get("nodes") or []),
        document=document,
        **extra,
    )


def _find(tenant_id: str, template_id: str) -> Template:
    builtin = _builtin(current_settings().templates_dir)
    if template_id in builtin:
        return builtin[template_id]
    record = store.get_template(tenant_id, template_id)
    return _template(
        record.id,
        record.document,
        "tenant",
        name=record.name,
        description=record.description,
        published_by=record.published_by,
        created_at=record.created_at,
    )


@router.get("/templates", summary="The template gallery: built-in and the tenant's own", tags=["templates"])
def list_templates() -> list[TemplateSummary]:
    identity = caller("workflow:read")
    builtin = [
        TemplateSummary(**t.model_dump(include=set(TemplateSummary.model_fields)))
        for t in _builtin(current_settings().templates_dir).values()
    ]
    own = [
        TemplateSummary(
            **_template(r.id, r.document, "tenant", name=r.name, description=r.description).model_dump(
                include=set(TemplateSummary.model_fields)
            )
        )
        for r in store.list_templates(identity.tenant_id)
    ]
    return builtin + own


@router.get("/templates/<template_id>", summary="One template with its workflow document", tags=["templates"])
def get_template(template_id: TemplateId) -> Template:
    identity = caller("workflow:read")
    return _find(identity.tenant_id, template_id)


@router.post("/templates", summary="Publish a workflow version to the tenant's gallery", tags=["templates"])
def publish_template(request: Annotated[PublishTemplateRequest, Body()]) -> Response[str]:
    identity = caller("workflow:create")
    if request.id in _builtin(current_settings().templates_dir):
        raise ConflictError("already_exists", f"'{request.id}' is a built-in template.", {"id": request.id})
    stored = version_or_latest(identity.tenant_id, request.workflow_id, request.version)
    record = store.create_template(
        identity.tenant_id,
        request.id,
        name=request.name or str(stored.document.get("name", request.id)),
        description=request.description or str(stored.document.get("description", "")),
        document=stored.document,
        actor=identity.subject,
    )
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="template.publish",
        resource=f"template/{record.id}",
        details={"workflow_id": request.workflow_id, "version": stored.version},
    )
    body = _find(identity.tenant_id, record.id).model_dump(mode="json")
    return json_response(201, body, {"Location": f"/templates/{record.id}"})


@router.delete(
    "/templates/<template_id>", summary="Remove a template from the tenant's gallery", tags=["templates"]
)
def delete_template(template_id: TemplateId) -> Response[str]:
    identity = caller("workflow:delete")
    if template_id in _builtin(current_settings().templates_dir):
        raise ConflictError("builtin_template", f"'{template_id}' is built in and cannot be removed.")
    store.delete_template(identity.tenant_id, template_id)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="template.delete",
        resource=f"template/{template_id}",
        details={},
    )
    return Response(status_code=204, body="")


@router.post(
    "/templates/<template_id>/install", summary="Create a workflow from a template", tags=["templates"]
)
def install_template(
    template_id: TemplateId, request: Annotated[InstallRequest | None, Body()] = None
) -> Response[str]:
    identity = caller("workflow:create")
    template = _find(identity.tenant_id, template_id)
    workflow_id = (request.workflow_id if request else None) or str(template.document.get("id", template_id))
    document = {**template.document, "id": workflow_id}
    record = store.create_workflow(identity.tenant_id, document, actor=identity.subject)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="workflow.create",
        resource=f"workflow/{workflow_id}",
        details={"version": 1, "template": template_id},
    )
    return json_response(
        201,
        {
            "id": record.id,
            "name": record.name,
            "version": record.version,
            "etag": record.etag,
            "template": template_id,
        },
        {"ETag": record.etag, "Location": f"/workflows/{record.id}"},
    )
