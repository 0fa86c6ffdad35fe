"""Answering an approval: claim it once in the table, then resume the waiting run.

Approve → ``SendTaskSuccess`` with ``{"approved": true, "approver", "comment"}`` (the approval
node's output); reject → ``SendTaskFailure`` with error ``ApprovalRejected``, which the compiled
``Catch`` of the node's ``rejected`` output matches by name.

The claim comes first (a conditional write), so two uses of one link cannot both reach Step
Functions. If Step Functions cannot be reached the claim is released and the caller may retry;
if it says the task is gone (timed out, run stopped), the approval is marked ``expired``.
"""

from __future__ import annotations

from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from functions.shared import stepfunctions, store
from functions.shared.settings import Settings
from functions.shared.store import ApprovalRecord

__all__ = ["REJECTED_ERROR", "ApprovalClosedError", "Decision", "decide"]

REJECTED_ERROR = "ApprovalRejected"
Decision = Literal["approve", "reject"]
_TASK_GONE = {"TaskDoesNotExist", "TaskTimedOut", "InvalidToken", "ExecutionDoesNotExist"}


class ApprovalClosedError(Exception):
    """The approval is no longer waiting: decided already, expired, or its run stopped waiting."""

    def __init__(self, approval_id: str, status: str) -> None:
        super().__init__(f"Approval '{approval_id}' is {status}; it cannot be answered again.")
        self.approval_id = approval_id
        self.status = status


def decide(
    settings: Settings,
    tenant_id: str,
    approval_id: str,
    decision: Decision,
    *,
    actor: str,
    comment: str | None,
    now: int,
) -> ApprovalRecord:
    """Answer the approval once; ``ItemNotFoundError`` / ``ApprovalClosedError`` when it cannot be."""
    claim = store.claim_decision(
        tenant_id, approval_id, decision=decision, actor=actor, comment=comment, now=now
    )
    if claim is None:
        current = store.get_approval(tenant_id, approval_id)
        raise ApprovalClosedError(approval_id, "expired" if current.status == "pending" else current.status)
    try:
        if decision == "approve":
            stepfunctions.send_task_success(
                settings, claim.task_token, {"approved": True, "approver": actor, "comment": comment}
            )
        else:
            stepfunctions.send_task_failure(
                settings, claim.task_token, error=REJECTED_ERROR, cause=f"Rejected by {actor}."
            )
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code", "")) in _TASK_GONE:
            store.settle_decision(tenant_id, approval_id, "expired")
            raise ApprovalClosedError(approval_id, "expired") from exc
        store.settle_decision(tenant_id, approval_id, "pending")
        raise
    except BotoCoreError:
        store.settle_decision(tenant_id, approval_id, "pending")
        raise
    settled = "approved" if decision == "approve" else "rejected"
    store.settle_decision(tenant_id, approval_id, settled)
    store.write_audit(
        tenant_id,
        actor=actor,
        action=f"approval.{decision}",
        resource=f"approval/{approval_id}",
        details={"workflow_id": claim.approval.workflow_id, "run_id": claim.approval.run_id},
    )
    return store.get_approval(tenant_id, approval_id)
