"""Runs: start on an environment's alias, list, get with the step timeline, cancel, re-run.

A run is a Step Functions execution named by the run id; the table keeps who started it, with
what input, on which version, and the last status Step Functions reported (refreshed on read).
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from functions.api import idempotency
from functions.api.context import caller, current_settings, header, json_response
from functions.api.errors import ConflictError, NotFoundError
from functions.shared import ItemNotFoundError, approvals, runs, stepfunctions, store
from functions.shared.run_usage import token_usage
from functions.shared.store import RunRecord
from state_machines.timeline import build_timeline

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

RunId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="Run id.")]
WorkflowId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$")]
RunStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]


class StartRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Any = None
    environment: Literal["dev", "staging", "prod"] = "dev"


class RunList(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


def _run_body(run: RunRecord) -> dict[str, Any]:
    return run.model_dump(mode="json")


def _refreshed(tenant_id: str, run: RunRecord) -> tuple[RunRecord, dict[str, Any]]:
    """The run with the status Step Functions reports now (stored when it changed), and the description."""
    if run.express:  # finished when it was recorded; Step Functions describes no Express execution
        return run, {"output": run.output, "error": run.error, "cause": run.cause}
    try:
        described = stepfunctions.describe_execution(current_settings(), run.execution_arn)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
            raise NotFoundError(
                "execution_missing", f"The execution of run '{run.id}' no longer exists."
            ) from exc
        raise
    status = str(described["status"])
    stopped_at = described.get("stopDate")
    if status != run.status:
        store.update_run_status(tenant_id, run.id, status, stopped_at)
        run = run.model_copy(update={"status": status, "stopped_at": stopped_at})
    return run, described


def _refresh_running(tenant_id: str) -> None:
    """Bring stored statuses of unfinished runs up to date before a listing filters on them.

    In AWS, Step Functions' status-change events will keep them current instead.
    """
    cursor: str | None = None
    while True:
        page = store.list_runs(tenant_id, limit=100, cursor=cursor, status="RUNNING")
        for run in page.items:
            # A run whose execution is gone keeps its last status; reading it says why.
            with contextlib.suppress(NotFoundError):
                _refreshed(tenant_id, run)
        cursor = page.next_cursor
        if cursor is None:
            return


@router.post("/workflows/<workflow_id>/runs", summary="Start a run of the published workflow", tags=["runs"])
def start_run(
    workflow_id: WorkflowId, request: Annotated[StartRunRequest | None, Body()] = None
) -> Response[str]:
    identity = caller("workflow:execute")
    request = request or StartRunRequest()
    settings = current_settings()

    def start() -> dict[str, Any]:
        run = runs.start_run(
            settings,
            identity.tenant_id,
            workflow_id,
            request.environment,
            request.input or {},
            started_by=identity.subject,
        )
        return _run_body(run)

    key = header(router.current_event.headers, "Idempotency-Key")
    if key is None:
        body = start()
        return json_response(201, body, {"Location": f"/runs/{body['id']}"})
    scope = {"tenant": identity.tenant_id, "workflow": workflow_id}
    body, replayed = idempotency.once(
        settings, scope, key, request.model_dump(mode="json"), start, router.lambda_context
    )
    headers = {"Location": f"/runs/{body['id']}", **({"Idempotent-Replayed": "true"} if replayed else {})}
    return json_response(200 if replayed else 201, body, headers)


@router.get("/runs", summary="List runs, newest first (filter by workflow and status)", tags=["runs"])
def list_runs(
    workflow_id: Annotated[str | None, Query(max_length=80)] = None,
    status: Annotated[RunStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> RunList:
    identity = caller("run:read")
    _refresh_running(identity.tenant_id)
    page = store.list_runs(
        identity.tenant_id, limit=limit, cursor=cursor, workflow_id=workflow_id, status=status
    )
    return RunList(items=[_run_body(run) for run in page.items], next_cursor=page.next_cursor)


@router.get("/runs/<run_id>", summary="Get a run with its output and step timeline", tags=["runs"])
def get_run(run_id: RunId) -> dict[str, Any]:
    identity = caller("run:read")
    settings = current_settings()
    run, described = _refreshed(identity.tenant_id, store.get_run(identity.tenant_id, run_id))
    # Express executions keep no history in Step Functions (in AWS their steps go to CloudWatch Logs).
    history = [] if run.express else stepfunctions.execution_history(settings, run.execution_arn)
    steps = build_timeline(history, _state_nodes(identity.tenant_id, run))
    return {
        **_run_body(run),
        "output": stepfunctions.decode_json(described.get("output")),
        "error": described.get("error"),
        "cause": described.get("cause"),
        "steps": [step.to_dict() for step in steps],
        "usage": token_usage(history),
    }


def _state_nodes(tenant_id: str, run: RunRecord) -> dict[str, list[str]]:
    """Which nodes each state ran; without the version (its workflow was deleted) steps keep state names."""
    try:
        return store.get_version(tenant_id, run.workflow_id, run.workflow_version).state_nodes or {}
    except ItemNotFoundError:
        return {}


@router.post("/runs/<run_id>/cancel", summary="Cancel a running run", tags=["runs"])
def cancel_run(run_id: RunId) -> dict[str, Any]:
    identity = caller("run:cancel")
    run, _ = _refreshed(identity.tenant_id, store.get_run(identity.tenant_id, run_id))
    if run.finished:
        raise ConflictError(
            "run_finished", f"Run '{run_id}' already finished ({run.status}).", {"status": run.status}
        )
    stepfunctions.stop_execution(
        current_settings(), run.execution_arn, cause=f"Cancelled by {identity.subject}."
    )
    approvals.cancel_for_stopped_run(identity.tenant_id, run.execution_arn, actor=identity.subject)
    run, _ = _refreshed(identity.tenant_id, run)
    store.write_audit(
        identity.tenant_id, actor=identity.subject, action="run.cancel", resource=f"run/{run_id}", details={}
    )
    return _run_body(run)


_REDRIVABLE = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


@router.post(
    "/runs/<run_id>/redrive",
    summary="Run a failed run again from the step that failed (the steps that succeeded are kept)",
    tags=["runs"],
)
def redrive(run_id: RunId) -> dict[str, Any]:
    identity = caller("run:replay")
    run, _ = _refreshed(identity.tenant_id, store.get_run(identity.tenant_id, run_id))
    if run.express or run.status not in _REDRIVABLE:
        why = "an Express run keeps no history to go on from" if run.express else f"it is {run.status}"
        raise ConflictError(
            "run_not_redrivable",
            f"Run '{run_id}' cannot be redriven: {why}; re-run it with the same input instead.",
            {"status": run.status},
        )
    try:
        stepfunctions.redrive_execution(current_settings(), run.execution_arn)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ExecutionNotRedrivable":
            raise ConflictError(
                "run_not_redrivable", f"Run '{run_id}' cannot be redriven: Step Functions refuses it.", {}
            ) from exc
        raise
    run, _ = _refreshed(identity.tenant_id, run)
    store.write_audit(
        identity.tenant_id, actor=identity.subject, action="run.redrive", resource=f"run/{run_id}", details={}
    )
    return _run_body(run)


@router.post("/runs/<run_id>/rerun", summary="Start a new run with the same input", tags=["runs"])
def rerun(run_id: RunId) -> Response[str]:
    identity = caller("run:replay")
    original = store.get_run(identity.tenant_id, run_id)
    run = runs.start_run(
        current_settings(),
        identity.tenant_id,
        original.workflow_id,
        original.environment,
        original.input,
        started_by=identity.subject,
        trigger="rerun",
        rerun_of=original.id,
    )
    return json_response(201, _run_body(run), {"Location": f"/runs/{run.id}"})
