"""Human approvals a run waits for, and the single-use claim of a decision.

The task token is stored with the approval (DynamoDB encrypts it at rest) but never leaves the
store inside a record: only ``claim_decision`` returns it, to the one caller whose conditional
write moved the approval out of ``pending``. That write is what makes links single-use.

Lifecycle: ``pending`` → ``deciding`` (a claim: its id, who, when) → ``approved`` / ``rejected``,
or ``expired`` / ``cancelled`` when the run no longer waits. A claim older than its lease may be
taken again, so a decision interrupted between the claim and Step Functions (a crash, a
timeout) never leaves the approval stuck; only the holder of the current claim may settle it.
"""

from __future__ import annotations

import uuid
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
    "Delivery",
    "EarlierDecision",
    "Status",
    "cancel_pending_of_execution",
    "claim_decision",
    "expire_pending",
    "get_approval",
    "list_approvals",
    "put_pending_approval",
    "record_notifications",
    "settle_decision",
]

Decision = Literal["approve", "reject"]
Status = Literal["pending", "deciding", "approved", "rejected", "expired", "cancelled"]
# Decided approvals stay readable for a while, then the table's TTL removes them.
_KEEP_DECIDED = timedelta(days=30)


class Delivery(Record):
    """One notification of the approvers: where it went, and whether it got there."""

    channel: Literal["email", "slack"]
    to: str
    status: Literal["sent", "failed"]
    attempts: int
    error: str | None = None
    at: datetime


class ApprovalRecord(Record):
    """An approval as callers may see it (no task token)."""

    id: str
    status: Status
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
    decided_via: str | None = None
    comment: str | None = None
    claimed_by: str | None = None
    claimed_at: int | None = None
    closed_reason: str | None = None
    notifications: list[Delivery] = []


class DecisionClaim(Record):
    """What the claimant of a decision needs to answer Step Functions (and to settle its claim)."""

    approval: ApprovalRecord
    task_token: str
    claim_id: str
    execution_arn: str


