"""Approvals: the tenant's pending approvals, answered by a signed-in user or through the emailed link.

- ``GET /approvals`` lists them (``run:read``); ``POST /approvals/{id}/approve|reject`` answers one
  (``workflow:execute``, and the caller must be one of the node's approvers: by identity or by a
  role they hold); the answer is recorded with the caller as approver.
- ``GET|POST /approvals/links/{link_token}?decision=approve|reject`` need no sign-in: the link token
  is the credential (signed, expiring, issued to one approver; single use is enforced by the
  table). ``GET`` only shows what the link would do, so that mail scanners and link previews that
  fetch URLs cannot decide; ``POST`` decides. The task token never appears in any response.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from functions.api.auth import ROLES, Identity, role_at_most
from functions.api.context import caller, current_settings, header, json_response
from functions.api.errors import ConflictError, ForbiddenError, GoneError, NotFoundError
from functions.approvals.page import PAGE_HEADERS, link_page
from functions.shared import ItemNotFoundError, store
from functions.shared.approval_links import LinkClaims, LinkError, verify_link
from functions.shared.approvals import (
    ApprovalClosedError,
    ApprovalDecidingError,
    Decider,
    Decision,
    NotAnApproverError,
    decide,
)
from functions.shared.store import ApprovalRecord

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

ApprovalId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The approval's id.")]
LinkToken = Annotated[str, Path(min_length=10, max_length=2048, description="The token of the link.")]


class DeliveryOut(BaseModel):
    """One notification: ``failed`` ones keep the error (the approval still waits; answer it here)."""

    channel: Literal["email", "slack"]
    to: str
    status: Literal["sent", "failed"]
    attempts: int
    error: str | None = None
    at: datetime


class ApprovalOut(BaseModel):
    """An approval as the API shows it (never with its task token)."""

    id: str
    status: Literal["pending", "deciding", "approved", "rejected", "expired", "cancelled"]
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
    decided_via: Literal["api", "link"] | None = None
    comment: str | None = None
    claimed_by: str | None = Field(default=None, description="Who holds the decision in flight ('deciding').")
    claimed_at: int | None = Field(
        default=None, description="Epoch second the decision in flight was claimed."
    )
    closed_reason: str | None = Field(
        default=None, description="Why an expired or cancelled approval closed."
    )
    notifications: list[DeliveryOut] = []
    notification_status: Literal["none", "sent", "partial", "failed"] = Field(
        default="none", description="Whether every notification of the approvers got through."
    )


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
    sent = {delivery.status for delivery in record.notifications}
    summary = "none" if not sent else "partial" if len(sent) > 1 else sent.pop()
    return ApprovalOut.model_validate({**record.model_dump(), "notification_status": summary})


def _answer(
    tenant_id: str, approval_id: str, decision: Decision, *, decider: Decider, comment: str | None
) -> ApprovalOut:
    try:
        record = decide(
            current_settings(),
            tenant_id,
            approval_id,
            decision,
            decider=decider,
            comment=comment,
            now=int(time.time()),
        )
    except NotAnApproverError as exc:
        raise ForbiddenError("not_an_approver", str(exc), {"id": approval_id, "who": exc.who}) from exc
    except ApprovalDecidingError as exc:
        raise ConflictError(
            "approval_deciding", str(exc), {"id": approval_id, "retry_after": exc.retry_after}
        ) from exc
    except ApprovalClosedError as exc:
        if exc.status in ("expired", "cancelled"):
            raise GoneError(f"approval_{exc.status}", str(exc), {"id": approval_id}) from exc
        raise ConflictError("approval_closed", str(exc), {"id": approval_id, "status": exc.status}) from exc
    return _out(record)


def _signed_in(identity: Identity) -> Decider:
    """The caller as a decider: their subject, and every built-in role whose permissions they hold."""
    held = [role for role in ROLES if role == identity.role]
    roles = {role for role in ROLES for granted in held if role_at_most(granted, role)}
    return Decider(identity=identity.subject, via="api", roles=frozenset(roles | {identity.role}))


@router.get("/approvals", summary="Approvals of the tenant (pending by default)", tags=["approvals"])
def list_approvals(
    status: Annotated[
        Literal["pending", "deciding", "approved", "rejected", "expired", "cancelled", "all"], Query()
    ] = "pending",
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
    return _answer(identity.tenant_id, approval_id, "approve", decider=_signed_in(identity), comment=comment)


@router.post(
    "/approvals/<approval_id>/reject",
    summary="Reject: the run takes the 'rejected' output",
    tags=["approvals"],
)
def reject(approval_id: ApprovalId, request: Annotated[DecisionIn | None, Body()] = None) -> ApprovalOut:
    identity = caller("workflow:execute")
    comment = request.comment if request else None
    return _answer(identity.tenant_id, approval_id, "reject", decider=_signed_in(identity), comment=comment)


def _link_approval(link_token: str) -> tuple[LinkClaims, ApprovalRecord]:
    """The claims and approval of a genuine, unexpired link (404 forged, 410 expired)."""
    try:
        claims = verify_link(current_settings(), link_token, now=int(time.time()))
        return claims, store.get_approval(claims.tenant_id, claims.approval_id)
    except LinkError as exc:
        if exc.code == "link_expired":
            raise GoneError(exc.code, str(exc)) from exc
        raise NotFoundError(exc.code, str(exc)) from exc
    except ItemNotFoundError as exc:
        raise NotFoundError("invalid_link", "This approval link is not valid.") from exc


@router.get(
    "/approvals/links/<link_token>",
    summary="What an approval link would do (no sign-in: the link is the credential)",
    description="JSON (a LinkPreview); a browser asking for text/html gets a page whose button POSTs the decision.",
    tags=["approvals"],
    security=[{}],
)
def preview_link(link_token: LinkToken, decision: Annotated[Decision, Query()]) -> Response[str]:
    _, approval = _link_approval(link_token)
    preview = LinkPreview(approval=_out(approval), decision=decision)
    if "text/html" in (header(router.current_event.headers, "Accept") or ""):
        return Response(
            status_code=200,
            content_type="text/html; charset=utf-8",
            body=link_page(preview.approval.message, preview.approval.status, decision),
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", **PAGE_HEADERS},
        )
    return json_response(200, preview.model_dump(mode="json"), {"Cache-Control": "no-store"})


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
    claims, approval = _link_approval(link_token)
    comment = request.comment if request else None
    decider = Decider(identity=claims.approver, via="link")
    return _answer(claims.tenant_id, approval.id, decision, decider=decider, comment=comment)
