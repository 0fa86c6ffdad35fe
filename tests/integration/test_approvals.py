"""Human approval over HTTP: the expense-approval example waits, and a link or a signed-in user answers it."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import SecretStr

from functions.approvals.notify import Notification
from functions.shared.approval_links import sign_link
from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique

EXPENSE = {"amount": 420, "purpose": "conference travel"}
MANAGER = "manager@example.com"  # the approver the example names


def pending_approval(api: Api, run_id: str, timeout: float = 20) -> dict[str, Any]:
    """The run's pending approval, once the approval step has stored it (a bound, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        listed = api.get("/approvals")
        assert listed.status_code == 200, listed.text
        found = [item for item in listed.json()["items"] if item["run_id"] == run_id]
        if found or time.monotonic() > deadline:
            assert found, f"no pending approval for run {run_id}"
            return dict(found[0])
        time.sleep(0.02)


def notification_of(handle: PlatformHandle, approval_id: str, timeout: float = 20) -> Notification:
    """The approval's one notification in the local outbox, once the approval step has sent it
    (it stores the approval first, then notifies: a bound, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        sent = [item for item in handle.platform.approval_outbox if item.approval_id == approval_id]
        if sent or time.monotonic() > deadline:
            assert len(sent) == 1, "approvers are notified exactly once"
            return sent[0]
        time.sleep(0.02)


def _link(handle: PlatformHandle, url: str) -> str:
    """A notified link, on the platform's current address (a restart moves the port)."""
    parts = urlsplit(url)
    path = parts.path.removeprefix("/api")
    return f"{handle.platform.api_url}{path}?{parts.query}"


@pytest.fixture
def expense(acme: Api) -> str:
    workflow_id = unique("expense")
    acme.create(example("expense-approval", workflow_id))
    acme.publish(workflow_id)
    return workflow_id


def test_approving_through_the_link_resumes_the_run_on_the_approved_branch(
    acme: Api, handle: PlatformHandle, expense: str
) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])
    notified = notification_of(handle, approval["id"])
    approve_url = _link(handle, notified.links[MANAGER]["approve"])

    preview = httpx.get(approve_url)
    still_waiting = acme.get(f"/runs/{run['id']}").json()
    answered = httpx.post(approve_url, json={"comment": "ok, have fun"})
    finished = acme.wait_finished(run["id"])

    assert (approval["status"], approval["workflow_id"], approval["node_id"]) == (
        "pending",
        expense,
        "ask_manager",
    )
    assert approval["message"] == "Approve 420 EUR for conference travel?"
    created = datetime.fromisoformat(approval["created_at"]).timestamp()
    assert abs(approval["link_expires_at"] - created - 86_400) < 60, "the links expire with the step (1 day)"
    assert notified.approvers == ["manager@example.com"]
    assert preview.status_code == 200, preview.text
    assert preview.json()["decision"] == "approve" and preview.json()["approval"]["status"] == "pending"
    assert still_waiting["status"] == "RUNNING", "looking at a link decides nothing"
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "approved"
    assert (answered.json()["decided_by"], answered.json()["decided_via"]) == (MANAGER, "link")
    assert answered.json()["comment"] == "ok, have fun"
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {"status": "approved", "amount": 420, "by": MANAGER}
    assert acme.get("/approvals").json()["items"] == [
        item for item in acme.get("/approvals").json()["items"] if item["run_id"] != run["id"]
    ]


def test_a_used_link_repeats_its_answer_refuses_another_and_changes_nothing(
    acme: Api, handle: PlatformHandle, expense: str
) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])
    links = notification_of(handle, approval["id"]).links[MANAGER]
    first = httpx.post(_link(handle, links["reject"]))
    assert first.status_code == 200, first.text
    finished = acme.wait_finished(run["id"])

    repeated = httpx.post(_link(handle, links["reject"]))
    other_decision = httpx.post(_link(handle, links["approve"]))

    assert repeated.status_code == 200, "retrying the same decision returns the recorded outcome"
    assert repeated.json() == first.json()
    assert_envelope(other_decision, 409, "approval_closed")
    assert finished["status"] == "SUCCEEDED"
    assert finished["output"] == {"status": "rejected", "amount": 420}
    assert acme.get(f"/approvals/{approval['id']}").json()["status"] == "rejected"
    assert acme.get(f"/runs/{run['id']}").json()["output"] == finished["output"]


