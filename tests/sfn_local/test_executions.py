"""Executions through plain boto3: start (idempotent), versions and aliases, sync express, stop,
history, callbacks and redrive."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from wfaib.sfn_local import SfnLocal

from .conftest import CREDENTIALS
from .helpers import ROLE, asl, callback, pass_result, wait_seconds

EXECUTION_PREFIX = "arn:aws:states:us-east-1:123456789012:execution:"


def finished(local: SfnLocal, execution_arn: str) -> None:
    """Block until the execution is no longer RUNNING (synchronisation only; asserts go through boto3)."""
    assert local.runtime.wait(execution_arn, timeout=10).status != "RUNNING"


def tokens(local: SfnLocal, function: str = "approve") -> queue.Queue[str]:
    """Task tokens a Lambda handler receives, in order."""
    received: queue.Queue[str] = queue.Queue()

    def handler(event: Any, context: Any) -> dict[str, Any]:
        received.put(event["token"])
        return {}

    local.runtime.register_lambda(function, handler)
    return received


def test_start_describe_and_history(sfn: BaseClient, local: SfnLocal) -> None:
    machine = sfn.create_state_machine(name="hello", definition=pass_result({"hi": 1}), roleArn=ROLE)[
        "stateMachineArn"
    ]

    started = sfn.start_execution(stateMachineArn=machine, name="run-1", input='{"x": 1}')
    finished(local, started["executionArn"])
    described = sfn.describe_execution(executionArn=started["executionArn"])
    history = sfn.get_execution_history(executionArn=started["executionArn"])["events"]

    assert started["executionArn"] == f"{EXECUTION_PREFIX}hello:run-1"
    assert described["status"] == "SUCCEEDED"
    assert described["stateMachineArn"] == machine
    assert json.loads(described["input"]) == {"x": 1}
    assert json.loads(described["output"]) == {"hi": 1}
    assert described["stopDate"] >= described["startDate"]
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert (history[0]["type"], history[-1]["type"]) == ("ExecutionStarted", "ExecutionSucceeded")
    assert [e["id"] for e in history] == list(range(1, len(history) + 1))


def test_start_is_idempotent_by_name_while_running(sfn: BaseClient, local: SfnLocal) -> None:
    received = tokens(local)
    machine = sfn.create_state_machine(name="waits", definition=callback(), roleArn=ROLE)["stateMachineArn"]

    first = sfn.start_execution(stateMachineArn=machine, name="once", input="{}")
    again = sfn.start_execution(stateMachineArn=machine, name="once", input="{}")
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=machine, name="once", input='{"other": true}')
    sfn.send_task_success(taskToken=received.get(timeout=10), output="{}")
    finished(local, first["executionArn"])
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=machine, name="once", input="{}")

    assert again["executionArn"] == first["executionArn"]
    assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 1


def test_invalid_input_and_unknown_machine(sfn: BaseClient) -> None:
    machine = sfn.create_state_machine(name="strict", definition=pass_result(1), roleArn=ROLE)[
        "stateMachineArn"
    ]

    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_execution(stateMachineArn=machine, input="{nope")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=f"{machine}-missing")
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn=f"{EXECUTION_PREFIX}strict:none")


def test_executions_through_versions_and_aliases(sfn: BaseClient, local: SfnLocal) -> None:
    created = sfn.create_state_machine(name="rel", definition=pass_result("v1"), roleArn=ROLE, publish=True)
    machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
    v2 = sfn.update_state_machine(stateMachineArn=machine, definition=pass_result("v2"), publish=True)[
        "stateMachineVersionArn"
    ]
    sfn.update_state_machine(stateMachineArn=machine, definition=pass_result("draft"))
    alias = sfn.create_state_machine_alias(
        name="prod",
        routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 0},
            {"stateMachineVersionArn": v2, "weight": 100},
        ],
    )["stateMachineAliasArn"]

    by_version = sfn.start_execution(stateMachineArn=v1)["executionArn"]
    by_alias = sfn.start_execution(stateMachineArn=alias)["executionArn"]
    latest = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    for arn in (by_version, by_alias, latest):
        finished(local, arn)
    version_run = sfn.describe_execution(executionArn=by_version)
    alias_run = sfn.describe_execution(executionArn=by_alias)
    latest_run = sfn.describe_execution(executionArn=latest)
    alias_listing = sfn.list_executions(stateMachineArn=alias)["executions"]
    v1_listing = sfn.list_executions(stateMachineArn=v1)["executions"]
    ran = sfn.describe_state_machine_for_execution(executionArn=by_version)

    assert json.loads(version_run["output"]) == "v1"
    assert version_run["stateMachineVersionArn"] == v1
    assert "stateMachineAliasArn" not in version_run
    assert json.loads(alias_run["output"]) == "v2"
    assert (alias_run["stateMachineVersionArn"], alias_run["stateMachineAliasArn"]) == (v2, alias)
    assert json.loads(latest_run["output"]) == "draft"
    assert "stateMachineVersionArn" not in latest_run
    assert [e["executionArn"] for e in alias_listing] == [by_alias]
    assert [e["executionArn"] for e in v1_listing] == [by_version]
    assert ran["stateMachineArn"] == v1
    assert json.loads(ran["definition"]) == json.loads(pass_result("v1"))


def test_start_sync_execution_for_express(sfn: BaseClient) -> None:
    machine = sfn.create_state_machine(
        name="quick", definition=asl({"Echo": {"Type": "Pass", "End": True}}), roleArn=ROLE, type="EXPRESS"
    )["stateMachineArn"]

    result = sfn.start_sync_execution(stateMachineArn=machine, input='{"n": 2}')

    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"n": 2}
    assert result["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:express:quick:")
    assert result["billingDetails"]["billedDurationInMilliseconds"] >= 100
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=machine)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_execution(executionArn=result["executionArn"])


def test_start_sync_execution_reports_failures(sfn: BaseClient) -> None:
    machine = sfn.create_state_machine(
        name="boom",
        definition=asl({"Stop": {"Type": "Fail", "Error": "Oops", "Cause": "bad input"}}),
        roleArn=ROLE,
        type="EXPRESS",
    )["stateMachineArn"]

    result = sfn.start_sync_execution(stateMachineArn=machine)

    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "Oops", "bad input")
    assert "output" not in result


def test_start_sync_execution_refuses_standard_machines(sfn: BaseClient) -> None:
    machine = sfn.create_state_machine(name="std", definition=pass_result(1), roleArn=ROLE)["stateMachineArn"]

    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.start_sync_execution(stateMachineArn=machine)


def test_express_refuses_callback_patterns(sfn: BaseClient) -> None:
    with pytest.raises(sfn.exceptions.InvalidDefinition) as caught:
        sfn.create_state_machine(name="cb", definition=callback(), roleArn=ROLE, type="EXPRESS")

    assert ".waitForTaskToken" in caught.value.response["Error"]["Message"]


def test_boto3_prefixes_sync_to_the_host_of_start_sync_execution(endpoint: str) -> None:
    """Why the docs tell users to pass ``Config(inject_host_prefix=False)``."""
    default = boto3.client("stepfunctions", endpoint_url=endpoint, **CREDENTIALS)  # type: ignore[call-overload]
    seen: list[str] = []

    def capture(request: Any, **kwargs: Any) -> None:
        seen.append(request.url)
        raise RuntimeError("captured")

    default.meta.events.register("before-send.sfn.StartSyncExecution", capture)
    with pytest.raises(RuntimeError, match="captured"):
        default.start_sync_execution(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:x")

    assert seen == [endpoint.replace("http://", "http://sync-") + "/"]


def test_stop_execution(sfn: BaseClient, local: SfnLocal) -> None:
    received = tokens(local)
    machine = sfn.create_state_machine(name="stoppable", definition=callback(), roleArn=ROLE)[
        "stateMachineArn"
    ]
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    received.get(timeout=10)  # the execution is now waiting for its callback

    stopped = sfn.stop_execution(executionArn=arn, error="Manual", cause="operator")
    described = sfn.describe_execution(executionArn=arn)
    aborted = sfn.list_executions(stateMachineArn=machine, statusFilter="ABORTED")["executions"]

    assert described["status"] == "ABORTED"
    assert (described["error"], described["cause"]) == ("Manual", "operator")
    assert stopped["stopDate"] == described["stopDate"]
    assert described["redriveStatus"] == "REDRIVABLE"
    assert [e["executionArn"] for e in aborted] == [arn]


def test_task_tokens_success_failure_and_heartbeat(sfn: BaseClient, local: SfnLocal) -> None:
    received = tokens(local)
    machine = sfn.create_state_machine(name="approval", definition=callback(), roleArn=ROLE)[
        "stateMachineArn"
    ]
    approved = sfn.start_execution(stateMachineArn=machine, name="approved")["executionArn"]
    approve_token = received.get(timeout=10)
    rejected = sfn.start_execution(stateMachineArn=machine, name="rejected")["executionArn"]
    reject_token = received.get(timeout=10)

    sfn.send_task_heartbeat(taskToken=approve_token)
    with pytest.raises(sfn.exceptions.InvalidOutput):
        sfn.send_task_success(taskToken=approve_token, output="{not json")
    sfn.send_task_success(taskToken=approve_token, output='{"approved": true}')
    sfn.send_task_failure(taskToken=reject_token, error="Rejected", cause="no budget")
    finished(local, approved)
    finished(local, rejected)

    assert json.loads(sfn.describe_execution(executionArn=approved)["output"]) == {"approved": True}
    failed = sfn.describe_execution(executionArn=rejected)
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Rejected", "no budget")
    with pytest.raises(sfn.exceptions.TaskDoesNotExist):
        sfn.send_task_success(taskToken=approve_token, output="{}")
    with pytest.raises(sfn.exceptions.TaskDoesNotExist):
        sfn.send_task_heartbeat(taskToken="unknown-token")


def test_redrive_continues_from_the_failed_state(sfn: BaseClient, local: SfnLocal) -> None:
    calls: list[str] = []

    def flaky(event: Any, context: Any) -> dict[str, Any]:
        calls.append(event["step"])
        if event["step"] == "second" and calls.count("second") == 1:
            raise ValueError("first attempt fails")
        return {"ok": event["step"]}

    local.runtime.register_lambda("flaky", flaky)
    task = "arn:aws:lambda:us-east-1:123456789012:function:flaky"
    definition = asl(
        {
            "First": {"Type": "Task", "Resource": task, "Parameters": {"step": "first"}, "Next": "Second"},
            "Second": {"Type": "Task", "Resource": task, "Parameters": {"step": "second"}, "End": True},
        }
    )
    machine = sfn.create_state_machine(name="redrivable", definition=definition, roleArn=ROLE)[
        "stateMachineArn"
    ]
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    finished(local, arn)
    failed = sfn.describe_execution(executionArn=arn)

    redriven = sfn.redrive_execution(executionArn=arn)
    finished(local, arn)
    after = sfn.describe_execution(executionArn=arn)

    assert (failed["status"], failed["error"], failed["redriveStatus"]) == (
        "FAILED",
        "ValueError",
        "REDRIVABLE",
    )
    assert after["status"] == "SUCCEEDED"
    assert after["redriveCount"] == 1
    assert after["redriveDate"] == redriven["redriveDate"]
    assert calls == ["first", "second", "second"]
    assert (
        sfn.list_executions(stateMachineArn=machine, redriveFilter="REDRIVEN")["executions"][0][
            "executionArn"
        ]
        == arn
    )
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=arn)


def test_history_pages_reverse_order_and_data_exclusion(sfn: BaseClient, local: SfnLocal) -> None:
    definition = asl(
        {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(4)} | {"S4": {"Type": "Succeed"}}
    )
    machine = sfn.create_state_machine(name="long", definition=definition, roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input='{"secret": 1}')["executionArn"]
    finished(local, arn)

    everything = sfn.get_execution_history(executionArn=arn)["events"]
    first = sfn.get_execution_history(executionArn=arn, maxResults=3)
    rest = sfn.get_execution_history(executionArn=arn, maxResults=100, nextToken=first["nextToken"])
    backwards = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    without_data = sfn.get_execution_history(executionArn=arn, includeExecutionData=False)["events"]

    assert first["events"] + rest["events"] == everything
    assert "nextToken" not in rest
    assert backwards == list(reversed(everything))
    assert "input" not in without_data[0]["executionStartedEventDetails"]
    assert "output" not in without_data[-1]["executionSucceededEventDetails"]
    assert json.loads(everything[0]["executionStartedEventDetails"]["input"]) == {"secret": 1}
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.get_execution_history(executionArn=arn, nextToken=first["nextToken"], reverseOrder=True)


def test_list_executions_pages_newest_first(sfn: BaseClient, local: SfnLocal) -> None:
    machine = sfn.create_state_machine(name="many", definition=wait_seconds(60), roleArn=ROLE)[
        "stateMachineArn"
    ]
    arns = [sfn.start_execution(stateMachineArn=machine, name=f"e{i}")["executionArn"] for i in range(3)]
    for arn in arns:
        finished(local, arn)

    pages = list(
        sfn.get_paginator("list_executions").paginate(
            stateMachineArn=machine, PaginationConfig={"PageSize": 2}
        )
    )
    names = [e["name"] for page in pages for e in page["executions"]]

    assert sorted(names) == ["e0", "e1", "e2"]
    assert [len(page["executions"]) for page in pages] == [2, 1]
    starts = [e["startDate"] for page in pages for e in page["executions"]]
    assert starts == sorted(starts, reverse=True)


def test_unknown_state_machine_in_list_executions(sfn: BaseClient) -> None:
    with pytest.raises(ClientError) as caught:
        sfn.list_executions(stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:ghost")

    assert caught.value.response["Error"]["Code"] == "StateMachineDoesNotExist"


def test_host_prefix_injection_can_be_disabled_by_environment(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The AWS CLI and tools that cannot pass a Config use ``AWS_DISABLE_HOST_PREFIX_INJECTION``."""
    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
    default = boto3.client("stepfunctions", endpoint_url=endpoint, **CREDENTIALS)  # type: ignore[call-overload]
    machine = default.create_state_machine(
        name="env", definition=asl({"P": {"Type": "Pass", "End": True}}), roleArn=ROLE, type="EXPRESS"
    )["stateMachineArn"]

    assert default.start_sync_execution(stateMachineArn=machine, input="[1]")["output"] == "[1]"


