"""Task states: Lambda handlers, Retry/Catch, task tokens, timeouts, nested executions, services."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from state_machines.runtime import (
    InvalidOutput,
    LocalRuntime,
    StatesError,
    TaskDoesNotExist,
    TaskInvocation,
    TaskTimedOut,
    VirtualClock,
)

from .conftest import MACHINE, START, asl, event_types, wait_until

FN = "arn:aws:lambda:us-east-1:123456789012:function:"
INVOKE = "arn:aws:states:::lambda:invoke"


def run(runtime: LocalRuntime, definition: str, payload: Any = None, name: str | None = None) -> Any:
    return runtime.start_sync_execution(
        state_machine_arn=MACHINE + "t",
        definition=definition,
        input=json.dumps(payload if payload is not None else {}),
        type="STANDARD",
        name=name,
    )


def test_lambda_invoke_returns_aws_shaped_result_and_plain_arn_returns_the_payload(
    runtime: LocalRuntime,
) -> None:
    runtime.register_lambda(
        "double", lambda event, context: {"v": event["v"] * 2, "fn": context.function_name}
    )
    definition = asl(
        {
            "Invoke": {
                "Type": "Task",
                "Resource": INVOKE,
                "Parameters": {"FunctionName": f"{FN}double:live", "Payload.$": "$"},
                "ResultPath": "$.invoke",
                "Next": "Plain",
            },
            "Plain": {
                "Type": "Task",
                "Resource": FN + "double",
                "Parameters": {"v.$": "$.invoke.Payload.v"},
                "ResultPath": "$.plain",
                "End": True,
            },
        }
    )

    info = run(runtime, definition, {"v": 3})

    output = json.loads(info.output)
    assert output["invoke"]["Payload"] == {"v": 6, "fn": "double"}
    assert output["invoke"]["StatusCode"] == 200
    assert output["invoke"]["ExecutedVersion"] == "$LATEST"
    assert output["invoke"]["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert "RequestId" in output["invoke"]["SdkResponseMetadata"]
    assert output["plain"] == {"v": 12, "fn": "double"}
    assert event_types(runtime, info.execution_arn)[6:9] == [
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
    ]


def test_handler_exception_becomes_lambda_error_and_catch_sees_it(runtime: LocalRuntime) -> None:
    class PaymentDeclined(Exception):
        pass

    def charge(event: Any, context: Any) -> Any:
        raise PaymentDeclined("card expired")

    runtime.register_lambda("charge", charge)
    definition = asl(
        {
            "Charge": {
                "Type": "Task",
                "Resource": FN + "charge",
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        }
    )

    info = run(runtime, definition, {"order": 1})

    output = json.loads(info.output)
    assert output["order"] == 1
    assert output["error"]["Error"] == "PaymentDeclined"
    cause = json.loads(output["error"]["Cause"])
    assert cause["errorMessage"] == "card expired"
    assert cause["errorType"] == "PaymentDeclined"
    assert any("charge" in line for line in cause["stackTrace"])
    assert "LambdaFunctionFailed" in event_types(runtime, info.execution_arn)


def test_uncaught_task_error_fails_the_execution_with_the_handler_error(runtime: LocalRuntime) -> None:
    runtime.register_lambda("boom", lambda event, context: 1 / 0)

    info = run(runtime, asl({"T": {"Type": "Task", "Resource": FN + "boom", "End": True}}))

    assert info.status == "FAILED"
    assert info.error == "ZeroDivisionError"
    assert json.loads(info.cause or "")["errorType"] == "ZeroDivisionError"


def test_retry_intervals_back_off_and_cap_at_max_delay(runtime: LocalRuntime) -> None:
    attempts: list[int] = []

    def flaky(event: Any, context: Any) -> Any:
        attempts.append(1)
        if len(attempts) < 4:
            raise TimeoutError("slow")
        return "ok"

    runtime.register_lambda("flaky", flaky)
    definition = asl(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "flaky",
                "Retry": [
                    {"ErrorEquals": ["ValueError"], "MaxAttempts": 5},
                    {
                        "ErrorEquals": ["States.ALL"],
                        "IntervalSeconds": 2,
                        "BackoffRate": 3,
                        "MaxDelaySeconds": 10,
                    },
                ],
                "End": True,
            }
        }
    )

    info = run(runtime, definition)

    assert info.status == "SUCCEEDED" and len(attempts) == 4
    scheduled = [
        e["timestamp"]
        for e in runtime.get_execution_history(info.execution_arn)
        if e["type"] == "LambdaFunctionScheduled"
    ]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(scheduled)]
    assert gaps == [2, 6, 10]


def test_retries_exhausted_then_catch_runs(runtime: LocalRuntime) -> None:
    runtime.register_lambda("down", lambda event, context: (_ for _ in ()).throw(ConnectionError("no route")))
    definition = asl(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "down",
                "Retry": [{"ErrorEquals": ["ConnectionError"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fallback"}],
                "End": True,
            },
            "Fallback": {"Type": "Pass", "Result": "fallback", "End": True},
        }
    )

    info = run(runtime, definition)

    assert info.output == '"fallback"'
    assert event_types(runtime, info.execution_arn).count("LambdaFunctionFailed") == 3


def _jitter_gaps(seed: int) -> list[float]:
    calls: list[int] = []

    def fail_twice(event: Any, context: Any) -> Any:
        calls.append(1)
        if len(calls) <= 2:
            raise ValueError("again")
        return 1

    definition = asl(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "f",
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100, "JitterStrategy": "FULL"}],
                "End": True,
            }
        }
    )
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), seed=seed) as rt:
        rt.register_lambda("f", fail_twice)
        info = run(rt, definition, name="same-name")
        stamps = [
            e["timestamp"]
            for e in rt.get_execution_history(info.execution_arn)
            if e["type"].endswith("Scheduled")
        ]
    return [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]


def test_full_jitter_is_random_below_the_interval_and_deterministic_under_a_seed() -> None:
    first, again, other = _jitter_gaps(1), _jitter_gaps(1), _jitter_gaps(2)

    assert first == again
    assert first != other
    assert 0 <= first[0] <= 100 and 0 <= first[1] <= 200
    assert first != [100, 200]


def test_slow_handler_does_not_block_other_executions(runtime: LocalRuntime) -> None:
    release = threading.Event()
    runtime.register_lambda("slow", lambda event, context: release.wait(5))
    slow = runtime.start_execution(
        state_machine_arn=MACHINE + "slow",
        definition=asl({"T": {"Type": "Task", "Resource": FN + "slow", "End": True}}),
    )

    quick = runtime.start_sync_execution(
        state_machine_arn=MACHINE + "quick",
        definition=asl({"P": {"Type": "Pass", "Next": "Q"}, "Q": {"Type": "Pass", "End": True}}),
    )

    assert quick.status == "SUCCEEDED"
    assert runtime.describe_execution(slow.execution_arn).status == "RUNNING"
    release.set()
    assert runtime.wait(slow.execution_arn, timeout=5).status == "SUCCEEDED"


# ------------------------------------------------------------------------- task tokens
TOKEN_MACHINE = asl(
    {
        "Approve": {
            "Type": "Task",
            "Resource": INVOKE + ".waitForTaskToken",
            "Parameters": {
                "FunctionName": "notify",
                "Payload": {"token.$": "$$.Task.Token", "who.$": "$.who"},
            },
            "HeartbeatSeconds": 10,
            "TimeoutSeconds": 100,
            "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Rejected"}],
            "End": True,
        },
        "Rejected": {"Type": "Pass", "End": True},
    }
)


@pytest.fixture
def tokens(manual_runtime: LocalRuntime) -> Iterator[list[str]]:
    seen: list[str] = []
    manual_runtime.register_lambda("notify", lambda event, context: seen.append(event["token"]))
    yield seen


def _start_token_task(runtime: LocalRuntime, tokens: list[str]) -> tuple[str, str]:
    started = runtime.start_execution(
        state_machine_arn=MACHINE + "approval", definition=TOKEN_MACHINE, input='{"who": "ann"}'
    )
    wait_until(lambda: tokens and "TaskSubmitted" in event_types(runtime, started.execution_arn))
    return started.execution_arn, tokens[-1]


def test_send_task_success_completes_the_task(manual_runtime: LocalRuntime, tokens: list[str]) -> None:
    arn, token = _start_token_task(manual_runtime, tokens)

    manual_runtime.send_task_success(token, '{"approved": true}')

    info = manual_runtime.wait(arn, timeout=5)
    assert info.status == "SUCCEEDED" and json.loads(info.output or "") == {"approved": True}
    assert event_types(manual_runtime, arn)[2:7] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
        "TaskStateExited",
    ]
    with pytest.raises(TaskDoesNotExist):
        manual_runtime.send_task_success(token, "{}")


def test_send_task_failure_is_caught_by_error_name(manual_runtime: LocalRuntime, tokens: list[str]) -> None:
    arn, token = _start_token_task(manual_runtime, tokens)

    manual_runtime.send_task_failure(token, error="Rejected", cause="not in budget")

    info = manual_runtime.wait(arn, timeout=5)
    assert json.loads(info.output or "")["rejection"] == {"Error": "Rejected", "Cause": "not in budget"}


def test_bad_output_and_unknown_tokens_are_api_errors(
    manual_runtime: LocalRuntime, tokens: list[str]
) -> None:
    _, token = _start_token_task(manual_runtime, tokens)

    with pytest.raises(InvalidOutput):
        manual_runtime.send_task_success(token, "{nope")
    with pytest.raises(TaskDoesNotExist):
        manual_runtime.send_task_success("not-a-token", "{}")


def test_heartbeats_keep_the_task_alive_until_they_stop(
    manual_runtime: LocalRuntime, manual_clock: VirtualClock, tokens: list[str]
) -> None:
    arn, token = _start_token_task(manual_runtime, tokens)

    manual_clock.advance(8)
    manual_runtime.send_task_heartbeat(token)
    manual_clock.advance(8)
    assert manual_runtime.describe_execution(arn).status == "RUNNING"
    manual_clock.advance(3)

    info = manual_runtime.wait(arn, timeout=5)
    assert info.status == "FAILED" and info.error == "States.HeartbeatTimeout"
    assert "TaskTimedOut" in event_types(manual_runtime, arn)
    assert info.stop_date - info.start_date == timedelta(seconds=19)  # type: ignore[operator]
    with pytest.raises(TaskTimedOut):
        manual_runtime.send_task_success(token, "{}")


def test_timeout_seconds_fails_the_task_with_states_timeout(
    manual_runtime: LocalRuntime, manual_clock: VirtualClock, tokens: list[str]
) -> None:
    arn, token = _start_token_task(manual_runtime, tokens)
    for _ in range(12):
        manual_clock.advance(9)
        manual_runtime.send_task_heartbeat(token)

    manual_clock.advance(9)

    info = manual_runtime.wait(arn, timeout=5)
    assert info.status == "FAILED" and info.error == "States.Timeout"


# ------------------------------------------------------------------------- nested executions
CHILD = MACHINE + "child"


@pytest.fixture
def parent_runtime(runtime: LocalRuntime) -> LocalRuntime:
    runtime.register_state_machine(
        CHILD,
        asl(
            {
                "Check": {
                    "Type": "Choice",
                    "Choices": [
                        {
                            "And": [
                                {"Variable": "$.fail", "IsPresent": True},
                                {"Variable": "$.fail", "BooleanEquals": True},
                            ],
                            "Next": "Bad",
                        }
                    ],
                    "Default": "Wait",
                },
                "Wait": {"Type": "Wait", "Seconds": 30, "Next": "Done"},
                "Done": {
                    "Type": "Pass",
                    "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"},
                    "End": True,
                },
                "Bad": {"Type": "Fail", "Error": "ChildBroke", "Cause": "asked to fail"},
            }
        ),
    )
    return runtime


def _nested(resource: str, child_input: dict[str, Any]) -> str:
    return asl(
        {
            "Child": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {"StateMachineArn": CHILD, "Input": child_input},
                "End": True,
            }
        }
    )


def test_start_execution_sync2_returns_child_output_as_json(parent_runtime: LocalRuntime) -> None:
    info = run(parent_runtime, _nested("arn:aws:states:::states:startExecution.sync:2", {"n": 4}))

    output = json.loads(info.output)
    assert output["Status"] == "SUCCEEDED"
    assert output["Output"] == {"doubled": 8}
    assert output["Input"] == {"n": 4}
    child = parent_runtime.describe_execution(output["ExecutionArn"])
    assert child.state_machine_arn == CHILD and child.status == "SUCCEEDED"


def test_start_execution_sync_returns_child_output_as_text(parent_runtime: LocalRuntime) -> None:
    info = run(parent_runtime, _nested("arn:aws:states:::states:startExecution.sync", {"n": 1}))

    assert json.loads(json.loads(info.output)["Output"]) == {"doubled": 2}


def test_failed_child_fails_the_task_with_states_task_failed(parent_runtime: LocalRuntime) -> None:
    info = run(parent_runtime, _nested("arn:aws:states:::states:startExecution.sync:2", {"fail": True}))

    assert info.status == "FAILED" and info.error == "States.TaskFailed"
    cause = json.loads(info.cause or "")
    assert cause["Status"] == "FAILED" and cause["Error"] == "ChildBroke"


def test_start_execution_without_sync_returns_at_once(parent_runtime: LocalRuntime) -> None:
    info = run(parent_runtime, _nested("arn:aws:states:::states:startExecution", {"n": 1}))

    child_arn = json.loads(info.output)["ExecutionArn"]
    assert parent_runtime.wait(child_arn, timeout=5).status == "SUCCEEDED"


# ------------------------------------------------------------------------- other services
class RecordingServiceCaller:
    """A real object standing in for the boto3 caller: records calls, answers from a table."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], TaskInvocation]] = []

    async def __call__(self, resource_arn: str, arguments: dict[str, Any], invocation: TaskInvocation) -> Any:
        self.calls.append((resource_arn, arguments, invocation))
        if arguments.get("Key") == "missing":
            raise StatesError("S3.NoSuchKeyException", "The specified key does not exist.")
        return {"Body": f"contents of {arguments['Key']}"}