def test_forged_and_expired_links_are_refused_and_the_run_keeps_waiting(
    acme: Api, handle: PlatformHandle, expense: str
) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])
    genuine = _link(handle, notification_of(handle, approval["id"]).links[MANAGER]["approve"])
    base = f"{handle.platform.api_url}/approvals/links"
    header, payload, signature = urlsplit(genuine).path.rsplit("/", 1)[1].split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    forged_elsewhere = sign_link(
        handle.platform.settings.model_copy(update={"jwt_secret": SecretStr("not-the-platform-key")}),
        "acme",
        approval["id"],
        expires_at=int(time.time()) + 600,
        approver=MANAGER,
    )
    expired = sign_link(
        handle.platform.settings, "acme", approval["id"], expires_at=int(time.time()) - 1, approver=MANAGER
    )

    assert_envelope(httpx.post(f"{base}/{tampered}?decision=approve"), 404, "invalid_link")
    assert_envelope(httpx.post(f"{base}/{forged_elsewhere}?decision=approve"), 404, "invalid_link")
    assert_envelope(httpx.post(f"{base}/not-a-token-at-all?decision=approve"), 404, "invalid_link")
    assert_envelope(httpx.post(f"{base}/{expired}?decision=approve"), 410, "link_expired")
    assert_envelope(httpx.post(genuine.replace("decision=approve", "decision=maybe")), 422, "invalid_request")
    assert acme.get(f"/approvals/{approval['id']}").json()["status"] == "pending"
    assert acme.get(f"/runs/{run['id']}").json()["status"] == "RUNNING"
    # the genuine link still works afterwards
    assert httpx.post(genuine).status_code == 200
    assert acme.wait_finished(run["id"])["output"]["status"] == "approved"


def test_a_signed_in_member_rejects_and_the_run_takes_the_rejected_branch(
    acme: Api, handle: PlatformHandle, expense: str
) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])
    viewer = handle.client("acme", role="viewer", subject=MANAGER)
    member = handle.client("acme", role="member", subject=MANAGER)

    assert viewer.get("/approvals").status_code == 200
    assert_envelope(viewer.post(f"/approvals/{approval['id']}/reject"), 403, "forbidden")
    rejected = member.post(f"/approvals/{approval['id']}/reject", json={"comment": "too expensive"})
    finished = acme.wait_finished(run["id"])
    decided = acme.get("/approvals", params={"status": "rejected"}).json()["items"]

    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["decided_by"]) == ("rejected", MANAGER)
    assert (rejected.json()["decided_via"], rejected.json()["comment"]) == ("api", "too expensive")
    assert finished["status"] == "SUCCEEDED"
    assert finished["output"] == {"status": "rejected", "amount": 420}
    assert approval["id"] in {item["id"] for item in decided}
    audit = acme.get("/audit").json()["items"]
    assert any(entry["action"] == "approval.reject" and entry["actor"] == MANAGER for entry in audit)


def test_another_tenant_can_neither_see_nor_answer_an_approval(
    acme: Api, globex: Api, handle: PlatformHandle, expense: str
) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])

    seen_by_globex = globex.get("/approvals", params={"status": "all"}).json()["items"]
    assert approval["id"] not in {item["id"] for item in seen_by_globex}
    assert_envelope(globex.get(f"/approvals/{approval['id']}"), 404, "not_found")
    assert_envelope(globex.post(f"/approvals/{approval['id']}/approve"), 404, "not_found")
    assert_envelope(handle.anonymous().get("/approvals"), 401)
    assert acme.get(f"/approvals/{approval['id']}").json()["status"] == "pending"
    manager = handle.client("acme", role="member", subject=MANAGER)
    assert manager.post(f"/approvals/{approval['id']}/approve").status_code == 200
    assert acme.wait_finished(run["id"])["output"]["by"] == MANAGER


