"""Telling approvers that a run waits for them: each gets their own approve/reject links.

Channels come from the node's ``notify`` param (compiled into the step's payload with credential
*references* only):

- ``email``: one message per recipient through the SMTP connector's ``smtp.send_email`` action,
  run by the connector SDK exactly as a workflow step would run it (credential fetched from
  Secrets Manager by reference, SMTP replies mapped to SDK errors) — no second SMTP client.
- ``slack``: one message to a channel through the Slack connector's ``slack.post_message``.

Each delivery is tried twice at most; the outcome (``sent`` / ``failed`` with the error) is
stored on the approval, which waits either way: a failed notification never loses an approval,
and a signed-in approver can still answer it through the API.

``log_notifier`` (the default ``Notifier``) logs that an approval was requested, never its links:
a link decides the approval for whoever holds it, and logs are read by more people than the
approvers. Without a channel that delivered, approvers answer signed in (the editor, the API).
The local platform passes its own ``Notifier`` (an outbox).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any, Literal

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict, Field

from functions.shared.store.approvals import Delivery

__all__ = [
    "ANYONE",
    "BUDGET_SECONDS",
    "ConnectorSender",
    "EmailNotify",
    "Notification",
    "Notifier",
    "NotifyConfig",
    "SlackNotify",
    "deliver",
    "log_notifier",
    "recipients_with_links",
]

logger = Logger(service="wfaib-approvals", child=True)
ANYONE = "*"
"""The key of the one unaddressed link of an approval open to any member with nobody to notify."""
_ATTEMPTS = 2
_MAX_ERROR = 500
BUDGET_SECONDS = 20.0
"""No attempt starts later than this after the first: with one SMTP/HTTP timeout (30 s) on top, the
function ends well inside its 60 s Lambda timeout, so the step never fails because of a channel."""


class EmailNotify(BaseModel):
    """``notify.email`` as compiled: the SMTP credential's secret id and the recipients."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    credential: str = Field(min_length=1)
    to: list[str] = []
    from_email: str | None = None
    subject: str | None = None


class SlackNotify(BaseModel):
    """``notify.slack`` as compiled: the Slack credential's secret id and the channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    credential: str = Field(min_length=1)
    channel: str = Field(min_length=1)


class NotifyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: EmailNotify | None = None
    slack: SlackNotify | None = None


class Notification(BaseModel):
    """What approvers are told: who should decide what, where each of them clicks, how it went."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    approval_id: str
    workflow_id: str
    run_id: str
    message: str
    approvers: list[str]
    links: dict[str, dict[str, str]] = Field(
        description="Recipient (an approver, `slack:<channel>` or `*`) → its approve and reject URLs."
    )
    link_expires_at: int
    deliveries: list[Delivery] = []


Notifier = Callable[[Notification], None]


def _users(approvers: list[str]) -> list[str]:
    return [entry for entry in approvers if not entry.startswith(("role:", "slack:"))]


def email_recipients(approvers: list[str], config: NotifyConfig) -> list[str]:
    """Who gets an email: ``notify.email.to``, or else the approvers that are email addresses."""
    if config.email is None:
        return []
    return list(config.email.to) or [entry for entry in _users(approvers) if "@" in entry]


def recipients_with_links(approvers: list[str], config: NotifyConfig) -> list[str]:
    """Whom links are issued to: every approver a link can name (users, ``slack:<channel>``) —
    or, for an approval open to any member, everyone notified (``*`` when nobody is)."""
    if approvers:
        return [entry for entry in approvers if not entry.startswith("role:")]
    notified = email_recipients(approvers, config)
    if config.slack is not None:
        notified.append(f"slack:{config.slack.channel}")
    return notified or [ANYONE]


class ConnectorSender:
    """Runs a connector action for the approvals function, as the connector's own Lambda would.

    ``credentials()`` makes the source secrets are read from by reference (Secrets Manager; moto
    locally), on the first send: most invocations of the function send nothing.
    """

    def __init__(self, credentials: Callable[[], Any]) -> None:
        self._credentials = credentials
        self._source: Any = None
        self._runtimes: dict[str, Any] = {}

    def _runtime(self, connector_id: str) -> Any:
        if connector_id not in self._runtimes:
            from connectors.sdk.context import Services
            from connectors.sdk.runtime import ConnectorRuntime

            if connector_id == "smtp":
                from connectors.smtp import connector
            else:
                from connectors.slack import connector
            if self._source is None:
                self._source = self._credentials()
            self._runtimes[connector_id] = ConnectorRuntime(
                connector, services=Services(credentials=self._source), metrics=False
            )
        return self._runtimes[connector_id]

    def run(self, action: str, params: dict[str, Any], *, credential: str, key: str, tenant_id: str) -> Any:
        connector_id = action.split(".", 1)[0]
        event = {
            "action": action,
            "version": 1,
            "params": params,
            "credential": credential,
            "idempotency_key": key,
            "tenant_id": tenant_id,
        }
        return self._runtime(connector_id).invoke(event)


