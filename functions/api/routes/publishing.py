"""From a saved version to a running state machine: validate, compile, publish, promote."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.context import caller, current_settings
from functions.api.errors import ConflictError, UnprocessableError
from functions.api.event_triggers import sync_event_rule
from functions.api.routes.params import Environment, WorkflowId, version_or_latest
from functions.api.routes.webhooks import register_webhook
from functions.shared import scheduler, stepfunctions, store
from functions.shared.store import VersionRecord

if TYPE_CHECKING:
    from state_machines.compiler import CompiledWorkflow

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]


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


@router.post(
    "/workflows/<workflow_id>/validate",
    summary="Validate the stored workflow (or ?version=n); problems name the node and field",
    tags=["workflows"],
)
def validate(workflow_id: WorkflowId, version: Annotated[int | None, Query(ge=1)] = None) -> ValidationResult:
    identity = caller("workflow:read")
    stored = version_or_latest(identity.tenant_id, workflow_id, version)
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
    stored = version_or_latest(identity.tenant_id, workflow_id, version)
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
    stored = version_or_latest(identity.tenant_id, workflow_id, request.version)
    register_webhook(identity.tenant_id, workflow_id, stored.document)
    _check_schedule(stored.document)
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
        stored.document,
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
        stored.document,
    )


def _check_schedule(document: dict[str, Any]) -> None:
    """422 before anything is published when a schedule trigger's expression or time zone is invalid."""
    from functions.shared.schedules import ScheduleExpressionError, validate_expression

    trigger = document.get("trigger") or {}
    if trigger.get("type") != "schedule":
        return
    try:
        validate_expression(str(trigger.get("expression")), str(trigger.get("timezone", "UTC")))
    except ScheduleExpressionError as exc:
        raise UnprocessableError(
            "invalid_schedule",
            str(exc),
            {
                "problems": [
                    {
                        "code": "invalid_schedule",
                        "node": None,
                        "field": "trigger.expression",
                        "message": str(exc),
                    }
                ]
            },
        ) from exc


def _point(
    tenant_id: str,
    workflow_id: str,
    version: int,
    environment: Environment,
    machine_arn: str,
    version_arn: str,
    state_nodes: dict[str, list[str]],
    actor: str,
    document: dict[str, Any],
) -> PublishResult:
    """Move the environment's alias to a published version, record it, and schedule it or create its
    event rule if it says so (the rule first: a pattern EventBridge refuses leaves the alias alone)."""
    settings = current_settings()
    sync_event_rule(tenant_id, workflow_id, environment, document)
    alias_arn = stepfunctions.point_alias(settings, machine_arn, environment, version_arn)
    trigger = document.get("trigger") or {}
    if trigger.get("type") == "schedule":
        scheduler.upsert_schedule(
            settings,
            tenant_id,
            workflow_id,
            environment,
            expression=str(trigger["expression"]),
            timezone=str(trigger.get("timezone", "UTC")),
            payload=dict(trigger.get("payload") or {}),
        )
    store.record_publish(
        tenant_id,
        workflow_id,
        version,
        environment=environment,
        state_machine_arn=machine_arn,
        state_machine_version_arn=version_arn,
        state_nodes=state_nodes,
        execution_type=str((document.get("settings") or {}).get("execution_type", "STANDARD")),
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