def test_no_response_carries_the_task_token(acme: Api, handle: PlatformHandle, expense: str) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])
    history = acme.get(f"/runs/{run['id']}").json()
    link = _link(handle, notification_of(handle, approval["id"]).links[MANAGER]["approve"])
    responses = [acme.get("/approvals"), acme.get(f"/approvals/{approval['id']}"), httpx.get(link)]

    from functions.shared.models import ApprovalItem

    task_token = ApprovalItem.get("TENANT#acme", f"APPROVAL#{approval['id']}").task_token
    assert len(task_token) > 20
    for response in responses:
        assert response.status_code == 200
        assert task_token not in response.text
        assert "task_token" not in response.text
    assert task_token not in link
    assert history["status"] == "RUNNING"
    assert httpx.post(link).status_code == 200


def test_a_pending_approval_survives_a_restart(handle: PlatformHandle) -> None:
    acme = handle.client("acme")
    workflow_id = unique("expense")
    acme.create(example("expense-approval", workflow_id))
    acme.publish(workflow_id)
    run = acme.start(workflow_id, EXPENSE)
    approval = pending_approval(acme, run["id"])
    approve_url = notification_of(handle, approval["id"]).links[MANAGER]["approve"]

    handle.restart()
    acme = handle.client("acme")
    after = acme.get(f"/approvals/{approval['id']}")
    answered = httpx.post(_link(handle, approve_url))
    finished = acme.wait_finished(run["id"])

    assert after.status_code == 200 and after.json()["status"] == "pending"
    assert answered.status_code == 200, answered.text
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"]["status"] == "approved"


def test_cancelling_a_run_closes_its_pending_approval_and_its_links_are_gone(
    acme: Api, handle: PlatformHandle, expense: str
) -> None:
    run = acme.start(expense, EXPENSE)
    approval = pending_approval(acme, run["id"])
    link = _link(handle, notification_of(handle, approval["id"]).links[MANAGER]["approve"])
    assert acme.post(f"/runs/{run['id']}/cancel").status_code == 200

    closed = acme.get(f"/approvals/{approval['id']}").json()
    pending = acme.get("/approvals").json()["items"]
    answered = httpx.post(link)
    as_manager = handle.client("acme", "member", MANAGER).post(
        f"/approvals/{approval['id']}/approve", json={}
    )

    assert acme.wait_finished(run["id"])["status"] == "ABORTED"
    assert (closed["status"], closed["closed_reason"]) == (
        "cancelled",
        "The run was cancelled by owner@acme.test.",
    )
    assert approval["id"] not in {item["id"] for item in pending}
    assert_envelope(answered, 410, "approval_cancelled")
    assert_envelope(as_manager, 410, "approval_cancelled")
    audit = acme.get("/audit").json()["items"]
    assert [
        entry["actor"]
        for entry in audit
        if entry["action"] == "approval.cancelled" and entry["resource"] == f"approval/{approval['id']}"
    ] == ["owner@acme.test"]


def test_approval_links_never_reach_the_logs(
    acme: Api, handle: PlatformHandle, expense: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A link decides the approval for whoever holds it: it goes to the approvers only.
    with caplog.at_level("DEBUG"):
        run = acme.start(expense, EXPENSE)
        approval = pending_approval(acme, run["id"])
        links = notification_of(handle, approval["id"]).links[MANAGER]

    logged = "\n".join(str(record.__dict__) for record in caplog.records)
    assert "Approval requested" in logged and approval["id"] in logged
    for url in links.values():
        token = urlsplit(url).path.rsplit("/", 1)[-1]
        assert token not in logged