def test_aws_sdk_tasks_go_to_the_service_caller_with_a_stable_idempotency_key() -> None:
    caller = RecordingServiceCaller()
    definition = json.dumps(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "Get",
            "States": {
                "Get": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                    "Arguments": {"Bucket": "b", "Key": "{% $states.input.key %}"},
                    "Output": {"body": "{% $states.result.Body %}"},
                    "Catch": [
                        {
                            "ErrorEquals": ["S3.NoSuchKeyException"],
                            "Output": "{% $states.errorOutput %}",
                            "Next": "Missing",
                        }
                    ],
                    "End": True,
                },
                "Missing": {"Type": "Pass", "End": True},
            },
        }
    )
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), service_caller=caller) as rt:
        found = run(rt, definition, {"key": "a.txt"})
        missing = run(rt, definition, {"key": "missing"})

    assert json.loads(found.output) == {"body": "contents of a.txt"}
    assert json.loads(missing.output)["Error"] == "S3.NoSuchKeyException"
    resource, arguments, invocation = caller.calls[0]
    assert resource == "arn:aws:states:::aws-sdk:s3:getObject"
    assert arguments == {"Bucket": "b", "Key": "a.txt"}
    assert invocation.execution_arn == found.execution_arn and invocation.state_name == "Get"
    assert invocation.idempotency_key.startswith(found.execution_arn)