def _record(item: ApprovalItem) -> ApprovalRecord:
    return ApprovalRecord(
        id=item.sk.removeprefix(keys.APPROVAL_PREFIX),
        status=item.status,  # type: ignore[arg-type]  # only this module writes it
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
        decided_via=item.decided_via,
        comment=item.comment,
        claimed_by=item.claimed_by if item.status == "deciding" else None,
        claimed_at=int(item.claimed_at)
        if item.claimed_at is not None and item.status == "deciding"
        else None,
        closed_reason=item.closed_reason,
        notifications=[Delivery.model_validate(entry) for entry in item.notifications or []],
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
    tenant_id: str,
    approval_id: str,
    *,
    decision: Decision,
    actor: str,
    via: str,
    comment: str | None,
    now: int,
    lease_seconds: int,
) -> DecisionClaim | None:
    """Claim the decision: the task token, or ``None`` when the approval cannot be claimed now.

    One conditional update takes a ``pending``, unexpired approval, or a ``deciding`` one whose
    claim is older than ``lease_seconds`` (its claimant died or gave up before telling Step
    Functions). Of two concurrent claims, exactly one gets the token.
    """
    item = ApprovalItem(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    claim_id = uuid.uuid4().hex
    takeable = ((ApprovalItem.status == "pending") & (ApprovalItem.link_expires_at > now)) | (
        (ApprovalItem.status == "deciding") & (ApprovalItem.claimed_at <= now - lease_seconds)
    )
    try:
        item.update(
            actions=[
                ApprovalItem.status.set("deciding"),
                ApprovalItem.claim_id.set(claim_id),
                ApprovalItem.claimed_by.set(actor),
                ApprovalItem.claimed_at.set(now),
                ApprovalItem.decision.set(decision),
                ApprovalItem.decided_by.set(actor),
                ApprovalItem.decided_via.set(via),
                ApprovalItem.decided_at.set(utc_now()),
                ApprovalItem.comment.set(comment) if comment is not None else ApprovalItem.comment.remove(),
            ],
            condition=ApprovalItem.sk.exists() & takeable,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise StoreError(f"Could not claim approval {approval_id}: {exc.msg}") from exc
    return DecisionClaim(
        approval=_record(item),
        task_token=item.task_token,
        claim_id=claim_id,
        execution_arn=item.execution_arn,
    )


class EarlierDecision(Record):
    """A decision that reached Step Functions although its claimant never recorded it (read back
    from the run's history), recorded in place of the claim that found the task gone."""

    decision: Decision
    decided_by: str
    decided_via: str | None = None
    comment: str | None = None


def settle_decision(
    tenant_id: str,
    approval_id: str,
    claim_id: str,
    status: Status,
    *,
    reason: str | None = None,
    earlier: EarlierDecision | None = None,
) -> bool:
    """Finish the claim ``claim_id``: ``approved`` / ``rejected`` (``earlier``: as that decision);
    ``expired`` / ``cancelled`` with the ``reason`` (the run no longer waits); or back to
    ``pending`` when Step Functions could not be told and the decision may be retried. ``False``
    when the claim was taken over meanwhile."""
    item = ApprovalItem(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    actions: list[Any] = [ApprovalItem.status.set(status), ApprovalItem.claim_id.remove()]
    if earlier is not None:
        actions += [
            ApprovalItem.decision.set(earlier.decision),
            ApprovalItem.decided_by.set(earlier.decided_by),
            ApprovalItem.decided_via.set(earlier.decided_via)
            if earlier.decided_via
            else ApprovalItem.decided_via.remove(),
            ApprovalItem.comment.set(earlier.comment) if earlier.comment else ApprovalItem.comment.remove(),
        ]
    if status == "pending":
        actions += [
            ApprovalItem.decision.remove(),
            ApprovalItem.decided_by.remove(),
            ApprovalItem.decided_via.remove(),
            ApprovalItem.decided_at.remove(),
            ApprovalItem.comment.remove(),
            ApprovalItem.claimed_by.remove(),
            ApprovalItem.claimed_at.remove(),
        ]
    if reason is not None:
        actions.append(ApprovalItem.closed_reason.set(reason))
    try:
        item.update(
            actions=actions,
            condition=(ApprovalItem.status == "deciding") & (ApprovalItem.claim_id == claim_id),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise StoreError(f"Could not record the decision on approval {approval_id}: {exc.msg}") from exc
    return True


def record_notifications(tenant_id: str, approval_id: str, deliveries: list[Delivery]) -> ApprovalRecord:
    """Keep how the approvers were notified on the approval (shown by the API, whatever its status)."""
    item = ApprovalItem(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    with wrapped(f"record the notifications of approval {approval_id}"):
        item.update(
            actions=[ApprovalItem.notifications.set([entry.model_dump(mode="json") for entry in deliveries])],
            condition=ApprovalItem.sk.exists(),
        )
    return _record(item)


def expire_pending(tenant_id: str, approval_id: str, *, now: int, reason: str) -> bool:
    """Close a ``pending`` approval whose links have expired (``False``: it was not such an approval)."""
    item = ApprovalItem(keys.tenant_pk(tenant_id), keys.approval_sk(approval_id))
    try:
        item.update(
            actions=[ApprovalItem.status.set("expired"), ApprovalItem.closed_reason.set(reason)],
            condition=(ApprovalItem.status == "pending") & (ApprovalItem.link_expires_at <= now),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise StoreError(f"Could not expire approval {approval_id}: {exc.msg}") from exc
    return True


def cancel_pending_of_execution(tenant_id: str, execution_arn: str, *, reason: str) -> list[str]:
    """Close the ``pending`` approvals of a stopped execution; the ids closed.

    Nobody can answer them any more (the task tokens died with the execution), so they leave the
    pending list at once instead of when someone tries. One query over the tenant's approvals,
    filtered; each close is conditional, so a decision racing the cancel keeps its own outcome.
    """
    closed: list[str] = []
    with wrapped("list approvals"):
        pending = list(
            ApprovalItem.query(
                keys.tenant_pk(tenant_id),
                ApprovalItem.sk.startswith(keys.APPROVAL_PREFIX),
                filter_condition=(ApprovalItem.execution_arn == execution_arn)
                & (ApprovalItem.status == "pending"),
            )
        )
    for item in pending:
        try:
            item.update(
                actions=[ApprovalItem.status.set("cancelled"), ApprovalItem.closed_reason.set(reason)],
                condition=ApprovalItem.status == "pending",
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                continue
            raise StoreError(f"Could not cancel approval {item.sk}: {exc.msg}") from exc
        closed.append(item.sk.removeprefix(keys.APPROVAL_PREFIX))
    return closed