def test_server_answers_while_a_sync_execution_is_in_progress(sfn: BaseClient, local: SfnLocal) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(event: Any, context: Any) -> str:
        entered.set()
        release.wait(10)
        return "done"

    local.runtime.register_lambda("slow", slow)
    definition = asl(
        {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow",
                "End": True,
            }
        }
    )
    machine = sfn.create_state_machine(name="slowpoke", definition=definition, roleArn=ROLE, type="EXPRESS")[
        "stateMachineArn"
    ]
    results: list[dict[str, Any]] = []
    caller = threading.Thread(
        target=lambda: results.append(sfn.start_sync_execution(stateMachineArn=machine))
    )
    caller.start()
    assert entered.wait(10)

    listed = sfn.list_state_machines()["stateMachines"]
    release.set()
    caller.join(10)

    assert [m["name"] for m in listed] == ["slowpoke"]
    assert json.loads(results[0]["output"]) == "done"


def test_describe_state_machine_for_execution_shows_the_definition_it_started_with(
    sfn: BaseClient, local: SfnLocal
) -> None:
    machine = sfn.create_state_machine(name="evolving", definition=pass_result("old"), roleArn=ROLE)[
        "stateMachineArn"
    ]
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    finished(local, arn)
    sfn.update_state_machine(stateMachineArn=machine, definition=pass_result("new"))
    sfn.delete_state_machine(stateMachineArn=machine)

    ran = sfn.describe_state_machine_for_execution(executionArn=arn)

    assert ran["stateMachineArn"] == machine
    assert ran["name"] == "evolving"
    assert json.loads(ran["definition"]) == json.loads(pass_result("old"))
    assert "revisionId" not in ran