def test_service_task_without_a_caller_is_a_runtime_error(runtime: LocalRuntime) -> None:
    info = run(
        runtime, asl({"Q": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}})
    )

    assert info.status == "FAILED" and info.error == "States.Runtime"


def test_task_context_counts_retries(runtime: LocalRuntime) -> None:
    seen: list[int] = []

    def record(event: Any, context: Any) -> Any:
        seen.append(event["retry"])
        if len(seen) < 3:
            raise ValueError("again")
        return seen

    runtime.register_lambda("record", record)
    definition = asl(
        {
            "T": {
                "Type": "Task",
                "Resource": FN + "record",
                "Parameters": {"retry.$": "$$.State.RetryCount"},
                "Retry": [{"ErrorEquals": ["ValueError"], "IntervalSeconds": 1}],
                "End": True,
            }
        }
    )

    info = run(runtime, definition)

    assert json.loads(info.output) == [0, 1, 2]


def test_async_handlers_are_awaited(runtime: LocalRuntime) -> None:
    async def lookup(event: Any, context: Any) -> Any:
        return {"found": event["id"]}

    runtime.register_lambda("lookup", lookup)

    info = run(runtime, asl({"T": {"Type": "Task", "Resource": FN + "lookup", "End": True}}), {"id": 7})

    assert json.loads(info.output) == {"found": 7}
