"""The LocalRuntime API: start, describe, list, history, stop, redrive, idempotent names."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from state_machines.runtime import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    InvalidDefinition,
    LocalRuntime,
    VirtualClock,
)

from .conftest import MACHINE, START, asl, event_types, wait_until

PASS_CHAIN = asl(
    {
        "A": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a.n, $.x)"}, "End": True},
    }
)


def test_start_execution_runs_in_background_and_describe_reports_the_output(runtime: LocalRuntime) -> None:
    started = runtime.start_execution(
        state_machine_arn=MACHINE + "m", definition=PASS_CHAIN, input='{"x": 2}'
    )

    assert started.status == "RUNNING"
    assert started.execution_arn.startswith("arn:aws:states:us-east-1:123456789012:execution:m:")
    done = runtime.wait(started.execution_arn, timeout=5)
    assert done.status == "SUCCEEDED"
    assert json.loads(done.output or "") == {"sum": 3}
    assert runtime.describe_execution(started.execution_arn) == done
    assert done.stop_date is not None and done.stop_date >= done.start_date


def test_history_has_get_execution_history_shape(runtime: LocalRuntime) -> None:
    info = runtime.start_sync_execution(
        state_machine_arn=MACHINE + "m", definition=PASS_CHAIN, input='{"x": 2}', type="STANDARD"
    )

    history = runtime.get_execution_history(info.execution_arn)

    assert [e["type"] for e in history] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in history] == list(range(1, 7))
    assert [e["previousEventId"] for e in history] == list(range(6))
    assert history[0]["executionStartedEventDetails"]["input"] == '{"x":2}'
    assert history[2]["stateExitedEventDetails"] == {
        "name": "A",
        "output": '{"x":2,"a":{"n":1}}',
        "outputDetails": {"truncated": False},
    }
    assert json.loads(history[-1]["executionSucceededEventDetails"]["output"]) == {"sum": 3}
    assert all(e["timestamp"].tzinfo is not None for e in history)


def test_same_name_and_input_returns_the_existing_execution_other_input_is_refused(
    runtime: LocalRuntime,
) -> None:
    first = runtime.start_execution(
        state_machine_arn=MACHINE + "m", definition=PASS_CHAIN, input="{}", name="n1"
    )
    again = runtime.start_execution(
        state_machine_arn=MACHINE + "m", definition=PASS_CHAIN, input="{}", name="n1"
    )

    assert again.execution_arn == first.execution_arn
    with pytest.raises(ExecutionAlreadyExists):
        runtime.start_execution(
            state_machine_arn=MACHINE + "m", definition=PASS_CHAIN, input='{"x":1}', name="n1"
        )
    assert len(runtime.list_executions(MACHINE + "m")) == 1


def test_list_executions_filters_by_machine_and_status(runtime: LocalRuntime) -> None:
    fail = asl({"F": {"Type": "Fail", "Error": "E"}})
    ok = runtime.start_sync_execution(
        state_machine_arn=MACHINE + "a", definition=PASS_CHAIN, input='{"x": 1}', type="STANDARD"
    )
    bad = runtime.start_sync_execution(state_machine_arn=MACHINE + "b", definition=fail, type="STANDARD")

    assert [i.execution_arn for i in runtime.list_executions(MACHINE + "a")] == [ok.execution_arn]
    assert [i.execution_arn for i in runtime.list_executions(status_filter="FAILED")] == [bad.execution_arn]
    assert bad.error == "E" and bad.cause is None


def test_unknown_execution_and_bad_definition_raise_api_errors(runtime: LocalRuntime) -> None:
    with pytest.raises(ExecutionDoesNotExist):
        runtime.describe_execution("arn:aws:states:us-east-1:123456789012:execution:m:nope")
    with pytest.raises(InvalidDefinition):
        runtime.start_execution(state_machine_arn=MACHINE + "m", definition="{not json")
    with pytest.raises(InvalidDefinition):
        runtime.start_execution(state_machine_arn=MACHINE + "m", definition="{}")


def test_express_executions_use_express_arns_and_no_redrive_count(runtime: LocalRuntime) -> None:
    definition = asl({"P": {"Type": "Pass", "Parameters": {"ctx.$": "$$.Execution"}, "End": True}})

    info = runtime.start_sync_execution(state_machine_arn=MACHINE + "fast", definition=definition, name="e1")

    assert info.type == "EXPRESS"
    assert info.execution_arn.startswith("arn:aws:states:us-east-1:123456789012:express:fast:e1:")
    context = json.loads(info.output or "")["ctx"]
    assert context["Id"] == info.execution_arn and context["Name"] == "e1"
    assert "RedriveCount" not in context


def test_stop_execution_aborts_a_waiting_execution(manual_runtime: LocalRuntime) -> None:
    definition = asl({"W": {"Type": "Wait", "Seconds": 60, "End": True}})
    started = manual_runtime.start_execution(state_machine_arn=MACHINE + "m", definition=definition)
    wait_until(lambda: "WaitStateEntered" in event_types(manual_runtime, started.execution_arn))

    stopped = manual_runtime.stop_execution(started.execution_arn, error="Cancelled", cause="by test")

    assert stopped.status == "ABORTED"
    assert event_types(manual_runtime, started.execution_arn)[-1] == "ExecutionAborted"
    assert manual_runtime.describe_execution(started.execution_arn).error == "Cancelled"


def test_execution_timeout_seconds_times_the_execution_out(runtime: LocalRuntime) -> None:
    definition = asl({"W": {"Type": "Wait", "Seconds": 120, "End": True}}, TimeoutSeconds=30)

    info = runtime.start_sync_execution(
        state_machine_arn=MACHINE + "m", definition=definition, type="STANDARD"
    )

    assert info.status == "TIMED_OUT"
    assert info.error == "States.Timeout"
    assert event_types(runtime, info.execution_arn)[-1] == "ExecutionTimedOut"
    assert (info.stop_date - info.start_date).total_seconds() == 30  # type: ignore[operator]


def test_redrive_continues_from_the_failed_state_without_rerunning_succeeded_tasks(
    runtime: LocalRuntime,
) -> None:
    _redrive_scenario(runtime)


def test_redrive_works_from_the_database(tmp_path: Path) -> None:
    with LocalRuntime(
        db_path=tmp_path / "rt.sqlite", clock=VirtualClock(START, auto_advance=True)
    ) as runtime:
        _redrive_scenario(runtime)


def _redrive_scenario(runtime: LocalRuntime) -> None:
    calls: dict[str, int] = {"first": 0, "second": 0}
    healthy = threading.Event()

    def first(event: Any, context: Any) -> Any:
        calls["first"] += 1
        return {"step": 1}

    def second(event: Any, context: Any) -> Any:
        calls["second"] += 1
        if not healthy.is_set():
            raise RuntimeError("downstream is down")
        return {"step": 2, "got": event}

    runtime.register_lambda("first", first)
    runtime.register_lambda("second", second)
    definition = asl(
        {
            "One": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:first",
                "Next": "Two",
            },
            "Two": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:second",
                "End": True,
            },
        }
    )
    failed = runtime.start_sync_execution(
        state_machine_arn=MACHINE + "m", definition=definition, type="STANDARD"
    )
    assert failed.status == "FAILED" and failed.error == "RuntimeError"

    healthy.set()
    runtime.redrive_execution(failed.execution_arn)
    done = runtime.wait(failed.execution_arn, timeout=5)

    assert done.status == "SUCCEEDED"
    assert json.loads(done.output or "") == {"step": 2, "got": {"step": 1}}
    assert calls == {"first": 1, "second": 2}
    assert done.redrive_count == 1 and done.redrive_date is not None
    types = event_types(runtime, failed.execution_arn)
    assert types.count("ExecutionFailed") == 1 and types.count("ExecutionRedriven") == 1
    assert types[-1] == "ExecutionSucceeded"
    # The redriven state is entered anew after ExecutionRedriven; the one that succeeded is not.
    after = types[types.index("ExecutionRedriven") + 1 :]
    assert after[:3] == ["TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted"]
    assert after.count("TaskStateEntered") == 1
    ids = [e["id"] for e in runtime.get_execution_history(failed.execution_arn)]
    assert ids == list(range(1, len(ids) + 1))
    with pytest.raises(ExecutionNotRedrivable):
        runtime.redrive_execution(failed.execution_arn)
