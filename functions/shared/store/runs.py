"""Runs: the control plane's record of each Step Functions execution, and the writes of a start.

What a start checks is read in one ``BatchGetItem`` (``read_start_context``: the workflow, its
webhook, the quota and the flags that apply); what it changes is written by ``record_start``: the
quota counters with one conditional write each, the run and its audit entry together in one
``BatchWriteItem`` (the idempotency claim, a conditional write too, is ``webhooks.py``'s).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, PynamoDBException
from pynamodb.models import Model

from functions.shared import keys
from functions.shared.exceptions import InvalidCursorError, ItemNotFoundError, StoreError
from functions.shared.models import (
    AuditItem,
    ControlItem,
    RunItem,
    WebhookItem,
    WorkflowItem,
    table_connection,
)
from functions.shared.store._base import Page, Record, decode_cursor, encode_cursor, utc_now, wrapped
from functions.shared.store.control import GLOBAL_TENANT, FlagRecord, Slot, flag_record, take_slot
from functions.shared.store.webhooks import WebhookRecord, webhook_record
from functions.shared.store.workflows import WorkflowRecord
from functions.shared.store.workflows import _workflow_record as workflow_record

__all__ = [
    "ClaimRequest",
    "RunRecord",
    "SlotFullError",
    "StartContext",
    "forget_start",
    "get_run",
    "list_runs",
    "put_run",
    "read_start_context",
    "record_start",
    "update_run_status",
]

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


def _run_item(tenant_id: str, run: RunRecord) -> RunItem:
    return RunItem(
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


def put_run(tenant_id: str, run: RunRecord) -> None:
    """Record a started run."""
    with wrapped(f"save run {run.id}"):
        _run_item(tenant_id, run).save()


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


class StartContext(Record):
    """What a start checks, read in one batch: the workflow, its webhook, the quota and the flags."""

    workflow: WorkflowRecord | None
    webhook: WebhookRecord | None = None
    flags: list[FlagRecord]
    runs_per_minute: int | None = None


class ClaimRequest(Record):
    """An idempotency key to claim for ``run_id`` (``store.claim_idempotency_key`` explains why)."""

    workflow_id: str
    key_hash: str
    run_id: str
    body_sha256: str
    keep_for: timedelta


class SlotFullError(Exception):
    """A counter of the start was full: nothing was written."""

    def __init__(self, slot: Slot) -> None:
        super().__init__(f"{slot.counter} is full ({slot.limit} per minute)")
        self.slot = slot


def read_start_context(tenant_id: str, workflow_id: str, *, webhook_path: str | None = None) -> StartContext:
    """The workflow (``None`` if there is none), the webhook at ``webhook_path`` (when asked), the
    quota and the global, tenant and workflow flags: one consistent ``BatchGetItem``."""
    tenant = keys.tenant_pk(tenant_id)
    wanted = [
        (tenant, keys.workflow_sk(workflow_id)),
        (tenant, keys.QUOTA_SK),
        (tenant, keys.flag_sk("tenant", "*")),
        (tenant, keys.flag_sk("workflow", workflow_id)),
        (keys.tenant_pk(GLOBAL_TENANT), keys.flag_sk("global", "*")),
    ]
    if webhook_path is not None:
        wanted.append((tenant, keys.hook_sk(webhook_path)))
    items = _batch_get(wanted)
    workflow = items.get((tenant, keys.workflow_sk(workflow_id)))
    hook = items.get((tenant, keys.hook_sk(webhook_path))) if webhook_path is not None else None
    quota = items.get((tenant, keys.QUOTA_SK))
    flags = [
        flag_record(ControlItem.from_raw_data(item))
        for (_, sk), item in items.items()
        if sk.startswith(keys.FLAG_PREFIX)
    ]
    runs_per_minute = quota.get("runs_per_minute", {}).get("N") if quota else None
    return StartContext(
        workflow=workflow_record(WorkflowItem.from_raw_data(workflow)) if workflow else None,
        webhook=webhook_record(WebhookItem.from_raw_data(hook)) if hook else None,
        flags=sorted(flags, key=lambda flag: ("global", "tenant", "workflow").index(flag.scope)),
        runs_per_minute=int(runs_per_minute) if runs_per_minute is not None else None,
    )


def _batch_get(wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items by ``(pk, sk)`` (missing ones absent). The low-level client, because pynamodb's batch
    read takes one model and this reads several kinds of item in one call."""
    client: Any = table_connection().client
    table = RunItem.Meta.table_name
    request: dict[str, Any] = {
        table: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted],
            "ConsistentRead": True,
        }
    }
    found: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        while request:
            answer = client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            request = answer.get("UnprocessedKeys") or {}
    except (BotoCoreError, ClientError) as exc:
        raise StoreError(f"Could not read what a start checks: {exc}") from exc
    return found


def record_start(
    tenant_id: str, *, run: RunRecord | None, audit: dict[str, Any] | None, slots: Sequence[Slot]
) -> None:
    """Count one use of each slot, then write the run with its audit entry (one batch write).

    A full slot raises ``SlotFullError`` with nothing of the run written. Conditional single-item
    writes and a batch rather than one transaction: the counters need no atomicity across items
    (each is exact on its own), and the local platform's DynamoDB (moto) copies the whole table for
    every item of a transaction.
    """
    for slot in slots:
        if not take_slot(
            slot.tenant_id, slot.counter, window=slot.window, limit=slot.limit, expires_at=slot.expires_at
        ):
            raise SlotFullError(slot)
    items: list[Model] = []
    if run is not None:
        items.append(_run_item(tenant_id, run))
    if audit is not None:
        items.append(
            AuditItem(keys.tenant_pk(tenant_id), keys.audit_sk(keys.new_sortable_id()), at=utc_now(), **audit)
        )
    _batch_write([{"PutRequest": {"Item": item.serialize()}} for item in items])


def _batch_write(requests: list[dict[str, Any]]) -> None:
    """Up to 25 puts or deletes in one call (the low-level client: the items are of several models)."""
    if not requests:
        return
    client: Any = table_connection().client
    pending: dict[str, Any] = {RunItem.Meta.table_name: requests}
    try:
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    except (BotoCoreError, ClientError) as exc:
        raise StoreError(f"Could not record a start: {exc}") from exc


def forget_start(tenant_id: str, run_id: str, claim: ClaimRequest | None) -> None:
    """Remove the run (and its claim) of a start Step Functions refused, so a retry starts afresh."""
    tenant = keys.tenant_pk(tenant_id)
    doomed = [(tenant, keys.run_sk(run_id))]
    if claim is not None:
        doomed.append((tenant, keys.idempotency_sk(claim.workflow_id, claim.key_hash)))
    _batch_write([{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}} for pk, sk in doomed])
