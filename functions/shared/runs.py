"""Starting a run, the one way every trigger does it (API, re-run, webhooks; later schedules, events).

A run is a Step Functions execution named by the run id, on the alias of the environment, with
a run item in the table saying who started it, how, with what input and on which version.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from functions.shared import stepfunctions, store
from functions.shared.exceptions import ItemNotFoundError, RunRefusedError
from functions.shared.keys import new_sortable_id
from functions.shared.settings import Settings
from functions.shared.store import RunRecord, WorkflowRecord

__all__ = ["KEEP_KEYS_FOR", "start_once", "start_run"]

KEEP_KEYS_FOR = timedelta(days=7)


def start_run(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    environment: str,
    input_document: Any,
    *,
    started_by: str,
    trigger: str = "api",
    rerun_of: str | None = None,
    run_id: str | None = None,
    workflow: WorkflowRecord | None = None,
) -> RunRecord:
    """Start the workflow published to ``environment``; ``RunRefusedError`` if it is not published there.

    ``run_id`` (the execution name) may be fixed in advance by a caller that needs the start to be
    idempotent: Step Functions refuses a second execution of the same name, so a retried start
    cannot run twice. ``workflow`` saves a read when the caller has just read it.
    """
    workflow = workflow or store.get_workflow(tenant_id, workflow_id)
    published = workflow.environments.get(environment)
    if not published:
        raise RunRefusedError(
            "not_published",
            f"Workflow '{workflow_id}' is not published to {environment}; publish it first.",
            {"environment": environment, "published_to": sorted(workflow.environments)},
        )
    _check_controls(settings, tenant_id, workflow_id)
    fixed_name = run_id is not None
    run_id = run_id or new_sortable_id()
    alias_arn = f"{published['state_machine_arn']}:{environment}"
    finished: dict[str, Any] = {}
    if published.get("execution_type") == "EXPRESS":
        # Nothing can describe an Express execution afterwards: run it to the end and keep the result.
        result = stepfunctions.start_sync_execution(settings, alias_arn, run_id, input_document)
        execution_arn = str(result["executionArn"])
        finished = {
            "status": str(result["status"]),
            "stopped_at": result.get("stopDate"),
            "output": stepfunctions.decode_json(result.get("output")),
            "error": result.get("error"),
            "cause": result.get("cause"),
        }
    else:
        try:
            execution_arn = stepfunctions.start_execution(settings, alias_arn, run_id, input_document)
        except ClientError as exc:
            if not fixed_name or exc.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise
            # An earlier attempt of this very start got as far as Step Functions: it is the run.
            execution_arn = stepfunctions.execution_arn(str(published["state_machine_arn"]), run_id)
    run = RunRecord(
        id=run_id,
        workflow_id=workflow_id,
        workflow_version=int(published["version"]),
        environment=environment,
        execution_arn=execution_arn,
        status="RUNNING",
        input=input_document,
        started_at=datetime.now(UTC),
        started_by=started_by,
        trigger=trigger,
        rerun_of=rerun_of,
    ).model_copy(update=finished)
    store.put_run(tenant_id, run)
    action = "run.rerun" if rerun_of else "run.start"
    store.write_audit(
        tenant_id,
        actor=started_by,
        action=action,
        resource=f"run/{run_id}",
        details={
            "workflow_id": workflow_id,
            "environment": environment,
            "trigger": trigger,
            "rerun_of": rerun_of,
        },
    )
    return run


def start_once(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    environment: str,
    input_document: Any,
    *,
    key: str,
    fingerprint: str,
    started_by: str,
    trigger: str,
    workflow: WorkflowRecord | None = None,
) -> tuple[RunRecord, bool]:
    """Start at most one run per ``key``: ``(run, replayed)``; a repeat gets the first run back.

    The key is claimed with a conditional write before anything starts, and the run id claimed
    with it becomes the execution's name, which Step Functions never runs twice. A start that
    failed or was refused leaves the claim: its retry finishes that very start. ``fingerprint``
    (a hash of the request) tells a retry from a different request that reuses the key.
    """
    key_hash = hashlib.sha256(key.encode()).hexdigest()[:40]
    claim = store.claim_idempotency_key(
        tenant_id,
        workflow_id,
        key_hash,
        run_id=new_sortable_id(),
        body_sha256=fingerprint,
        keep_for=KEEP_KEYS_FOR,
    )
    if not claim.claimed:
        if claim.body_sha256 != fingerprint:
            raise RunRefusedError(
                "idempotency_key_reused",
                "This idempotency key came before with another request.",
                {"run_id": claim.run_id},
                status=422,
            )
        try:
            return store.get_run(tenant_id, claim.run_id), True
        except ItemNotFoundError:
            pass  # the first attempt stopped before recording its run: finish its start (same name)
    run = start_run(
        settings,
        tenant_id,
        workflow_id,
        environment,
        input_document,
        started_by=started_by,
        trigger=trigger,
        run_id=claim.run_id,
        workflow=workflow,
    )
    return run, False


def _check_controls(settings: Settings, tenant_id: str, workflow_id: str) -> None:
    """Refuse the start when a kill switch is on for the tenant or workflow, or the quota is used up.

    Never silent: the caller gets ``RunRefusedError`` with the reason (and when to retry).
    """
    now = datetime.now(UTC)
    controls = store.get_controls(tenant_id)
    for flag in controls.flags:
        if not flag.active(now) or (flag.scope, flag.target) not in {
            ("tenant", "*"),
            ("workflow", workflow_id),
        }:
            continue
        retry_after = int((flag.until - now).total_seconds()) + 1 if flag.until else None
        what = "this tenant" if flag.scope == "tenant" else f"workflow '{workflow_id}'"
        raise RunRefusedError(
            "paused" if flag.action == "pause" else "blocked",
            f"New runs of {what} are {flag.action}ed: {flag.reason}",
            flag.model_dump(mode="json"),
            retry_after=retry_after,
        )
    limit = controls.runs_per_minute or settings.runs_per_minute
    second = int(now.timestamp())
    window = second // 60
    if not store.take_slot(tenant_id, "runs", window=window, limit=limit, expires_at=(window + 2) * 60):
        raise RunRefusedError(
            "quota_exceeded",
            f"This tenant may start {limit} runs per minute; try again in a moment.",
            {"limit": limit, "window_seconds": 60},
            status=429,
            retry_after=60 - second % 60,
        )
