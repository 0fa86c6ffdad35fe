"""Answering an approval: check the approver, claim it in the table, then resume the waiting run.

Approve → ``SendTaskSuccess`` with ``{"approved": true, "approver", "decided_by", "decided_via",
"comment"}`` (the approval node's output); reject → ``SendTaskFailure`` with error
``ApprovalRejected`` and a JSON cause ``{"message", "decided_by", "decided_via", "comment"}``,
which the compiled ``Catch`` of the node's ``rejected`` output matches by name.

Only an approver decides: a signed-in user listed by identity or by a role they hold, or the
holder of a link issued to a listed approver (``is_approver``). An approval without approvers is
open to any member.

The claim comes first (a conditional write carrying who and when), so two uses of one link
cannot both reach Step Functions. What can go wrong after the claim:

- Step Functions cannot be reached, or throttles: the claim is released (``pending``) and the
  caller may retry.
- The task is gone: ``TaskTimedOut`` → ``expired``; ``TaskDoesNotExist`` / ``InvalidToken`` /
  ``ExecutionDoesNotExist`` → ``cancelled``; the reason is kept on the approval. Unless the run's
  history shows that an earlier decision answered the task (its claimant died after telling Step
  Functions, before recording it): then that decision is recorded, as it was made.
- The process dies between the claim and the answer: the approval stays ``deciding`` until the
  claim's lease (``CLAIM_LEASE_SECONDS``) runs out; then the next decision takes it over.
- The links expired before anyone answered: the approval is closed as ``expired``.

Retrying a decision that was recorded (same approver, same decision) returns the recorded
approval instead of an error, so a client that lost the response may simply ask again.
"""

from __future__ import annotations

import json
from typing import Any, Literal, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict

from functions.shared import stepfunctions, store, telemetry
from functions.shared.settings import Settings
from functions.shared.store import ApprovalRecord
from functions.shared.store.approvals import (
    DecisionClaim,
    EarlierDecision,
    Status,
    cancel_pending_of_execution,
    claim_decision,
    expire_pending,
    settle_decision,
)

__all__ = [
    "CLAIM_LEASE_SECONDS",
    "REJECTED_ERROR",
    "ApprovalClosedError",
    "ApprovalDecidingError",
    "Decider",
    "Decision",
    "NotAnApproverError",
    "StepFunctionsAnswer",
    "TaskAnswer",
    "cancel_for_stopped_run",
    "count",
    "decide",
    "is_approver",
]

REJECTED_ERROR = "ApprovalRejected"
CLAIM_LEASE_SECONDS = 30
"""How long a claim protects a decision in flight; SendTask* takes well under a second."""
Decision = Literal["approve", "reject"]
_TIMED_OUT = {"TaskTimedOut"}
_GONE = {"TaskDoesNotExist", "InvalidToken", "ExecutionDoesNotExist"}
_LINKS_EXPIRED = "Its links expired before anyone answered."
_REASONS = {
    "expired": "The run stopped waiting for this approval: its approval step timed out.",
    "cancelled": "The run no longer waits for this approval: it was stopped or cancelled.",
}


class ApprovalClosedError(Exception):
    """The approval is no longer waiting: decided already, expired, or its run stopped waiting."""

    def __init__(self, approval_id: str, status: str, reason: str | None = None) -> None:
        super().__init__(reason or f"Approval '{approval_id}' is {status}; it cannot be answered again.")
        self.approval_id = approval_id
        self.status = status


class ApprovalDecidingError(Exception):
    """Another decision holds the claim right now; retry after ``retry_after`` seconds."""

    def __init__(self, approval_id: str, retry_after: int) -> None:
        super().__init__(
            f"Approval '{approval_id}' is being decided; if that decision does not finish, "
            f"it can be decided again in {retry_after} s."
        )
        self.approval_id = approval_id
        self.retry_after = retry_after


class NotAnApproverError(Exception):
    """The caller (or the link's holder) is not among the approval's approvers."""

    def __init__(self, approval_id: str, who: str) -> None:
        super().__init__(
            f"{who} is not an approver of approval '{approval_id}'; only its approvers decide it."
        )
        self.approval_id = approval_id
        self.who = who


class Decider(BaseModel):
    """Who decides: a signed-in user (``via="api"``, with the roles they hold at least), or the
    approver a link was issued to (``via="link"``; ``None`` for a link open to any member)."""

    model_config = ConfigDict(frozen=True)

    identity: str | None
    via: Literal["api", "link"]
    roles: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """How the decider is recorded (``approver`` for an unaddressed link)."""
        return self.identity or "approver"


