"""Approvals: the tenant's pending approvals, answered by a signed-in user or through the emailed link.

- ``GET /approvals`` lists them (``run:read``); ``POST /approvals/{id}/approve|reject`` answers one
  (``workflow:execute``); the answer is recorded with the caller as approver.
- ``GET|POST /approvals/links/{link_token}?decision=approve|reject`` need no sign-in: the link token
  is the credential (signed, expiring; single use is enforced by the table). ``GET`` only shows
  what the link would do, so that mail scanners and link previews that fetch URLs cannot decide;
  ``POST`` decides. The task token never appears in any response.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.context import caller, current_settings
from functions.api.errors import ConflictError, GoneError, NotFoundError
from functions.shared import ItemNotFoundError, store
from functions.shared.approval_links import LinkError, verify_link
from functions.shared.approvals import ApprovalClosedError, Decision, decide
from functions.shared.store import ApprovalRecord

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

ApprovalId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The approval's id.")]
LinkToken = Annotated[str, Path(min_length=10, max_length=2048, description="The token of the link.")]


class ApprovalOut(BaseModel):
    """An approval as the API shows it (never with its task token)."""

    id: str
    status: Literal["pending", "deciding", "approved", "rejected", "expired"]
    workflow_id: str
    node_id: str
    run_id: str
    message: str
    approvers: list[str]
    created_at: datetime
    link_expires_at: int = Field(description="Epoch second after which the emailed links stop working.")
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None


class ApprovalPage(BaseModel):
    items: list[ApprovalOut]
    next_cursor: str | None = None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=2000)


class LinkPreview(BaseModel):
    """What a link would do; ``POST`` to the same URL to do it."""

    approval: ApprovalOut
    decision: Decision
    method: Literal["POST"] = "POST"


def _out(record: ApprovalRecord) -> ApprovalOut:
    return ApprovalOut.model_validate(record.model_dump())


def _answer(
    tenant_id: str, approval_id: str, decision: Decision, *, actor: str, comment: str | None
) -> ApprovalOut:
    try:
        record = decide(
            current_settings(),
            tenant_id,
            approval_id,
            decision,
            actor=actor,
            comment=comment,
            now=int(time.time()),
        )
    except ApprovalClosedError as exc:
        if exc.status == "expired":
            raise GoneError("approval_expired", str(exc), {"id": approval_id}) from exc
        raise ConflictError("approval_closed", str(exc), {"id": approval_id, "status": exc.status}) from exc
    return _out(record)


@router.get("/approvals", summary="Approvals of the tenant (pending by default)", tags=["approvals"])
def list_approvals(
    status: Annotated[Literal["pending", "approved", "rejected", "expired", "all"], Query()] = "pending",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> ApprovalPage:
    identity = caller("run:read")
    page = store.list_approvals(
        identity.tenant_id, status=None if status == "all" else status, limit=limit, cursor=cursor
    )
    return ApprovalPage(items=[_out(item) for item in page.items], next_cursor=page.next_cursor)


@router.get("/approvals/<approval_id>", summary="One approval", tags=["approvals"])
def get_approval(approval_id: ApprovalId) -> ApprovalOut:
    identity = caller("run:read")
    return _out(store.get_approval(identity.tenant_id, approval_id))


@router.post("/approvals/<approval_id>/approve", summary="Approve: the run continues", tags=["approvals"])
def approve(approval_id: ApprovalId, request: Annotated[DecisionIn | None, Body()] = None) -> ApprovalOut:
    identity = caller("workflow:execute")
    comment = request.comment if request else None
    return _answer(identity.tenant_id, approval_id, "approve", actor=identity.subject, comment=comment)


@router.post(
    "/approvals/<approval_id>/reject",
    summary="Reject: the run takes the 'rejected' output",
    tags=["approvals"],
)
def reject(approval_id: ApprovalId, request: Annotated[DecisionIn | None, Body()] = None) -> ApprovalOut:
    identity = caller("workflow:execute")
    comment = request.comment if request else None
    return _answer(identity.tenant_id, approval_id, "reject", actor=identity.subject, comment=comment)


def _link_approval(link_token: str) -> tuple[str, ApprovalRecord]:
    """The tenant and approval a genuine, unexpired link names (404 forged, 410 expired)."""
    try:
        claims = verify_link(current_settings(), link_token, now=int(time.time()))
        return claims.tenant_id, store.get_approval(claims.tenant_id, claims.approval_id)
    except LinkError as exc:
        if exc.code == "link_expired":
            raise GoneError(exc.code, str(exc)) from exc
        raise NotFoundError(exc.code, str(exc)) from exc
    except ItemNotFoundError as exc:
        raise NotFoundError("invalid_link", "This approval link is not valid.") from exc


@router.get(
    "/approvals/links/<link_token>",
    summary="What an approval link would do (no sign-in: the link is the credential)",
    tags=["approvals"],
    security=[{}],
)
def preview_link(link_token: LinkToken, decision: Annotated[Decision, Query()]) -> LinkPreview:
    _, approval = _link_approval(link_token)
    return LinkPreview(approval=_out(approval), decision=decision)


@router.post(
    "/approvals/links/<link_token>",
    summary="Answer an approval through its link (no sign-in: the link is the credential)",
    tags=["approvals"],
    security=[{}],
)
def answer_link(
    link_token: LinkToken,
    decision: Annotated[Decision, Query()],
    request: Annotated[DecisionIn | None, Body()] = None,
) -> ApprovalOut:
    tenant_id, approval = _link_approval(link_token)
    actor = f"link:{', '.join(approval.approvers) or 'approver'}"
    comment = request.comment if request else None
    return _answer(tenant_id, approval.id, decision, actor=actor, comment=comment)
