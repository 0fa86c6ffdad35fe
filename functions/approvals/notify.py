"""Telling approvers that a run waits for them.

``log_notifier`` (the default) logs the message with its approve/reject links. The links are the
credential, so the log line is the notification channel here; the task token is never logged.
Email (SES) or Slack go in as another ``Notifier`` passed to ``handler.configure``.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict

__all__ = ["Notification", "Notifier", "log_notifier"]

logger = Logger(service="wfaib-approvals", child=True)


class Notification(BaseModel):
    """What approvers are told: who should decide what, and where to click."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    approval_id: str
    workflow_id: str
    run_id: str
    message: str
    approvers: list[str]
    links: dict[str, str]


Notifier = Callable[[Notification], None]


def log_notifier(notification: Notification) -> None:
    logger.info(
        "Approval requested",
        extra={
            "approval_id": notification.approval_id,
            "workflow_id": notification.workflow_id,
            "run_id": notification.run_id,
            "approvers": notification.approvers,
            "links": notification.links,
        },
    )
