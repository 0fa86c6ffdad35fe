"""Workflows: create, list, get, update (with ETags), delete, versions, validate, compile, publish."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.context import caller, current_settings, header, json_response
from functions.api.errors import BadRequestError, ConflictError, NotFoundError, UnprocessableError
from functions.shared import ItemExistsError, stepfunctions, store
from functions.shared.store import VersionRecord, WorkflowRecord

if TYPE_CHECKING:
    from state_machines.compiler import CompiledWorkflow
    from state_machines.model import Workflow

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

WorkflowId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$", description="Workflow id.")]
Environment = Literal["dev", "staging", "prod"]
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


class VersionSummary(BaseModel):
    version: int
    created_at: datetime
    created_by: str
    published: bool


class ProblemOut(BaseModel):
    """One problem: a stable code, the node and field it is about, and what to do."""

    code: str
    node: str | None
    field: str | None
    message: str


class ValidationResult(BaseModel):
    valid: bool
    problems: list[ProblemOut]


class CompileResult(BaseModel):
    workflow_id: str
    version: int
    execution_type: str
    state_count: int
    definition: dict[str, Any]
    state_nodes: dict[str, list[str]]


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    environment: Environment = "dev"
    version: Annotated[int | None, Field(ge=1, description="Defaults to the latest version.")] = None


class PromoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: Annotated[Environment, Field(alias="from", description="The environment to copy.")]
    target: Annotated[Environment, Field(alias="to", description="The environment to move.")]


class PublishResult(BaseModel):
    workflow_id: str
    version: int
    environment: Environment
    state_machine_arn: str
    state_machine_version_arn: str
    alias_arn: str


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
    store.delete_workflow(identity.tenant_id, workflow_id, expected_version=expected)
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
    return [
        VersionSummary(
            version=version.version,
            created_at=version.created_at,
            created_by=version.created_by,
            published=version.state_machine_version_arn is not None,
        )
        for version in store.list_versions(identity.tenant_id, workflow_id)
    ]


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
    new = _version_or_latest(identity.tenant_id, workflow_id, to_version)
    return {
        "workflow_id": workflow_id,
        "from": old.version,
        "to": new.version,
        **diff_workflows(old.document, new.document),
    }


def _version_or_latest(tenant_id: str, workflow_id: str, version: int | None) -> VersionRecord:
    if version is None:
        version = store.get_workflow(tenant_id, workflow_id).version
    return store.get_version(tenant_id, workflow_id, version)


@router.post(
    "/workflows/<workflow_id>/validate",
    summary="Validate the stored workflow (or ?version=n); problems name the node and field",
    tags=["workflows"],
)
def validate(workflow_id: WorkflowId, version: Annotated[int | None, Query(ge=1)] = None) -> ValidationResult:
    identity = caller("workflow:read")
    stored = _version_or_latest(identity.tenant_id, workflow_id, version)
    from functions.api.compiling import problems_of

    problems = [ProblemOut(**problem) for problem in problems_of(stored.document)]
    return ValidationResult(valid=not problems, problems=problems)


def _compiled(tenant_id: str, stored: VersionRecord) -> CompiledWorkflow:
    from functions.api.compiling import compile_document

    label = f"Version {stored.version} of '{stored.workflow_id}'"
    return compile_document(current_settings(), tenant_id, stored.document, label=label)


@router.post(
    "/workflows/<workflow_id>/compile",
    summary="Compile the stored workflow (or ?version=n) to Amazon States Language",
    tags=["workflows"],
)
def compile_(workflow_id: WorkflowId, version: Annotated[int | None, Query(ge=1)] = None) -> CompileResult:
    identity = caller("workflow:read")
    stored = _version_or_latest(identity.tenant_id, workflow_id, version)
    compiled = _compiled(identity.tenant_id, stored)
    return CompileResult(
        workflow_id=workflow_id,
        version=stored.version,
        execution_type=compiled.execution_type,
        state_count=compiled.state_count,
        definition=compiled.definition,
        state_nodes=compiled.state_nodes,
    )


@router.post(
    "/workflows/<workflow_id>/publish",
    summary="Publish a version to an environment: compile it, publish a state machine version, move the alias",
    tags=["workflows"],
)
def publish(
    workflow_id: WorkflowId, request: Annotated[PublishRequest | None, Body()] = None
) -> PublishResult:
    identity = caller("workflow:update")
    request = request or PublishRequest()
    settings = current_settings()
    stored = _version_or_latest(identity.tenant_id, workflow_id, request.version)
    _register_webhook(identity.tenant_id, workflow_id, stored.document)
    machine_arn = stepfunctions.state_machine_arn(settings, identity.tenant_id, workflow_id)
    version_arn, state_nodes = stored.state_machine_version_arn, stored.state_nodes
    if version_arn is None or state_nodes is None:
        # First publication of this version; publishing it again (a rollback) reuses it.
        compiled = _compiled(identity.tenant_id, stored)
        machine_arn, version_arn = stepfunctions.publish_version(
            settings,
            identity.tenant_id,
            workflow_id,
            compiled.asl,
            execution_type=compiled.execution_type,
            version=stored.version,
        )
        state_nodes = compiled.state_nodes
    return _point(
        identity.tenant_id,
        workflow_id,
        stored.version,
        request.environment,
        machine_arn,
        version_arn,
        state_nodes,
        identity.subject,
    )


@router.post(
    "/workflows/<workflow_id>/promote",
    summary="Promote: point an environment at the version another environment runs (no recompilation)",
    tags=["workflows"],
)
def promote(workflow_id: WorkflowId, request: Annotated[PromoteRequest, Body()]) -> PublishResult:
    identity = caller("workflow:update")
    workflow = store.get_workflow(identity.tenant_id, workflow_id)
    source = workflow.environments.get(request.source)
    if not source:
        raise ConflictError(
            "not_published",
            f"Workflow '{workflow_id}' is not published to {request.source}; nothing to promote.",
            {"environment": request.source, "published_to": sorted(workflow.environments)},
        )
    stored = store.get_version(identity.tenant_id, workflow_id, int(source["version"]))
    return _point(
        identity.tenant_id,
        workflow_id,
        stored.version,
        request.target,
        str(source["state_machine_arn"]),
        str(source["state_machine_version_arn"]),
        stored.state_nodes or {},
        identity.subject,
    )


def _point(
    tenant_id: str,
    workflow_id: str,
    version: int,
    environment: Environment,
    machine_arn: str,
    version_arn: str,
    state_nodes: dict[str, list[str]],
    actor: str,
) -> PublishResult:
    """Move the environment's alias to a published version, and record it."""
    alias_arn = stepfunctions.point_alias(current_settings(), machine_arn, environment, version_arn)
    store.record_publish(
        tenant_id,
        workflow_id,
        version,
        environment=environment,
        state_machine_arn=machine_arn,
        state_machine_version_arn=version_arn,
        state_nodes=state_nodes,
    )
    store.write_audit(
        tenant_id,
        actor=actor,
        action="workflow.publish",
        resource=f"workflow/{workflow_id}",
        details={"version": version, "environment": environment},
    )
    return PublishResult(
        workflow_id=workflow_id,
        version=version,
        environment=environment,
        state_machine_arn=machine_arn,
        state_machine_version_arn=version_arn,
        alias_arn=alias_arn,
    )


