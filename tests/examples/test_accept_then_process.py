"""``accept-then-process``: the compiled ASL on the local runtime, its respond step writing to a moto
DynamoDB platform table over HTTP.

The clock does not move by itself here: the run parks in its Wait, which is when the caller's answer
must already be in the table (the synchronous webhook reads it from there,
``functions/triggers/respond.py``); moving the clock past the Wait then lets the run finish.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from functions.code_sandbox.handler import handler as code_handler
from functions.triggers.respond import RESPONSE_PREFIX, RESPONSE_SK
from state_machines.compiler import CompileTarget, compile_workflow
from state_machines.runtime import ExecutionInfo, LocalRuntime, VirtualClock
from wfaib.local.aws_integrations import AwsIntegrationSettings, AwsServiceCaller
from wfaib.local_run import load_workflow_file, node_catalog

# The platform table fake lives with the connector tests (``tests/connectors/fakes``), importable as ``fakes``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from fakes.dynamo import PlatformTable, moto_platform_table

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "accept-then-process.json"
WAIT_SECONDS = 60


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[PlatformTable]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with moto_platform_table() as created:
        yield created


def _caller(table: PlatformTable) -> AwsServiceCaller:
    return AwsServiceCaller(
        AwsIntegrationSettings(
            endpoint_url=table.client.meta.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    )


def _parked_in_the_wait(runtime: LocalRuntime, clock: VirtualClock, info: ExecutionInfo) -> ExecutionInfo:
    """Let the run go until it sets the Wait's timer (or ends, which the caller's asserts report)."""
    for _ in range(400):
        if clock.next_due() is not None or info.status != "RUNNING":
            return info
        info = runtime.wait(info.execution_arn, timeout=0.05)
    return info


def _response_item(table: PlatformTable, run_name: str) -> dict[str, Any]:
    key = {"pk": {"S": f"{RESPONSE_PREFIX}{run_name}"}, "sk": {"S": RESPONSE_SK}}
    item: dict[str, Any] = table.client.get_item(TableName=table.name, Key=key, ConsistentRead=True)
    return item.get("Item", {})


def test_the_caller_gets_202_with_its_receipt_before_the_slow_work_then_the_run_succeeds(
    table: PlatformTable,
) -> None:
    workflow, problems = load_workflow_file(EXAMPLE)
    assert workflow is not None and problems == []
    target = CompileTarget(table_name=table.name)
    compiled = compile_workflow(workflow, node_catalog(), target)
    payload = workflow.trigger.sample_input
    assert isinstance(payload, dict)
    receipt = "imp-" + hashlib.sha256(f"{payload['customer']}/{payload['batch']}".encode()).hexdigest()[:12]
    clock = VirtualClock()
    started = clock.now()

    with LocalRuntime(clock=clock, service_caller=_caller(table)) as runtime:
        runtime.register_lambda(f"{target.resource_prefix}-code-python", code_handler)
        info = runtime.start_execution(
            state_machine_arn=target.state_machine_arn(workflow.id),
            definition=compiled.asl,
            input=json.dumps(payload),
            name="run-1",
        )
        parked = _parked_in_the_wait(runtime, clock, info)
        parked_until = clock.next_due()
        answered = _response_item(table, "run-1")
        clock.advance(WAIT_SECONDS)
        finished = runtime.wait(info.execution_arn, timeout=30)
        history = runtime.get_execution_history(info.execution_arn)

    assert (parked.status, parked_until) == ("RUNNING", started + timedelta(seconds=WAIT_SECONDS)), (
        parked.cause
    )
    assert json.loads(answered["response"]["S"]) == {
        "statusCode": 202,
        "headers": {"Location": f"/imports/{receipt}"},
        "body": {"receipt": receipt, "state": "accepted", "rows": 3},
    }
    assert int(answered["expires_at"]["N"]) == int(started.timestamp()) + 3600  # kept an hour
    assert (finished.status, finished.error) == ("SUCCEEDED", None), finished.cause
    assert json.loads(finished.output or "null") == {
        "receipt": receipt,
        "state": "processed",
        "rows": 3,
        "total": 151.5,
    }
    entered = [
        event["stateEnteredEventDetails"]["name"]
        for event in history
        if event["type"].endswith("StateEntered")
    ]
    assert entered == ["receipt", "accepted", "cool_down", "price_rows"]
    scheduled = [
        e["taskScheduledEventDetails"]["resourceType"] for e in history if e["type"] == "TaskScheduled"
    ]
    assert scheduled == ["dynamodb", "lambda"]  # the answer is a PutItem, no Lambda
