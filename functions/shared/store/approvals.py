"""Human approvals a run waits for, and the single-use claim of a decision.

The task token is stored with the approval (DynamoDB encrypts it at rest) but never leaves the
store inside a record: only ``claim_decision`` returns it, to the one caller whose conditional
write moved the approval out of ``pending``. That write is what makes links single-use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pynamodb.exceptions import DoesNotExist, PutError, PynamoDBException, UpdateError

from functions.shared import keys
from functions.shared.exceptions import ItemNotFoundError, StoreError
from functions.shared.models import ApprovalItem
from functions.shared.store._base import Page, Record, decode_cursor, encode_cursor, utc_now, wrapped

__all__ = [
    "ApprovalRecord",
    "DecisionClaim",
    "claim_decision",
    "get_approval",
    "list_approvals",
    "put_pending_approval",
    "settle_decision",
]

Decision = Literal["approve", "reject"]
# Decided approvals stay readable for a while, then the table's TTL removes them.
_KEEP_DECIDED = timedelta(days=30)


class ApprovalRecord(Record):
    """An approval as callers may see it (no task token)."""

    id: str
    status: str
    workflow_id: str
    node_id: str
    run_id: str
    message: str
    approvers: list[str]
    created_at: datetime
    link_expires_at: int
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None


class DecisionClaim(Record):
    """What the claimant of a decision needs to answer Step Functions."""

    approval: ApprovalRecord
    task_token: str


def _record(item: ApprovalItem) -> ApprovalRecord:
    return ApprovalRecord(
        id=item.sk.removeprefix(keys.APPROVAL_PREFIX),
        status=item.status,
        workflow_id=item.workflow_id,
        node_id=item.node_id,
        run_id=item.execution_arn.rsplit(":", 1)[-1],
        message=item.message,
        approvers=list(item.approvers or []),
        created_at=item.created_at,
        link_expires_at=int(item.link_expires_at),
        decision=item.decision,
        decided_by=item.decided_by,
        decided_at=item.decided_at,
        comment=item.comment,
    )


def put_pending_approval(
    tenant_id: str,
    approval_id: str,
    *,
    task_token: str,
    execution_arn: str,
    workflow_id: str,
    node_id: str,
    message: str,
    approvers: list[str],
    link_expires_at: int,
) -> tuple[ApprovalRecord, bool]:
    """Store a pending approval: ``(record, created)``; a repeat of the same id keeps the first.

    Lambda may deliver the approval step's invocation twice; the id is derived from the task
    token, so the second delivery finds the first item and creates nothing.
    """
    item = ApprovalItem(
        keys.tenant_pk(tenant_id),
        keys.approval_sk(approval_id),
        status="pending",
        task_token=task_token,
        execution_arn=execution_arn,
        workflow_id=workflow_id,
        node_id=node_id,
        message=message,
        approvers=approvers,
        created_at=utc_now(),
        link_expires_at=link_expires_at,
        expires_at=link_expires_at + int(_KEEP_DECIDED.total_seconds()),
    )
    try:
        item.save(condition=ApprovalItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return get_approval(tenant_id, approval_id), False
        raise StoreError(f"Could not store approval {approval_id}: {exc.msg}") from exc
    return _record(item), True


def get_approval(tenant_id: str, approval_id: str) -> ApprovalRecord:
    """The approval, or ``ItemNotFoundError``."""
    try:
        item = ApprovalItem.get(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Approval", approval_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read approval {approval_id}: {exc.msg}") from exc
    return _record(item)


def list_approvals(
    tenant_id: str, *, status: str | None, limit: int, cursor: str | None = None
) -> Page[ApprovalRecord]:
    """The tenant's approvals, newest first, optionally only those with ``status``."""
    condition: Any = ApprovalItem.status == status if status else None
    with wrapped("list approvals"):
        results = ApprovalItem.query(
            keys.tenant_pk(tenant_id),
            ApprovalItem.sk.startswith(keys.APPROVAL_PREFIX),
            filter_condition=condition,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(tenant_id, cursor),
        )
        items = [_record(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))


def claim_decision(
    tenant_id: str, approval_id: str, *, decision: Decision, actor: str, comment: str | None, now: int
) -> DecisionClaim | None:
    """Move a pending, unexpired approval to ``deciding``; the task token, or ``None`` if it was not pending.

    One conditional update: of two concurrent uses of a link, exactly one gets the token.
    """
    item = ApprovalItem(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    try:
        item.update(
            actions=[
                ApprovalItem.status.set("deciding"),
                ApprovalItem.decision.set(decision),
                ApprovalItem.decided_by.set(actor),
                ApprovalItem.decided_at.set(utc_now()),
                ApprovalItem.comment.set(comment) if comment is not None else ApprovalItem.comment.remove(),
            ],
            condition=(ApprovalItem.status == "pending") & (ApprovalItem.link_expires_at > now),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise StoreError(f"Could not claim approval {approval_id}: {exc.msg}") from exc
    return DecisionClaim(approval=_record(item), task_token=item.task_token)


def settle_decision(tenant_id: str, approval_id: str, status: str) -> None:
    """Finish a claimed decision: ``approved`` / ``rejected`` / ``expired`` (the run no longer waits),
    or back to ``pending`` when Step Functions could not be told and the decision may be retried."""
    item = ApprovalItem(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    actions: list[Any] = [ApprovalItem.status.set(status)]
    if status == "pending":
        actions += [
            ApprovalItem.decision.remove(),
            ApprovalItem.decided_by.remove(),
            ApprovalItem.decided_at.remove(),
            ApprovalItem.comment.remove(),
        ]
    with wrapped(f"record the decision on approval {approval_id}"):
        item.update(actions=actions, condition=ApprovalItem.status == "deciding")
