"""The start path's failure cases over HTTP: the run is recorded before ``StartExecution``, so a start
Step Functions refuses must leave nothing behind, and one whose outcome is unknown must be finished
by the retry of the delivery — still exactly one execution."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError

from functions.shared import stepfunctions
from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique
from integration.test_webhooks import Sender


def _hooked(handle: PlatformHandle) -> tuple[Api, str, Sender]:
    api = handle.client(unique("starts"))
    workflow_id = unique("orders")
    api.create(example("order-routing", workflow_id))
    api.publish(workflow_id)
    hook = api.get(f"/workflows/{workflow_id}/webhook").json()
    return api, workflow_id, Sender(handle, hook["urls"]["dev"], hook["secret"])


def _run_ids(api: Api, workflow_id: str) -> list[str]:
    return [run["id"] for run in api.get("/runs", params={"workflow_id": workflow_id}).json()["items"]]


def test_a_start_step_functions_refuses_leaves_no_run_and_its_retry_starts_afresh(
    handle: PlatformHandle,
) -> None:
    api, workflow_id, sender = _hooked(handle)
    machine_arn = api.get(f"/workflows/{workflow_id}").json()["environments"]["dev"]["state_machine_arn"]
    sfn = boto3.client(  # type: ignore[call-overload]
        "stepfunctions",
        endpoint_url=handle.platform.sfn_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    sfn.delete_state_machine_alias(stateMachineAliasArn=f"{machine_arn}:dev")

    refused = sender.deliver({"id": "a"}, message_id="msg_alias_gone")
    listed_after_refusal = _run_ids(api, workflow_id)
    api.publish(workflow_id)  # points the alias again
    retried = sender.deliver({"id": "a"}, message_id="msg_alias_gone")

    assert_envelope(refused, 502, "upstream_error")
    assert listed_after_refusal == []
    assert retried.status_code == 202, retried.text
    assert _run_ids(api, workflow_id) == [retried.json()["run_id"]]
    assert api.wait_finished(retried.json()["run_id"])["status"] == "SUCCEEDED"


def test_a_start_whose_answer_was_lost_is_finished_by_the_retry_once(
    handle: PlatformHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, workflow_id, sender = _hooked(handle)
    calls: list[str] = []

    def lost_answer(settings: Any, alias_arn: str, name: str, input_document: Any) -> str:
        calls.append(name)
        raise ReadTimeoutError(endpoint_url=alias_arn)

    monkeypatch.setattr(stepfunctions, "start_execution", lost_answer)
    lost = sender.deliver({"id": "b"}, message_id="msg_timeout")
    monkeypatch.undo()
    retried = sender.deliver({"id": "b"}, message_id="msg_timeout")
    again = sender.deliver({"id": "b"}, message_id="msg_timeout")

    assert_envelope(lost, 503, "unavailable")
    assert retried.status_code == 200 and retried.headers["Idempotent-Replayed"] == "true", retried.text
    assert retried.json()["run_id"] == again.json()["run_id"] == calls[0]
    assert _run_ids(api, workflow_id) == [calls[0]]
    assert api.wait_finished(calls[0])["status"] == "SUCCEEDED"


def test_a_duplicate_gets_its_run_back_even_once_new_runs_are_paused(handle: PlatformHandle) -> None:
    api, workflow_id, sender = _hooked(handle)
    first = sender.deliver({"id": "c"}, message_id="msg_before_pause")
    api.put(f"/flags/workflow/{workflow_id}", json={"action": "pause", "reason": "Vendor outage"})

    duplicate = sender.deliver({"id": "c"}, message_id="msg_before_pause")
    new = sender.deliver({"id": "d"}, message_id="msg_during_pause")

    assert first.status_code == 202, first.text
    assert duplicate.status_code == 200 and duplicate.json()["run_id"] == first.json()["run_id"]
    assert_envelope(new, 409, "paused")
    assert _run_ids(api, workflow_id) == [first.json()["run_id"]]
