"""Lambda entry point of the approval step (``lambda:invoke.waitForTaskToken``).

The compiled step sends ``{task_token, execution_id, workflow_id, node_id, message, approvers,
[notify], tenant_id, timeout_seconds}``. The function stores a pending approval keyed by tenant
(the id is a hash of the task token, so a repeated invocation stores nothing twice and notifies
once), signs one link per approver, valid as long as the step waits, and notifies them
(``functions/approvals/notify.py``). It returns at once, whatever became of the notifications;
the run waits until the approval is answered through the API (``functions/api/routes/approvals.py``).

Metrics (EMF, namespace ``WFAIB``, service ``approvals``): ``ApprovalsCreated``,
``ApprovalNotificationsFailed``; decisions add ``ApprovalsDecided``, ``ApprovalsExpired`` and
``ApprovalsCancelled`` (``functions/shared/approvals.py``).
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from functions.approvals.notify import (
    ANYONE,
    ConnectorSender,
    Notification,
    Notifier,
    NotifyConfig,
    deliver,
    log_notifier,
    recipients_with_links,
)
from functions.shared import store
from functions.shared.approval_links import link_urls, sign_link
from functions.shared.approvals import count
from functions.shared.models import bind_table
from functions.shared.settings import Settings, settings_from_env
from functions.shared.store._base import utc_now
from functions.shared.store.approvals import record_notifications
from functions.shared.telemetry import capture_handler

__all__ = ["ApprovalRequest", "configure", "handler", "request_approval"]

logger = Logger(service="wfaib-approvals")
traced = capture_handler("wfaib-approvals", os.environ)
_configured: list[tuple[Settings, Notifier, ConnectorSender]] = []


class ApprovalRequest(BaseModel):
    """The payload the compiler gives the approval step (``state_machines/compiler/lower.py``)."""

    model_config = ConfigDict(extra="forbid")

    task_token: str = Field(min_length=1, repr=False)
    execution_id: str
    workflow_id: str
    node_id: str
    message: str = ""
    approvers: list[str] = Field(default_factory=list)
    notify: NotifyConfig = NotifyConfig()
    tenant_id: str
    timeout_seconds: int | None = Field(default=None, ge=1)
    """The step's own timeout: its links expire with it (older compiled workflows do not say)."""


def _secrets_sender(settings: Settings) -> ConnectorSender:
    """Connector actions reading credentials from this platform's Secrets Manager (moto locally)."""

    def credentials() -> Any:
        import boto3  # on the first notification only: most cold starts send none

        from connectors.sdk.credentials import SecretsManagerCredentials

        key_id, secret = settings.aws_access_key_id, settings.aws_secret_access_key
        client = boto3.client(  # type: ignore[call-overload]
            "secretsmanager",
            endpoint_url=settings.secretsmanager_endpoint,
            region_name=settings.region,
            aws_access_key_id=key_id.get_secret_value() if key_id else None,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
        )
        return SecretsManagerCredentials(client=client)

    return ConnectorSender(credentials)


def configure(
    settings: Settings, notifier: Notifier = log_notifier, sender: ConnectorSender | None = None
) -> None:
    """Use ``settings`` and ``notifier`` from now on (the local platform calls this; Lambda reads the environment)."""
    bind_table(settings)
    _configured[:] = [(settings, notifier, sender or _secrets_sender(settings))]


def request_approval(
    settings: Settings,
    notifier: Notifier,
    request: ApprovalRequest,
    *,
    now: int,
    sender: ConnectorSender | None = None,
) -> dict[str, Any]:
    """Store the pending approval and notify once; ``{approval_id, status}`` (never the token)."""
    approval_id = hashlib.sha256(request.task_token.encode()).hexdigest()[:32]
    expires_at = now + (request.timeout_seconds or settings.approval_link_seconds)
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
    if not created:
        return {"approval_id": approval_id, "status": record.status}
    count("ApprovalsCreated")
    links = {}
    for recipient in recipients_with_links(record.approvers, request.notify):
        approver = None if recipient == ANYONE else recipient
        token = sign_link(
            settings, request.tenant_id, approval_id, expires_at=record.link_expires_at, approver=approver
        )
        links[recipient] = link_urls(settings, token)
    notification = Notification(
        tenant_id=request.tenant_id,
        approval_id=approval_id,
        workflow_id=record.workflow_id,
        run_id=record.run_id,
        message=record.message,
        approvers=record.approvers,
        links=links,
        link_expires_at=record.link_expires_at,
    )
    deliveries = deliver(
        notification,
        request.notify,
        sender or _secrets_sender(settings),
        credential_prefix=f"{settings.credential_prefix}{request.tenant_id}/",
        now=utc_now,
    )
    if deliveries:
        record = record_notifications(request.tenant_id, approval_id, deliveries)
        failed = sum(delivery.status == "failed" for delivery in deliveries)
        if failed:
            count("ApprovalNotificationsFailed", failed)
    notifier(notification.model_copy(update={"deliveries": deliveries}))
    return {"approval_id": approval_id, "status": record.status}


@logger.inject_lambda_context
@traced
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if not _configured:
        configure(settings_from_env())
    settings, notifier, sender = _configured[0]
    request = ApprovalRequest.model_validate(event)
    return request_approval(settings, notifier, request, now=int(time.time()), sender=sender)