def _attempt(
    channel: Literal["email", "slack"],
    to: str,
    send: Callable[[], Any],
    now: Callable[[], datetime.datetime],
    deadline: float,
) -> Delivery:
    """Send, and once more if that fails (time allowing); the outcome (never an exception)."""
    error = "Not attempted: the notification time budget was spent on other recipients."
    for attempt in range(1, _ATTEMPTS + 1):
        if time.monotonic() > deadline:
            return Delivery(
                channel=channel, to=to, status="failed", attempts=attempt - 1, error=error, at=now()
            )
        try:
            send()
        except Exception as exc:  # any failure of a channel is recorded, none loses the approval
            error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR]
            logger.warning("Approval notification failed", extra={"channel": channel, "attempt": attempt})
            continue
        return Delivery(channel=channel, to=to, status="sent", attempts=attempt, at=now())
    return Delivery(channel=channel, to=to, status="failed", attempts=_ATTEMPTS, error=error, at=now())


def _lines(notification: Notification, recipient: str) -> list[str]:
    by_recipient = {name.lower(): urls for name, urls in notification.links.items()}
    links = by_recipient.get(recipient.lower()) or by_recipient.get(ANYONE)
    expires = datetime.datetime.fromtimestamp(notification.link_expires_at, datetime.UTC)
    lines = [
        notification.message,
        "",
        f"Workflow {notification.workflow_id}, run {notification.run_id} waits for a decision.",
    ]
    if links is None:
        approvers = ", ".join(notification.approvers)
        return [*lines, f"Approvers ({approvers}) decide; signed-in approvers can answer in WFAIB."]
    return [
        *lines,
        "",
        f"Approve: {links['approve']}",
        f"Reject: {links['reject']}",
        "",
        f"These links are issued to {recipient}, work once, and expire on {expires:%Y-%m-%d %H:%M} UTC.",
    ]


def deliver(
    notification: Notification,
    config: NotifyConfig,
    sender: ConnectorSender,
    *,
    credential_prefix: str,
    now: Callable[[], datetime.datetime],
) -> list[Delivery]:
    """Send the notification on every configured channel; one ``Delivery`` per message.

    ``credential_prefix`` is the tenant's own secret prefix: a reference outside it is refused
    (a compiled workflow names only its tenant's credentials; this keeps a forged payload out).
    """
    deliveries: list[Delivery] = []
    tenant = notification.tenant_id
    deadline = time.monotonic() + BUDGET_SECONDS

    def refused(channel: Literal["email", "slack"], to: str, error: str) -> Delivery:
        return Delivery(channel=channel, to=to, status="failed", attempts=0, error=error, at=now())

    if config.email is not None:
        email = config.email
        recipients = email_recipients(notification.approvers, config)
        if not recipients:
            error = "No recipients: list approvers by email address or give notify.email.to."
            deliveries.append(refused("email", "", error))
        for recipient in recipients:
            if not email.credential.startswith(credential_prefix):
                deliveries.append(refused("email", recipient, "The credential is not one of this tenant's."))
                continue
            params: dict[str, Any] = {
                "to": [recipient],
                "subject": email.subject or f"Approval needed: {notification.workflow_id}",
                "text": "\n".join(_lines(notification, recipient)) + "\n",
            }
            if email.from_email:
                params["from_email"] = email.from_email

            def send_email(params: dict[str, Any] = params, recipient: str = recipient) -> Any:
                return sender.run(
                    "smtp.send_email",
                    params,
                    credential=email.credential,
                    key=f"{notification.approval_id}/email/{recipient}",
                    tenant_id=tenant,
                )

            deliveries.append(_attempt("email", recipient, send_email, now, deadline))
    if config.slack is not None:
        slack = config.slack
        if not slack.credential.startswith(credential_prefix):
            deliveries.append(refused("slack", slack.channel, "The credential is not one of this tenant's."))
        else:
            text = "\n".join(_lines(notification, f"slack:{slack.channel}"))

            def send_slack() -> Any:
                return sender.run(
                    "slack.post_message",
                    {"channel": slack.channel, "text": text},
                    credential=slack.credential,
                    key=f"{notification.approval_id}/slack/{slack.channel}",
                    tenant_id=tenant,
                )

            deliveries.append(_attempt("slack", slack.channel, send_slack, now, deadline))
    return deliveries


def log_notifier(notification: Notification) -> None:
    logger.info(
        "Approval requested",
        extra={
            "approval_id": notification.approval_id,
            "workflow_id": notification.workflow_id,
            "run_id": notification.run_id,
            "approvers": notification.approvers,
            "deliveries": [delivery.model_dump(mode="json") for delivery in notification.deliveries],
        },
    )
