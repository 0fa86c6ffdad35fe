"""Synchronous webhooks (``response_mode: last_node``) over HTTP: the run's output is the answer."""

from __future__ import annotations

from typing import Any

from integration.helpers import Api, PlatformHandle, assert_envelope, unique
from integration.test_webhooks import Sender


def _sync_hook(  # one-node workflows: no edges
    acme: Api, handle: PlatformHandle, nodes: list[dict[str, Any]], timeout: int = 5
) -> Sender:
    workflow_id = unique("sync")
    acme.create(
        {
            "id": workflow_id,
            "name": "Synchronous webhook",
            "trigger": {
                "type": "webhook",
                "path": workflow_id,
                "response_mode": "last_node",
                "response_timeout_seconds": timeout,
            },
            "nodes": nodes,
            "edges": [],
        }
    )
    acme.publish(workflow_id)
    hook = acme.get(f"/workflows/{workflow_id}/webhook").json()
    return Sender(handle, hook["urls"]["dev"], hook["secret"])


def test_the_answer_is_the_runs_output_as_json(acme: Api, handle: PlatformHandle) -> None:
    sender = _sync_hook(
        acme,
        handle,
        [
            {
                "id": "greet",
                "type": "data.transform",
                "params": {"output": {"greeting": "Hi {{ $trigger.name }}"}},
            }
        ],
    )

    answered = sender.deliver({"name": "Ada"}, message_id="msg_sync_json")
    repeated = sender.deliver({"name": "Ada"}, message_id="msg_sync_json")

    assert answered.status_code == 200, answered.text
    assert answered.headers["Content-Type"] == "application/json"
    assert answered.json() == {"greeting": "Hi Ada"}
    assert (repeated.status_code, repeated.json()) == (200, {"greeting": "Hi Ada"})
    assert repeated.headers["Idempotent-Replayed"] == "true"


def test_an_output_shaped_like_a_response_is_the_response(acme: Api, handle: PlatformHandle) -> None:
    sender = _sync_hook(
        acme,
        handle,
        [
            {
                "id": "reply",
                "type": "data.transform",
                "params": {
                    "output": {
                        "statusCode": 201,
                        "headers": {"X-Order": "{{ $trigger.id }}"},
                        "body": {"created": "{{ $trigger.id }}"},
                    }
                },
            }
        ],
    )

    answered = sender.deliver({"id": "ord-7"})

    assert answered.status_code == 201, answered.text
    assert answered.headers["X-Order"] == "ord-7"
    assert answered.json() == {"created": "ord-7"}


def test_a_run_still_going_at_the_timeout_is_answered_202_with_where_to_look(
    acme: Api, handle: PlatformHandle
) -> None:
    approval = {"message": "Wait", "approvers": ["ops@acme.test"]}
    sender = _sync_hook(
        acme, handle, [{"id": "hold", "type": "logic.approval", "params": approval}], timeout=1
    )

    answered = sender.deliver({"n": 1})

    assert answered.status_code == 202, answered.text
    body = answered.json()
    assert body["status"] == "RUNNING"
    assert body["status_url"] == f"/runs/{body['run_id']}" == answered.headers["Location"]
    run = acme.get(body["status_url"])
    assert run.status_code == 200 and run.json()["status"] == "RUNNING"
    acme.post(f"/runs/{body['run_id']}/cancel")


def test_a_failed_run_is_a_502_envelope_without_the_cause(acme: Api, handle: PlatformHandle) -> None:
    sender = _sync_hook(
        acme,
        handle,
        [
            {
                "id": "boom",
                "type": "logic.fail",
                "params": {"error": "OrderRejected", "cause": "api key sk_live_do_not_leak refused"},
            }
        ],
    )

    answered = sender.deliver({"id": "ord-8"})

    error = assert_envelope(answered, 502, "run_failed")
    assert error["details"]["status"] == "FAILED"
    assert error["details"]["error"] == "OrderRejected"
    assert "sk_live_do_not_leak" not in answered.text
    assert acme.get(f"/runs/{error['details']['run_id']}").json()["status"] == "FAILED"
