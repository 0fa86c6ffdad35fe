"""``webhook.respond`` over HTTP: the waiting webhook is answered mid-run, and the run goes on."""

from __future__ import annotations

from typing import Any

from functions.triggers.respond import RESPONSE_PREFIX, RESPONSE_SK
from integration.helpers import Api, PlatformHandle, assert_envelope, unique
from integration.test_approvals import pending_approval
from integration.test_webhooks import Sender
from state_machines.compiler.target import WEBHOOK_RESPONSE_PREFIX, WEBHOOK_RESPONSE_SK

APPROVER = "ops@acme.test"


def _hook(api: Api, handle: PlatformHandle, document: dict[str, Any]) -> Sender:
    api.create(document)
    api.publish(document["id"])
    hook = api.get(f"/workflows/{document['id']}/webhook").json()
    return Sender(handle, hook["urls"]["dev"], hook["secret"])


def _accept_then_approve(workflow_id: str, status: Any = 202) -> dict[str, Any]:
    """Answer 202 at once, then wait for a person, then finish with a result of its own."""
    return {
        "id": workflow_id,
        "name": "Accept, then process",
        "trigger": {
            "type": "webhook",
            "path": workflow_id,
            "response_mode": "last_node",
            "response_timeout_seconds": 10,
        },
        "nodes": [
            {
                "id": "accepted",
                "type": "webhook.respond",
                "params": {
                    "status": status,
                    "headers": {"X-Order": "{{ $trigger.id }}"},
                    "body": {"order": "{{ $trigger.id }}", "state": "accepted"},
                },
            },
            {"id": "hold", "type": "logic.approval", "params": {"message": "Ship?", "approvers": [APPROVER]}},
            {
                "id": "shipped",
                "type": "data.transform",
                "params": {"output": {"shipped": "{{ $trigger.id }}"}},
            },
        ],
        "edges": [{"source": "accepted", "target": "hold"}, {"source": "hold", "target": "shipped"}],
    }


def test_the_caller_is_answered_mid_run_and_the_run_then_succeeds(acme: Api, handle: PlatformHandle) -> None:
    workflow_id = unique("respond")
    sender = _hook(acme, handle, _accept_then_approve(workflow_id))

    answered = sender.deliver({"id": "ord-42"})

    # The answer came from the respond step while the run waits on the approval after it.
    assert answered.status_code == 202, answered.text
    assert answered.headers["X-Order"] == "ord-42"
    assert answered.headers["Content-Type"] == "application/json"
    assert answered.json() == {"order": "ord-42", "state": "accepted"}
    runs = acme.get("/runs", params={"workflow_id": workflow_id}).json()["items"]
    assert [run["status"] for run in runs] == ["RUNNING"]
    run_id = runs[0]["id"]

    approval = pending_approval(acme, run_id)
    member = handle.client("acme", role="member", subject=APPROVER)
    assert member.post(f"/approvals/{approval['id']}/approve").status_code == 200
    finished = acme.wait_finished(run_id)

    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {"shipped": "ord-42"}


def test_a_text_body_and_a_computed_status(acme: Api, handle: PlatformHandle) -> None:
    workflow_id = unique("respond")
    document = {
        "id": workflow_id,
        "name": "Text answer",
        "trigger": {"type": "webhook", "path": workflow_id, "response_mode": "last_node"},
        "nodes": [
            {
                "id": "reply",
                "type": "webhook.respond",
                "params": {"status": "{{ $trigger.code }}", "body": "thanks {{ $trigger.name }}"},
            },
            {"id": "after", "type": "data.set", "params": {"fields": {"done": True}}},
        ],
        "edges": [{"source": "reply", "target": "after"}],
    }
    sender = _hook(acme, handle, document)

    answered = sender.deliver({"code": 201, "name": "Ada"})

    assert answered.status_code == 201, answered.text
    assert answered.headers["Content-Type"].startswith("text/plain")
    assert answered.text == "thanks Ada"


def test_a_status_out_of_range_is_a_502_naming_the_run(acme: Api, handle: PlatformHandle) -> None:
    workflow_id = unique("respond")
    sender = _hook(acme, handle, _accept_then_approve(workflow_id, status="{{ $trigger.code }}"))

    answered = sender.deliver({"id": "ord-9", "code": 42})

    error = assert_envelope(answered, 502, "invalid_response")
    acme.post(f"/runs/{error['details']['run_id']}/cancel")


def test_a_respond_step_needs_a_synchronous_webhook(acme: Api) -> None:
    document = _accept_then_approve(unique("respond"))
    document["trigger"]["response_mode"] = "on_received"

    checked = acme.post("/workflows/validate", json=document)

    assert checked.status_code == 200, checked.text
    assert checked.json()["valid"] is False
    assert [(p["code"], p["node"], p["field"]) for p in checked.json()["problems"]] == [
        ("respond_needs_sync_webhook", "accepted", "type")
    ]


def test_the_webhook_and_the_compiler_agree_on_the_response_item() -> None:
    assert (RESPONSE_PREFIX, RESPONSE_SK) == (WEBHOOK_RESPONSE_PREFIX, WEBHOOK_RESPONSE_SK)
