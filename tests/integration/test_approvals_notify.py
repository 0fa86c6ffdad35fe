"""Approvers are notified by email (a real SMTP server on loopback, aiosmtpd) and Slack (the fake
Slack API), with their own links; a failed notification is recorded and loses nothing."""

from __future__ import annotations

import email
import json
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from integration.helpers import Api, FakeSlack, PlatformHandle, unique
from integration.test_approvals import notification_of, pending_approval
from state_machines.compiler import CompileTarget, compile_workflow
from state_machines.model import NodeCatalog, Workflow

MANAGER = "manager@example.com"
SLACK_TOKEN = "xoxb-approvals-0123456789-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """An SMTP server's handler: keeps each message; answers 451 to the first ``busy_first`` DATA."""

    busy_first: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refused < self.busy_first:
            self.refused += 1
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(bytes(envelope.original_content or b""), policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 2.0.0 Accepted"


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback whose first delivery attempt is refused with a 4xx."""
    mailbox = Mailbox(busy_first=1)
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=5.0)
    controller.start()
    yield SmtpServer(mailbox, port)
    controller.stop()


def _credential(api: Api, connector: str, value: dict[str, Any]) -> str:
    credential_id = unique(connector)
    response = api.post(
        "/credentials",
        json={"id": credential_id, "name": credential_id, "connector": connector, "value": value},
    )
    assert response.status_code == 201, response.text
    return credential_id


def _smtp_credential(api: Api, port: int) -> str:
    value = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "username": "",
        "password": "",
        "default_from": "wfaib@example.com",
    }
    return _credential(api, "smtp", value)


def _workflow(api: Api, approvers: list[str], notify: dict[str, Any]) -> str:
    workflow_id = unique("notify")
    api.create(
        {
            "id": workflow_id,
            "name": "Notified approval",
            "trigger": {"type": "manual"},
            "nodes": [
                {
                    "id": "ask",
                    "type": "logic.approval",
                    "params": {
                        "message": "Ship release {{ $trigger.version }}?",
                        "approvers": approvers,
                        "notify": notify,
                    },
                },
                {"id": "shipped", "type": "data.transform", "params": {"output": "{{ $input }}"}},
            ],
            "edges": [{"source": "ask", "target": "shipped"}],
        }
    )
    api.publish(workflow_id)
    return workflow_id


def _notified(api: Api, approval_id: str, timeout: float = 20) -> dict[str, Any]:
    """The approval once its notifications are recorded (a bound, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        approval = dict(api.get(f"/approvals/{approval_id}").json())
        if approval["notifications"] or time.monotonic() > deadline:
            return approval
        time.sleep(0.02)


def test_the_notify_param_compiles_to_secret_references_only() -> None:
    workflow = Workflow.model_validate(
        {
            "id": "w",
            "name": "w",
            "trigger": {"type": "manual"},
            "nodes": [
                {
                    "id": "ask",
                    "type": "logic.approval",
                    "params": {
                        "message": "ok?",
                        "approvers": [MANAGER],
                        "notify": {
                            "email": {"credential": "mail", "subject": "Please decide"},
                            "slack": {"credential": "bot", "channel": "C1"},
                        },
                    },
                }
            ],
            "edges": [],
        }
    )
    target = CompileTarget(credential_prefix="wfaib/dev/credentials/acme/", tenant_id="acme")

    states = compile_workflow(workflow, NodeCatalog.builtin(), target).definition["States"]
    [payload] = [state["Arguments"]["Payload"] for state in states.values() if "Arguments" in state]

    assert payload["notify"] == {
        "email": {"credential": "wfaib/dev/credentials/acme/mail", "subject": "Please decide"},
        "slack": {"credential": "wfaib/dev/credentials/acme/bot", "channel": "C1"},
    }


def test_approvers_get_their_own_links_by_email_and_slack_and_the_emailed_link_approves(
    acme: Api, handle: PlatformHandle, smtp: SmtpServer, slack: FakeSlack
) -> None:
    # Given an approval that notifies the manager by email and a Slack channel that may decide too
    mail_credential = _smtp_credential(acme, smtp.port)
    slack_credential = _credential(acme, "slack", {"token": SLACK_TOKEN, "base_url": slack.base_url})
    workflow_id = _workflow(
        acme,
        [MANAGER, "slack:C0RELEASE"],
        {
            "email": {"credential": mail_credential, "subject": "Release approval"},
            "slack": {"credential": slack_credential, "channel": "C0RELEASE"},
        },
    )

    # When a run reaches it
    run = acme.start(workflow_id, {"version": "2.4"})
    approval = _notified(acme, pending_approval(acme, run["id"])["id"])

    # Then one email reached the manager (on the second attempt: the server said 451 first) ...
    assert [item["channel"] for item in approval["notifications"]] == ["email", "slack"]
    assert approval["notifications"][0] | {"at": None} == {
        "channel": "email",
        "to": MANAGER,
        "status": "sent",
        "attempts": 2,
        "error": None,
        "at": None,
    }
    assert approval["notifications"][1]["status"] == "sent"
    assert approval["notification_status"] == "sent"
    [mail] = smtp.mailbox.messages
    assert (mail["To"], mail["Subject"], mail["From"]) == (MANAGER, "Release approval", "wfaib@example.com")
    body = mail.get_content()
    assert "Ship release 2.4?" in body
    approve_url = re.search(r"Approve: (\S+)", body)
    assert approve_url is not None, body

    # ... and the channel got a message with links of its own (not the manager's), the token as a bearer
    [posted] = slack.received
    assert posted["headers"]["Authorization"] == f"Bearer {SLACK_TOKEN}"
    assert posted["body"]["channel"] == "C0RELEASE"
    assert "Ship release 2.4?" in posted["body"]["text"]
    assert "Approve: http" in posted["body"]["text"]
    assert approve_url.group(1) not in posted["body"]["text"]

    # When the manager follows the emailed link over HTTP: it shows the decision, then decides
    preview = httpx.get(approve_url.group(1))
    page = httpx.get(approve_url.group(1), headers={"Accept": "text/html,application/xhtml+xml"})
    answered = httpx.post(approve_url.group(1), json={"comment": "ship it"})
    finished = acme.wait_finished(run["id"])

    # Then the run goes on with the manager's decision; the secret never reached the run
    assert preview.status_code == 200 and preview.json()["decision"] == "approve"
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Ship release 2.4?" in page.text and '<button type="submit">Approve</button>' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert answered.status_code == 200, answered.text
    assert (answered.json()["decided_by"], answered.json()["decided_via"]) == (MANAGER, "link")
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"]["decided_by"] == MANAGER and finished["output"]["comment"] == "ship it"
    assert SLACK_TOKEN not in acme.get(f"/runs/{run['id']}").text


def test_a_notification_that_fails_twice_is_recorded_and_the_approval_still_waits_for_an_answer(
    acme: Api, handle: PlatformHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    nobody_listens = _smtp_credential(acme, _free_port())
    workflow_id = _workflow(acme, [MANAGER], {"email": {"credential": nobody_listens}})

    run = acme.start(workflow_id, {"version": "3.0"})
    approval = _notified(acme, pending_approval(acme, run["id"])["id"])
    notified = notification_of(handle, approval["id"])
    manager = handle.client("acme", role="member", subject=MANAGER)
    answered = manager.post(f"/approvals/{approval['id']}/approve")

    [failed] = approval["notifications"]
    assert (failed["channel"], failed["to"], failed["status"], failed["attempts"]) == (
        "email",
        MANAGER,
        "failed",
        2,
    )
    assert "could not reach" in failed["error"]
    assert (approval["status"], approval["notification_status"]) == ("pending", "failed")
    assert MANAGER in notified.links, "the links are still in the outbox"
    assert [delivery.status for delivery in notified.deliveries] == ["failed"]
    assert answered.status_code == 200, answered.text
    assert acme.wait_finished(run["id"])["status"] == "SUCCEEDED"
    metrics = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')
    ]
    counted = {
        name: sum(m.get(name, [0])[0] for m in metrics)
        for name in ("ApprovalsCreated", "ApprovalNotificationsFailed", "ApprovalsDecided")
    }
    assert counted == {"ApprovalsCreated": 1, "ApprovalNotificationsFailed": 1, "ApprovalsDecided": 1}
