"""Only the node's approvers decide: by identity, by role, or through a link issued to them."""

from __future__ import annotations

import time
from typing import Any

import httpx

from functions.shared.approval_links import link_urls, sign_link
from integration.helpers import Api, PlatformHandle, assert_envelope, unique
from integration.test_approvals import notification_of, pending_approval

AMOUNT = {"amount": 99}


def _approval_workflow(acme: Api, approvers: list[str]) -> str:
    """A manual workflow whose approval passes its output on, and whose rejection parses the cause."""
    workflow_id = unique("approvers")
    acme.create(
        {
            "id": workflow_id,
            "name": "Approvers",
            "trigger": {"type": "manual"},
            "nodes": [
                {
                    "id": "ask",
                    "type": "logic.approval",
                    "params": {"message": "Pay {{ $trigger.amount }}?", "approvers": approvers},
                },
                {"id": "paid", "type": "data.transform", "params": {"output": "{{ $input }}"}},
                {
                    "id": "refused",
                    "type": "data.transform",
                    "params": {
                        "output": {"error": "{{ $input.error }}", "why": "{{ $parse($input.cause) }}"}
                    },
                },
            ],
            "edges": [
                {"source": "ask", "target": "paid"},
                {"source": "ask", "target": "refused", "branch": "rejected"},
            ],
        }
    )
    acme.publish(workflow_id)
    return workflow_id


def _signed_in_by_user_record(handle: PlatformHandle, subject: str) -> Api:
    """A sign-in whose role is the one the user's record holds (a token without a role claim)."""
    import jwt

    settings = handle.platform.settings
    claims = {"iss": settings.jwt_issuer, "sub": subject, "tenant": "acme", "exp": int(time.time()) + 600}
    token = jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
    return Api(handle.platform.api_url, {"Authorization": f"Bearer {token}"})


def _start(acme: Api, workflow_id: str) -> tuple[str, dict[str, Any]]:
    run = acme.start(workflow_id, AMOUNT)
    return run["id"], pending_approval(acme, run["id"])


def test_a_member_who_is_not_an_approver_is_refused_and_the_approver_is_recorded_in_the_output(
    acme: Api, handle: PlatformHandle
) -> None:
    run_id, approval = _start(acme, _approval_workflow(acme, ["ann@acme.test"]))
    bob = handle.client("acme", role="admin", subject="bob@acme.test")
    ann = handle.client("acme", role="member", subject="Ann@acme.test")

    refused = bob.post(f"/approvals/{approval['id']}/approve")
    approved = ann.post(f"/approvals/{approval['id']}/approve", json={"comment": "fine"})
    finished = acme.wait_finished(run_id)

    error = assert_envelope(refused, 403, "not_an_approver")
    assert error["details"] == {"id": approval["id"], "who": "bob@acme.test"}
    assert "bob@acme.test" in error["message"]
    assert approved.status_code == 200, approved.text
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {
        "approved": True,
        "approver": "Ann@acme.test",
        "decided_by": "Ann@acme.test",
        "decided_via": "api",
        "comment": "fine",
    }
    audit = [
        entry
        for entry in acme.get("/audit").json()["items"]
        if entry["resource"] == f"approval/{approval['id']}"
    ]
    assert [(entry["action"], entry["actor"]) for entry in audit] == [("approval.approve", "Ann@acme.test")]
    assert audit[0]["details"]["via"] == "api" and audit[0]["details"]["comment"] == "fine"


def test_a_role_approver_admits_that_role_and_higher_ones_only(acme: Api, handle: PlatformHandle) -> None:
    run_id, approval = _start(acme, _approval_workflow(acme, ["role:admin"]))
    member = handle.client("acme", role="member", subject="mia@acme.test")
    owner = handle.client("acme", role="owner", subject="olga@acme.test")

    assert_envelope(member.post(f"/approvals/{approval['id']}/reject"), 403, "not_an_approver")
    rejected = owner.post(f"/approvals/{approval['id']}/reject", json={"comment": "over budget"})
    finished = acme.wait_finished(run_id)

    assert rejected.status_code == 200, rejected.text
    assert finished["output"]["error"] == "ApprovalRejected"
    assert finished["output"]["why"] == {
        "message": "Rejected by olga@acme.test.",
        "decided_by": "olga@acme.test",
        "decided_via": "api",
        "comment": "over budget",
    }


def test_a_link_issued_to_someone_else_is_refused_and_one_issued_to_an_approver_works(
    acme: Api, handle: PlatformHandle
) -> None:
    run_id, approval = _start(acme, _approval_workflow(acme, ["ann@acme.test", "slack:C0APPROVE"]))
    settings = handle.platform.settings
    expires_at = int(time.time()) + 600

    def link(approver: str | None) -> str:
        token = sign_link(settings, "acme", approval["id"], expires_at=expires_at, approver=approver)
        return link_urls(settings, token)["approve"]

    refused = [httpx.post(link(who)) for who in ("mallory@acme.test", None, "slack:COTHER")]
    signed_in_as_channel = handle.client("acme", role="owner", subject="slack:C0APPROVE")
    channel_is_no_user = signed_in_as_channel.post(f"/approvals/{approval['id']}/approve")
    still = acme.get(f"/approvals/{approval['id']}").json()
    from_channel = httpx.post(link("slack:C0APPROVE"))
    finished = acme.wait_finished(run_id)

    for response in refused:
        assert_envelope(response, 403, "not_an_approver")
    assert_envelope(channel_is_no_user, 403, "not_an_approver")
    assert still["status"] == "pending"
    assert from_channel.status_code == 200, from_channel.text
    assert (from_channel.json()["decided_by"], from_channel.json()["decided_via"]) == (
        "slack:C0APPROVE",
        "link",
    )
    assert finished["output"]["decided_by"] == "slack:C0APPROVE"


def test_an_approval_without_approvers_is_open_to_any_member(acme: Api, handle: PlatformHandle) -> None:
    run_id, approval = _start(acme, _approval_workflow(acme, []))
    viewer = handle.client("acme", role="viewer", subject="vic@acme.test")
    member = handle.client("acme", role="member", subject="max@acme.test")
    notified = notification_of(handle, approval["id"])

    assert_envelope(viewer.post(f"/approvals/{approval['id']}/approve"), 403, "forbidden")
    assert set(notified.links) == {"*"}
    assert member.post(f"/approvals/{approval['id']}/approve").status_code == 200
    assert acme.wait_finished(run_id)["output"]["decided_by"] == "max@acme.test"


def test_a_custom_role_approver_admits_the_holders_of_that_role(acme: Api, handle: PlatformHandle) -> None:
    role = unique("approver").replace("_", "-")
    created = acme.post("/roles", json={"name": role, "permissions": ["run:read", "workflow:execute"]})
    assert created.status_code == 201, created.text
    run_id, approval = _start(acme, _approval_workflow(acme, [f"role:{role}"]))
    admin = handle.client("acme", role="admin", subject="ada@acme.test")
    added = acme.post("/users", json={"email": "fin@acme.test", "role": role})
    assert added.status_code in (200, 201), added.text
    holder = _signed_in_by_user_record(handle, "fin@acme.test")

    assert_envelope(admin.post(f"/approvals/{approval['id']}/approve"), 403, "not_an_approver")
    assert holder.post(f"/approvals/{approval['id']}/approve").status_code == 200
    assert acme.wait_finished(run_id)["output"]["decided_by"] == "fin@acme.test"
