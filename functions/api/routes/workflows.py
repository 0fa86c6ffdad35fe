"""Workflows: create, list, get, save (with ETags), delete; versions and the diff between them; and
validating a document that is not saved yet (the editor checks the canvas as it is edited)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.context import caller, header, json_response
from functions.api.errors import BadRequestError, UnprocessableError
from functions.api.event_triggers import published_event_buses, remove_event_rules
from functions.api.routes.params import WorkflowId, version_or_latest
from functions.api.routes.publishing import ProblemOut, ValidationResult
from functions.shared import store
from functions.shared.store import VersionRecord, WorkflowRecord

if TYPE_CHECKING:
    from state_machines.model import Workflow

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

WorkflowDocument = Annotated[
    dict[str, Any], Body(description="A workflow document (see the workflow JSON Schema).")
]


class WorkflowSummary(BaseModel):
    id: str
    name: str
    version: int
    updated_at: datetime
    updated_by: str
    environments: dict[str, Any]


class WorkflowList(BaseModel):
    items: list[WorkflowSummary]
    next_cursor: str | None


VersionStatus = Literal["active", "deprecated", "retired"]


class VersionSummary(BaseModel):
    version: int
    created_at: datetime
    created_by: str
    published: bool
    status: VersionStatus = "active"


class VersionStatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: VersionStatus = Field(
        description="deprecated: still runs, marked for replacement; retired: new runs are refused"
    )


def _workflow_body(record: WorkflowRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "version": record.version,
        "etag": record.etag,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "updated_by": record.updated_by,
        "environments": record.environments,
        "document": record.document,
    }


def _with_etag(status: int, record: WorkflowRecord, extra: dict[str, str] | None = None) -> Response[str]:
    return json_response(status, _workflow_body(record), {"ETag": record.etag, **(extra or {})})


def _expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header names (``"3"``, ``W/"3"``); ``*`` or none means any."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise BadRequestError("invalid_if_match", 'If-Match must be an ETag this API returned, e.g. "3".')
    return int(value)


def _parsed(document: dict[str, Any], workflow_id: str | None = None) -> Workflow:
    """The document as a Workflow (its id must be the path's); 422 with every problem when it is not one."""
    from functions.api.compiling import parsed

    if workflow_id is not None:
        if document.get("id", workflow_id) != workflow_id:
            raise UnprocessableError(
                "id_mismatch",
                f"The document's id '{document.get('id')}' differs from the workflow '{workflow_id}' in the path.",
                {
                    "problems": [
                        {
                            "code": "id_mismatch",
                            "node": None,
                            "field": "id",
                            "message": "Must match the path.",
                        }
                    ]
                },
            )
        document = {**document, "id": workflow_id}
    return parsed(document)


def _stored_document(workflow: Workflow) -> dict[str, Any]:
    return workflow.model_dump(mode="json", by_alias=True, exclude_none=True)


@router.post("/workflows", summary="Create a workflow (version 1)", tags=["workflows"])
def create_workflow(document: WorkflowDocument) -> Response[str]:
    identity = caller("workflow:create")
    workflow = _parsed(document)
    record = store.create_workflow(identity.tenant_id, _stored_document(workflow), actor=identity.subject)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="workflow.create",
        resource=f"workflow/{record.id}",
        details={"version": record.version},
    )
    return _with_etag(201, record, {"Location": f"/workflows/{record.id}"})


@router.post(
    "/workflows/validate",
    summary="Validate a workflow document without saving it; the same problems as validating a saved one",
    tags=["workflows"],
)
def validate_document(document: WorkflowDocument) -> ValidationResult:
    # Reading is enough: nothing is stored, and a viewer may check a document before asking for it.
    caller("workflow:read")
    from functions.api.compiling import problems_of

    problems = [ProblemOut(**problem) for problem in problems_of(document)]
    return ValidationResult(valid=not problems, problems=problems)


