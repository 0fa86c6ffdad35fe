"""Runs: the control plane's record of each Step Functions execution."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from functions.shared import keys
from functions.shared.exceptions import InvalidCursorError, ItemNotFoundError, StoreError
from functions.shared.models import RunItem
from functions.shared.store._base import Page, Record, decode_cursor, encode_cursor, wrapped

__all__ = ["RunRecord", "get_run", "list_runs", "put_run", "update_run_status"]

_FINISHED = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


class RunRecord(Record):
    """What the control plane knows about a run; the execution itself lives in Step Functions."""

    id: str
    workflow_id: str
    workflow_version: int
    environment: str
    execution_arn: str
    status: str
    input: Any = None
    started_at: datetime
    stopped_at: datetime | None = None
    started_by: str
    trigger: str = "api"
    rerun_of: str | None = None
    output: Any = None
    error: str | None = None
    cause: str | None = None

    @property
    def express(self) -> bool:
        """Express executions cannot be described or their history read; their result is stored."""
        return ":express:" in self.execution_arn

    @property
    def finished(self) -> bool:
        return self.status in _FINISHED


def _run_record(item: RunItem) -> RunRecord:
    return RunRecord(
        id=item.sk.removeprefix(keys.RUN_PREFIX),
        workflow_id=item.workflow_id,
        workflow_version=int(item.workflow_version),
        environment=item.environment,
        execution_arn=item.execution_arn,
        status=item.status,
        input=item.input,
        started_at=item.started_at,
        stopped_at=item.stopped_at,
        started_by=item.started_by,
        trigger=item.trigger,
        rerun_of=item.rerun_of,
        output=item.output,
        error=item.error,
        cause=item.cause,
    )


def put_run(tenant_id: str, run: RunRecord) -> None:
    """Record a started run."""
    item = RunItem(
        keys.tenant_pk(tenant_id),
        keys.run_sk(run.id),
        gsi1pk=keys.runs_by_workflow_pk(tenant_id, run.workflow_id),
        gsi1sk=keys.run_sk(run.id),
        workflow_id=run.workflow_id,
        workflow_version=run.workflow_version,
        environment=run.environment,
        execution_arn=run.execution_arn,
        status=run.status,
        input=run.input,
        started_at=run.started_at,
        stopped_at=run.stopped_at,
        started_by=run.started_by,
        trigger=run.trigger,
        rerun_of=run.rerun_of,
        output=run.output,
        error=run.error,
        cause=run.cause,
    )
    with wrapped(f"save run {run.id}"):
        item.save()


def get_run(tenant_id: str, run_id: str) -> RunRecord:
    """One run, or ``ItemNotFoundError``."""
    try:
        item = RunItem.get(keys.tenant_pk(tenant_id), keys.run_sk(run_id), consistent_read=True)
    except DoesNotExist as exc:
        raise ItemNotFoundError("Run", run_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read run {run_id}: {exc.msg}") from exc
    return _run_record(item)


def update_run_status(tenant_id: str, run_id: str, status: str, stopped_at: datetime | None) -> None:
    """Store the status Step Functions reported, so listings can filter on it."""
    with wrapped(f"update run {run_id}"):
        RunItem(keys.tenant_pk(tenant_id), keys.run_sk(run_id)).update(
            actions=[
                RunItem.status.set(status),
                RunItem.stopped_at.set(stopped_at) if stopped_at else RunItem.stopped_at.remove(),
            ],
            condition=RunItem.sk.exists(),
        )


def list_runs(
    tenant_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    workflow_id: str | None = None,
    status: str | None = None,
) -> Page[RunRecord]:
    """Runs newest first, optionally of one workflow (the gsi1 index) and in one status."""
    start = _decode_cursor_any(tenant_id, cursor, by_workflow=workflow_id is not None)
    condition = RunItem.status == status if status else None
    with wrapped("list runs"):
        if workflow_id is not None:
            results = RunItem.by_workflow.query(
                keys.runs_by_workflow_pk(tenant_id, workflow_id),
                RunItem.gsi1sk.startswith(keys.RUN_PREFIX),
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
        else:
            results = RunItem.query(
                keys.tenant_pk(tenant_id),
                RunItem.sk.startswith(keys.RUN_PREFIX),
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
        items = [_run_record(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))


def _decode_cursor_any(tenant_id: str, cursor: str | None, *, by_workflow: bool) -> dict[str, Any] | None:
    """Index cursors carry the tenant in ``gsi1pk`` as well as ``pk``; check whichever applies."""
    start = decode_cursor(tenant_id, cursor)
    if start is not None and by_workflow:
        index_pk = start.get("gsi1pk", {}).get("S", "")
        if not str(index_pk).startswith(keys.tenant_pk(tenant_id) + "#"):
            raise InvalidCursorError("The cursor is not one this API returned.")
    return start
