"""State machines, versions, aliases and executions survive a restart of the local service."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from state_machines.runtime import VirtualClock
from wfaib.sfn_local import SfnHttpServer, SfnLocal

from .conftest import CREDENTIALS
from .helpers import ROLE, pass_result, wait_seconds


def test_registry_and_executions_survive_restart(tmp_path: Path) -> None:
    # Given a service with a published version, an alias and a finished execution
    with (
        SfnLocal(tmp_path, clock=VirtualClock(auto_advance=True)) as first,
        SfnHttpServer(first, port=0) as server,
    ):
        sfn = boto3.client("stepfunctions", endpoint_url=server.endpoint_url, **CREDENTIALS)  # type: ignore[call-overload]
        created = sfn.create_state_machine(
            name="kept", definition=pass_result("v1"), roleArn=ROLE, publish=True
        )
        alias = sfn.create_state_machine_alias(
            name="prod",
            routingConfiguration=[
                {"stateMachineVersionArn": created["stateMachineVersionArn"], "weight": 100}
            ],
        )["stateMachineAliasArn"]
        execution = sfn.start_execution(stateMachineArn=alias, name="before-restart")["executionArn"]
        first.runtime.wait(execution, timeout=10)

    # When a new service opens the same data directory
    with (
        SfnLocal(tmp_path, clock=VirtualClock(auto_advance=True)) as second,
        SfnHttpServer(second, port=0) as server,
    ):
        sfn = boto3.client("stepfunctions", endpoint_url=server.endpoint_url, **CREDENTIALS)  # type: ignore[call-overload]
        machines = sfn.list_state_machines()["stateMachines"]
        described_alias = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
        described = sfn.describe_execution(executionArn=execution)
        next_version = sfn.update_state_machine(
            stateMachineArn=created["stateMachineArn"], definition=pass_result("v2"), publish=True
        )["stateMachineVersionArn"]

    # Then everything is still there, and version numbers continue
    assert [m["name"] for m in machines] == ["kept"]
    assert (
        described_alias["routingConfiguration"][0]["stateMachineVersionArn"]
        == created["stateMachineVersionArn"]
    )
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == "v1"
    assert described["stateMachineAliasArn"] == alias
    assert next_version == f"{created['stateMachineArn']}:2"


def test_a_running_execution_continues_after_restart(tmp_path: Path) -> None:
    # Given an execution parked in a one-hour Wait when the service stops (the clock stands still)
    with SfnLocal(tmp_path, clock=VirtualClock()) as first, SfnHttpServer(first, port=0) as server:
        sfn = boto3.client("stepfunctions", endpoint_url=server.endpoint_url, **CREDENTIALS)  # type: ignore[call-overload]
        machine = sfn.create_state_machine(name="patient", definition=wait_seconds(3600), roleArn=ROLE)[
            "stateMachineArn"
        ]
        arn = sfn.start_execution(stateMachineArn=machine, input='{"kept": true}')["executionArn"]
        running = sfn.describe_execution(executionArn=arn)["status"]

    # When the service starts again on the same data and time moves on
    with (
        SfnLocal(tmp_path, clock=VirtualClock(auto_advance=True)) as second,
        SfnHttpServer(second, port=0) as server,
    ):
        sfn = boto3.client("stepfunctions", endpoint_url=server.endpoint_url, **CREDENTIALS)  # type: ignore[call-overload]
        second.runtime.wait(arn, timeout=10)
        described = sfn.describe_execution(executionArn=arn)
        listed = sfn.list_executions(stateMachineArn=machine)["executions"]

    # Then the execution finished where it left off
    assert running == "RUNNING"
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"kept": True}
    assert [e["executionArn"] for e in listed] == [arn]
