"""Lambda entry point of the approval step (``lambda:invoke.waitForTaskToken``).

The compiled step sends ``{task_token, execution_id, workflow_id, node_id, message, approvers,
tenant_id}``. The function stores a pending approval keyed by tenant (the id is a hash of the
task token, so a repeated invocation stores nothing twice and notifies once), signs a link, and
notifies the approvers. It returns at once; the run waits until the approval is answered
through the API (``functions/api/routes/approvals.py``).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from functions.approvals.notify import Notification, Notifier, log_notifier
from functions.shared import store
from functions.shared.approval_links import link_urls, sign_link
from functions.shared.models import bind_table
from functions.shared.settings import Settings, settings_from_env

__all__ = ["ApprovalRequest", "configure", "handler", "request_approval"]

logger = Logger(service="wfaib-approvals")
_configured: list[tuple[Settings, Notifier]] = []


class ApprovalRequest(BaseModel):
    """The payload the compiler gives the approval step (``state_machines/compiler/lower.py``)."""

    model_config = ConfigDict(extra="forbid")

    task_token: str = Field(min_length=1, repr=False)
    execution_id: str
    workflow_id: str
    node_id: str
    message: str = ""
    approvers: list[str] = Field(default_factory=list)
    tenant_id: str


def configure(settings: Settings, notifier: Notifier = log_notifier) -> None:
    """Use ``settings`` and ``notifier`` from now on (the local platform calls this; Lambda reads the environment)."""
    bind_table(settings)
    _configured[:] = [(settings, notifier)]


def request_approval(
    settings: Settings, notifier: Notifier, request: ApprovalRequest, *, now: int
) -> dict[str, Any]:
    """Store the pending approval and notify once; ``{approval_id, status}`` (never the token)."""
    approval_id = hashlib.sha256(request.task_token.encode()).hexdigest()[:32]
    expires_at = now + settings.approval_link_seconds
    record, created = store.put_pending_approval(
        request.tenant_id,
        approval_id,
        task_token=request.task_token,
        execution_arn=request.execution_id,
        workflow_id=request.workflow_id,
        node_id=request.node_id,
        message=request.message,
        approvers=request.approvers,
        link_expires_at=expires_at,
    )
    if created:
        token = sign_link(settings, request.tenant_id, approval_id, expires_at=record.link_expires_at)
        notifier(
            Notification(
                tenant_id=request.tenant_id,
                approval_id=approval_id,
                workflow_id=record.workflow_id,
                run_id=record.run_id,
                message=record.message,
                approvers=record.approvers,
                links=link_urls(settings, token),
            )
        )
    return {"approval_id": approval_id, "status": record.status}


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if not _configured:
        configure(settings_from_env())
    settings, notifier = _configured[0]
    return request_approval(settings, notifier, ApprovalRequest.model_validate(event), now=int(time.time()))