@router.get("/workflows", summary="List workflows", tags=["workflows"])
def list_workflows(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> WorkflowList:
    identity = caller("workflow:read")
    page = store.list_workflows(identity.tenant_id, limit=limit, cursor=cursor)
    return WorkflowList(
        items=[
            WorkflowSummary(**record.model_dump(exclude={"document", "created_at"})) for record in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/workflows/<workflow_id>", summary="Get a workflow (ETag; If-None-Match gives 304)", tags=["workflows"]
)
def get_workflow(workflow_id: WorkflowId) -> Response[str]:
    identity = caller("workflow:read")
    record = store.get_workflow(identity.tenant_id, workflow_id)
    if header(router.current_event.headers, "If-None-Match") == record.etag:
        return Response(status_code=304, headers={"ETag": record.etag}, body="")
    return _with_etag(200, record)


@router.put(
    "/workflows/<workflow_id>",
    summary="Save a new version (If-Match: a stale ETag gets 409 and nothing is overwritten)",
    tags=["workflows"],
)
def update_workflow(workflow_id: WorkflowId, document: WorkflowDocument) -> Response[str]:
    identity = caller("workflow:update")
    expected = _expected_version(header(router.current_event.headers, "If-Match"))
    workflow = _parsed(document, workflow_id)
    record = store.save_workflow(
        identity.tenant_id,
        workflow_id,
        _stored_document(workflow),
        actor=identity.subject,
        expected_version=expected,
    )
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="workflow.update",
        resource=f"workflow/{workflow_id}",
        details={"version": record.version},
    )
    return _with_etag(200, record)


@router.delete("/workflows/<workflow_id>", summary="Delete a workflow and its versions", tags=["workflows"])
def delete_workflow(workflow_id: WorkflowId) -> Response[str]:
    identity = caller("workflow:delete")
    expected = _expected_version(header(router.current_event.headers, "If-Match"))
    buses = published_event_buses(identity.tenant_id, store.get_workflow(identity.tenant_id, workflow_id))
    store.delete_workflow(identity.tenant_id, workflow_id, expected_version=expected)
    remove_event_rules(identity.tenant_id, workflow_id, buses)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="workflow.delete",
        resource=f"workflow/{workflow_id}",
        details={},
    )
    return Response(status_code=204, body="")


@router.get(
    "/workflows/<workflow_id>/versions", summary="List saved versions, newest first", tags=["workflows"]
)
def list_versions(workflow_id: WorkflowId) -> list[VersionSummary]:
    identity = caller("workflow:read")
    head = store.get_workflow(identity.tenant_id, workflow_id)
    return [
        VersionSummary(
            version=version.version,
            created_at=version.created_at,
            created_by=version.created_by,
            published=version.state_machine_version_arn is not None,
            status=head.status_of(version.version),  # type: ignore[arg-type]  # only set_version_status writes it
        )
        for version in store.list_versions(identity.tenant_id, workflow_id)
    ]


@router.put(
    "/workflows/<workflow_id>/versions/<version>/status",
    summary="Deprecate or retire a version (retired: new runs of it are refused), or make it active again",
    tags=["workflows"],
)
def set_version_status(
    workflow_id: WorkflowId,
    version: Annotated[int, Path(ge=1)],
    request: Annotated[VersionStatusRequest, Body()],
) -> dict[str, Any]:
    identity = caller("workflow:update")
    head = store.set_version_status(identity.tenant_id, workflow_id, version, request.status)
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action=f"workflow.version.{request.status}",
        resource=f"workflow/{workflow_id}/versions/{version}",
        details={},
    )
    return {"workflow_id": workflow_id, "version": version, "status": head.status_of(version)}


@router.get(
    "/workflows/<workflow_id>/versions/<version>", summary="Get one saved version", tags=["workflows"]
)
def get_version(workflow_id: WorkflowId, version: Annotated[int, Path(ge=1)]) -> VersionRecord:
    identity = caller("workflow:read")
    return store.get_version(identity.tenant_id, workflow_id, version)


@router.get(
    "/workflows/<workflow_id>/diff",
    summary="What changed between two saved versions (nodes by id, edges by their ends, fields by path)",
    tags=["workflows"],
)
def diff_versions(
    workflow_id: WorkflowId,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int | None, Query(alias="to", ge=1, description="Defaults to the latest.")] = None,
) -> dict[str, Any]:
    from functions.api.diffing import diff_workflows

    identity = caller("workflow:read")
    old = store.get_version(identity.tenant_id, workflow_id, from_version)
    new = version_or_latest(identity.tenant_id, workflow_id, to_version)
    return {
        "workflow_id": workflow_id,
        "from": old.version,
        "to": new.version,
        **diff_workflows(old.document, new.document),
    }


@router.get(
    "/workflows/<workflow_id>/export",
    summary="The workflow document as a file (latest or ?version=n), to import elsewhere with POST /workflows",
    tags=["workflows"],
)
def export_workflow(
    workflow_id: WorkflowId, version: Annotated[int | None, Query(ge=1)] = None
) -> Response[str]:
    identity = caller("workflow:read")
    stored = version_or_latest(identity.tenant_id, workflow_id, version)
    return json_response(
        200, stored.document, {"Content-Disposition": f'attachment; filename="{workflow_id}.json"'}
    )