class WebhookOut(BaseModel):
    workflow_id: str
    path: str
    urls: dict[str, str] = Field(description="Per environment, relative to the API's base URL.")
    secret: str = Field(description="Standard Webhooks signing secret (whsec_...).")


def _webhook_path(workflow_id: str, document: dict[str, Any]) -> str | None:
    trigger = document.get("trigger") or {}
    if trigger.get("type") != "webhook":
        return None
    return str(trigger.get("path") or workflow_id).strip("/") or workflow_id


def _register_webhook(tenant_id: str, workflow_id: str, document: dict[str, Any]) -> None:
    """Give a webhook workflow its path (and a signing secret) before it is published."""
    from functions.shared.signatures import new_secret

    path = _webhook_path(workflow_id, document)
    if path is None:
        return
    try:
        store.register_webhook(tenant_id, path, workflow_id, new_secret=new_secret())
    except ItemExistsError as exc:
        raise ConflictError(
            "webhook_path_taken", f"Another workflow already receives webhooks at '{path}'.", {"path": path}
        ) from exc


def _webhook_of(tenant_id: str, workflow_id: str) -> WebhookOut:
    document = store.get_workflow(tenant_id, workflow_id).document
    path = _webhook_path(workflow_id, document)
    hook = store.get_webhook(tenant_id, path) if path else None
    if hook is None or hook.workflow_id != workflow_id:
        raise NotFoundError(
            "no_webhook", f"Workflow '{workflow_id}' has no webhook; publish a webhook trigger first."
        )
    urls = {
        environment: f"/hooks/{tenant_id}/{environment}/{hook.path}"
        for environment in ("dev", "staging", "prod")
    }
    return WebhookOut(workflow_id=workflow_id, path=hook.path, urls=urls, secret=hook.secret)


@router.get(
    "/workflows/<workflow_id>/webhook",
    summary="The webhook of a workflow: its URLs and signing secret",
    tags=["workflows"],
)
def get_webhook(workflow_id: WorkflowId) -> WebhookOut:
    identity = caller("workflow:update")
    return _webhook_of(identity.tenant_id, workflow_id)


@router.post(
    "/workflows/<workflow_id>/webhook/rotate",
    summary="Replace the webhook's signing secret (the old one stops working at once)",
    tags=["workflows"],
)
def rotate_webhook(workflow_id: WorkflowId) -> WebhookOut:
    from functions.shared.signatures import new_secret

    identity = caller("workflow:update")
    current = _webhook_of(identity.tenant_id, workflow_id)
    store.rotate_webhook_secret(identity.tenant_id, current.path, new_secret())
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="webhook.rotate",
        resource=f"workflow/{workflow_id}",
        details={"path": current.path},
    )
    return _webhook_of(identity.tenant_id, workflow_id)