class TaskAnswer(Protocol):
    """Where a decision goes: Step Functions (tests put a failing one in between)."""

    def succeed(self, task_token: str, output: dict[str, Any]) -> None: ...

    def fail(self, task_token: str, *, error: str, cause: str) -> None: ...


class StepFunctionsAnswer:
    """Answers through ``SendTaskSuccess`` / ``SendTaskFailure``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def succeed(self, task_token: str, output: dict[str, Any]) -> None:
        stepfunctions.send_task_success(self.settings, task_token, output)

    def fail(self, task_token: str, *, error: str, cause: str) -> None:
        stepfunctions.send_task_failure(self.settings, task_token, error=error, cause=cause)


def is_approver(approvers: list[str], decider: Decider) -> bool:
    """True when ``decider`` may decide: no approvers listed, or listed by identity or role.

    Example:
        >>> is_approver(["ann@example.com", "role:admin"], Decider(identity="Ann@Example.com", via="link"))
        True
        >>> is_approver(["role:admin"], Decider(identity="bob@example.com", via="api", roles=frozenset({"member"})))
        False
    """
    if not approvers:
        return True
    wanted = {entry.lower() for entry in approvers}
    if decider.identity is not None and decider.identity.lower() in wanted:
        # ``slack:<channel>`` names the holders of the links posted there, never a signed-in user.
        return decider.via == "link" or not decider.identity.lower().startswith("slack:")
    return decider.via == "api" and any(f"role:{role}" in wanted for role in decider.roles)


def count(metric: str, value: int = 1) -> None:
    """One approvals metric (any function that decides or creates approvals may emit it)."""
    telemetry.count("approvals", metric, value)


def _closed(
    tenant_id: str, approval_id: str, decision: Decision, decider: Decider, now: int
) -> ApprovalRecord:
    """Why the approval could not be claimed; the recorded approval when this is a retry of its decision."""
    current = store.get_approval(tenant_id, approval_id)
    settled = "approved" if decision == "approve" else "rejected"
    if current.status == settled and (current.decided_by or "").lower() == decider.name.lower():
        return current
    if current.status == "deciding":
        raise ApprovalDecidingError(
            approval_id, max(1, (current.claimed_at or now) + CLAIM_LEASE_SECONDS - now)
        )
    if current.status == "pending" and expire_pending(tenant_id, approval_id, now=now, reason=_LINKS_EXPIRED):
        _closing_written(tenant_id, approval_id, "expired", decider.name, _LINKS_EXPIRED)
        raise ApprovalClosedError(approval_id, "expired", _LINKS_EXPIRED)
    if current.status == "pending":  # a failed decision released its claim just now: try again
        raise ApprovalDecidingError(approval_id, 1)
    raise ApprovalClosedError(approval_id, current.status, current.closed_reason)


def _closing_written(tenant_id: str, approval_id: str, status: Status, actor: str, reason: str) -> None:
    count("ApprovalsExpired" if status == "expired" else "ApprovalsCancelled")
    store.write_audit(
        tenant_id,
        actor=actor,
        action=f"approval.{status}",
        resource=f"approval/{approval_id}",
        details={"reason": reason},
    )


def _decided_written(
    tenant_id: str, claim: DecisionClaim, decision: Decision, details: dict[str, Any]
) -> None:
    count("ApprovalsDecided")
    store.write_audit(
        tenant_id,
        actor=str(details["decided_by"]),
        action=f"approval.{decision}",
        resource=f"approval/{claim.approval.id}",
        details={"workflow_id": claim.approval.workflow_id, "run_id": claim.approval.run_id, **details},
    )


def _earlier_decision(settings: Settings, claim: DecisionClaim) -> EarlierDecision | None:
    """The decision that answered the claim's task, read back from the run's history, if one did.

    The task's ``TaskScheduled`` event carries its parameters (the token among them); its outcome
    is the ``TaskSucceeded`` / ``TaskFailed`` event a few ``previousEventId`` links after it.
    """
    try:
        events = stepfunctions.execution_history(settings, claim.execution_arn)
    except (ClientError, BotoCoreError):
        return None
    by_id = {event["id"]: event for event in events}
    scheduled = {
        event["id"]
        for event in events
        if event["type"] == "TaskScheduled"
        and claim.task_token in str(event.get("taskScheduledEventDetails", {}).get("parameters", ""))
    }
    for event in events:
        if event["type"] not in ("TaskSucceeded", "TaskFailed"):
            continue
        ancestor = event.get("previousEventId")
        for _ in range(4):
            if ancestor in scheduled or ancestor is None:
                break
            ancestor = by_id.get(ancestor, {}).get("previousEventId")
        if ancestor not in scheduled:
            continue
        if event["type"] == "TaskSucceeded":
            answer = stepfunctions.decode_json(event["taskSucceededEventDetails"].get("output"))
            decision: Decision = "approve"
        else:
            failed = event["taskFailedEventDetails"]
            if failed.get("error") != REJECTED_ERROR:
                return None
            answer = stepfunctions.decode_json(failed.get("cause"))
            decision = "reject"
        if not isinstance(answer, dict) or not isinstance(answer.get("decided_by"), str):
            return None
        return EarlierDecision(
            decision=decision,
            decided_by=answer["decided_by"],
            decided_via=answer.get("decided_via"),
            comment=answer.get("comment"),
        )
    return None


def _task_gone(
    settings: Settings, tenant_id: str, claim: DecisionClaim, code: str, decision: Decision, decider: Decider
) -> ApprovalRecord:
    """Step Functions no longer knows the task: record an earlier decision that answered it, or close."""
    approval_id = claim.approval.id
    earlier = _earlier_decision(settings, claim) if code not in _TIMED_OUT else None
    if earlier is not None:
        status: Status = "approved" if earlier.decision == "approve" else "rejected"
        if settle_decision(tenant_id, approval_id, claim.claim_id, status, earlier=earlier):
            details = {
                "decided_by": earlier.decided_by,
                "via": earlier.decided_via,
                "comment": earlier.comment,
            }
            _decided_written(tenant_id, claim, earlier.decision, {**details, "recovered": True})
        return _closed(tenant_id, approval_id, decision, decider, int(claim.approval.claimed_at or 0))
    status = "expired" if code in _TIMED_OUT else "cancelled"
    if settle_decision(tenant_id, approval_id, claim.claim_id, status, reason=_REASONS[status]):
        _closing_written(tenant_id, approval_id, status, decider.name, _REASONS[status])
    raise ApprovalClosedError(approval_id, status, _REASONS[status])


def decide(
    settings: Settings,
    tenant_id: str,
    approval_id: str,
    decision: Decision,
    *,
    decider: Decider,
    comment: str | None,
    now: int,
    answer: TaskAnswer | None = None,
) -> ApprovalRecord:
    """Answer the approval once, as ``decider``.

    Raises ``ItemNotFoundError``, ``NotAnApproverError``, ``ApprovalDecidingError`` or
    ``ApprovalClosedError`` when it cannot be answered; ``ClientError`` / ``BotoCoreError`` when
    Step Functions could not be told (the approval is ``pending`` again: retry).
    """
    approval = store.get_approval(tenant_id, approval_id)
    if not is_approver(approval.approvers, decider):
        raise NotAnApproverError(approval_id, decider.name)
    claim = claim_decision(
        tenant_id,
        approval_id,
        decision=decision,
        actor=decider.name,
        via=decider.via,
        comment=comment,
        now=now,
        lease_seconds=CLAIM_LEASE_SECONDS,
    )
    if claim is None:
        return _closed(tenant_id, approval_id, decision, decider, now)
    answer = answer or StepFunctionsAnswer(settings)
    outcome = {"decided_by": decider.name, "decided_via": decider.via, "comment": comment}
    try:
        if decision == "approve":
            answer.succeed(claim.task_token, {"approved": True, "approver": decider.name, **outcome})
        else:
            cause = {"message": f"Rejected by {decider.name}.", **outcome}
            answer.fail(claim.task_token, error=REJECTED_ERROR, cause=json.dumps(cause))
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _TIMED_OUT | _GONE:
            return _task_gone(settings, tenant_id, claim, code, decision, decider)
        settle_decision(tenant_id, approval_id, claim.claim_id, "pending")
        raise
    except BotoCoreError:
        settle_decision(tenant_id, approval_id, claim.claim_id, "pending")
        raise
    settled: Status = "approved" if decision == "approve" else "rejected"
    # ``False``: this claim outlived its lease and was taken over; the taker recorded the decision.
    if settle_decision(tenant_id, approval_id, claim.claim_id, settled):
        _decided_written(
            tenant_id, claim, decision, {"decided_by": decider.name, "via": decider.via, "comment": comment}
        )
    return store.get_approval(tenant_id, approval_id)


def cancel_for_stopped_run(tenant_id: str, execution_arn: str, *, actor: str) -> list[str]:
    """Close the pending approvals of a run that was cancelled, each with an audit entry; their ids."""
    reason = f"The run was cancelled by {actor}."
    closed = cancel_pending_of_execution(tenant_id, execution_arn, reason=reason)
    for approval_id in closed:
        _closing_written(tenant_id, approval_id, "cancelled", actor, reason)
    return closed
