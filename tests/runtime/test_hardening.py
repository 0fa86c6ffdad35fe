"""What users throw at the runtime: endless loops, the history quota, stops that race the start,
and stopped parents with running children."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from state_machines.runtime import ExecutionNotRedrivable, LocalRuntime, VirtualClock

from .conftest import MACHINE, START, asl, event_types, wait_until

ENDLESS = asl(
    {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Again?"},
        "Again?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 0, "Next": "Count"}],
            "Default": "Never",
        },
        "Never": {"Type": "Succeed"},
    }
)
"""A counter loop of Pass and Choice states without a Wait: it never ends by itself."""

TWO_PASSES = asl(
    {
        "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Pass", "End": True},
    }
)
"""Six history events: ExecutionStarted, two states entered and exited, ExecutionSucceeded."""


@contextmanager
def loop_paused(runtime: LocalRuntime) -> Iterator[None]:
    """Hold the runtime's event loop inside one callback, so calls made meanwhile queue up.

    The runtime's loop thread is private; pausing it is the only deterministic way to make a
    stop arrive before the execution's task has taken its first step.
    """
    entered, release = threading.Event(), threading.Event()

    def _hold() -> None:
        entered.set()
        release.wait()

    runtime._loop.call_soon_threadsafe(_hold)
    entered.wait()
    try:
        yield
    finally:
        release.set()


# ------------------------------------------------------------------------- cooperative yielding
def test_an_endless_pass_choice_loop_lets_other_executions_run_and_can_be_stopped() -> None:
    # A quota far beyond this test's reach: only yielding can let the other execution finish.
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), history_limit=10**9) as runtime:
        endless = runtime.start_execution(
            state_machine_arn=MACHINE + "endless", definition=ENDLESS, input='{"n": 0}'
        )
        wait_until(lambda: len(runtime.get_execution_history(endless.execution_arn)) > 1000)
        other = runtime.start_execution(state_machine_arn=MACHINE + "other", definition=TWO_PASSES)

        assert runtime.wait(other.execution_arn, timeout=10).status == "SUCCEEDED"
        assert runtime.describe_execution(endless.execution_arn).status == "RUNNING"
        stopped = runtime.stop_execution(endless.execution_arn, error="Enough", cause="an endless loop")

        assert stopped.status == "ABORTED" and stopped.stop_date is not None
        assert (stopped.error, stopped.cause) == ("Enough", "an endless loop")
        types = event_types(runtime, endless.execution_arn)
        assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionAborted"


# ------------------------------------------------------------------------- history quota
def test_an_endless_loop_fails_when_its_history_reaches_the_quota() -> None:
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), history_limit=50) as runtime:
        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "endless", definition=ENDLESS, input='{"n": 0}', type="STANDARD"
        )
        history = runtime.get_execution_history(info.execution_arn)

    assert info.status == "FAILED" and info.stop_date is not None
    assert info.error == "States.Runtime"
    assert info.cause == "The execution reached the maximum number of history events (50)."
    assert len(history) == 50
    assert [e["id"] for e in history] == list(range(1, 51))
    assert history[-1]["type"] == "ExecutionFailed"
    assert history[-1]["previousEventId"] == 49
    assert history[-1]["executionFailedEventDetails"]["cause"] == info.cause


@pytest.mark.parametrize(("limit", "status"), [(6, "SUCCEEDED"), (5, "FAILED")])
def test_the_quota_event_may_only_be_execution_succeeded(limit: int, status: str) -> None:
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), history_limit=limit) as runtime:
        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "m", definition=TWO_PASSES, type="STANDARD"
        )
        types = event_types(runtime, info.execution_arn)

    assert info.status == status
    assert len(types) == limit
    assert types[-1] == ("ExecutionSucceeded" if status == "SUCCEEDED" else "ExecutionFailed")


def test_the_quota_is_not_caught_by_a_catch_all() -> None:
    caught = asl(
        {
            "Loop": {
                "Type": "Parallel",
                "Branches": [json.loads(ENDLESS)],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Succeed"},
        }
    )
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), history_limit=40) as runtime:
        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "m", definition=caught, input='{"n": 0}', type="STANDARD"
        )

    assert info.status == "FAILED" and info.error == "States.Runtime"


def test_the_default_quota_is_aws_25000_events() -> None:
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True)) as runtime:
        assert runtime.history_limit == 25_000
    with pytest.raises(ValueError, match="history_limit"):
        LocalRuntime(history_limit=2)


# ------------------------------------------------------------------------- stop races
def test_stop_before_the_first_step_aborts_and_returns_a_finished_execution(
    manual_runtime: LocalRuntime,
) -> None:
    release_handler = threading.Event()
    manual_runtime.register_lambda("slow", lambda event, context: release_handler.wait(5))
    definition = asl(
        {
            "Slow": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow",
                "End": True,
            }
        }
    )
    result: dict[str, Any] = {}
    with loop_paused(manual_runtime):
        started = manual_runtime.start_execution(state_machine_arn=MACHINE + "m", definition=definition)
        stopper = threading.Thread(
            target=lambda: result.update(info=manual_runtime.stop_execution(started.execution_arn))
        )
        stopper.start()
        # Start and stop are both queued on the paused loop: the stop lands before the first step.
        wait_until(lambda: len(manual_runtime._loop._ready) >= 2)  # type: ignore[attr-defined]
    stopper.join()
    release_handler.set()

    info = result["info"]
    assert info.status == "ABORTED"
    assert info.stop_date is not None
    assert manual_runtime.describe_execution(started.execution_arn) == info
    assert event_types(manual_runtime, started.execution_arn) == ["ExecutionStarted", "ExecutionAborted"]


def test_stop_while_a_handler_blocks_aborts_at_once(manual_runtime: LocalRuntime) -> None:
    entered, release_handler = threading.Event(), threading.Event()

    def blocked(event: Any, context: Any) -> Any:
        entered.set()
        release_handler.wait(5)
        return {}

    manual_runtime.register_lambda("blocked", blocked)
    definition = asl(
        {
            "Blocked": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:blocked",
                "End": True,
            }
        }
    )
    started = manual_runtime.start_execution(state_machine_arn=MACHINE + "m", definition=definition)
    entered.wait(5)

    info = manual_runtime.stop_execution(started.execution_arn)
    release_handler.set()

    assert info.status == "ABORTED" and info.stop_date is not None
    assert event_types(manual_runtime, started.execution_arn)[-1] == "ExecutionAborted"


# ------------------------------------------------------------------------- nested executions
CHILD = MACHINE + "child"
SLOW_CHILD = asl({"Hold": {"Type": "Wait", "Seconds": 3600, "End": True}})


def _parent(resource: str, **task: Any) -> str:
    return asl(
        {
            "Child": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {"StateMachineArn": CHILD, "Input": {}, "Name": "kid"},
                "End": True,
                **task,
            }
        }
    )


def _child_arn(runtime: LocalRuntime) -> str:
    children = wait_until(lambda: runtime.list_executions(CHILD))
    return str(children[0].execution_arn)


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:states:::states:startExecution.sync", "arn:aws:states:::states:startExecution.sync:2"],
)
def test_stopping_a_parent_stops_the_child_it_waits_for(manual_runtime: LocalRuntime, resource: str) -> None:
    manual_runtime.register_state_machine(CHILD, SLOW_CHILD)
    parent = manual_runtime.start_execution(
        state_machine_arn=MACHINE + "parent", definition=_parent(resource)
    )
    child = _child_arn(manual_runtime)
    wait_until(lambda: "WaitStateEntered" in event_types(manual_runtime, child))

    stopped = manual_runtime.stop_execution(parent.execution_arn)

    assert stopped.status == "ABORTED"
    info = manual_runtime.wait(child, timeout=5)
    assert info.status == "ABORTED" and info.stop_date is not None
    assert event_types(manual_runtime, child)[-1] == "ExecutionAborted"


def test_a_sync_task_timing_out_stops_its_child() -> None:
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True)) as runtime:
        runtime.register_state_machine(CHILD, SLOW_CHILD)
        definition = _parent("arn:aws:states:::states:startExecution.sync:2", TimeoutSeconds=60)

        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "parent", definition=definition, type="STANDARD"
        )
        child = runtime.wait(_child_arn(runtime), timeout=5)

    assert info.status == "FAILED" and info.error == "States.Timeout"
    assert child.status == "ABORTED"
    assert child.stop_date == START.replace(minute=1)


def test_a_started_but_not_awaited_child_keeps_running_when_the_parent_stops(
    manual_runtime: LocalRuntime,
) -> None:
    manual_runtime.register_state_machine(CHILD, SLOW_CHILD)
    parent = manual_runtime.start_execution(
        state_machine_arn=MACHINE + "parent",
        definition=asl(
            {
                "Start": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution",
                    "Parameters": {"StateMachineArn": CHILD, "Input": {}, "Name": "kid"},
                    "Next": "Hold",
                },
                "Hold": {"Type": "Wait", "Seconds": 60, "End": True},
            }
        ),
    )
    child = _child_arn(manual_runtime)
    wait_until(lambda: "WaitStateEntered" in event_types(manual_runtime, parent.execution_arn))

    manual_runtime.stop_execution(parent.execution_arn)

    assert manual_runtime.describe_execution(child).status == "RUNNING"


def test_a_failing_sibling_branch_stops_the_child_its_neighbour_waits_for() -> None:
    waiting = json.loads(_parent("arn:aws:states:::states:startExecution.sync:2"))
    failing = asl(
        {
            "Later": {"Type": "Wait", "Seconds": 10, "Next": "Break"},
            "Break": {"Type": "Fail", "Error": "Broken"},
        }
    )
    definition = asl({"Both": {"Type": "Parallel", "Branches": [waiting, json.loads(failing)], "End": True}})
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True)) as runtime:
        runtime.register_state_machine(CHILD, SLOW_CHILD)

        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "parent", definition=definition, type="STANDARD"
        )
        child = runtime.wait(_child_arn(runtime), timeout=5)

    assert info.status == "FAILED" and info.error == "Broken"
    assert child.status == "ABORTED"


def test_an_execution_that_reached_the_quota_cannot_be_redriven() -> None:
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), history_limit=50) as runtime:
        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "endless", definition=ENDLESS, input='{"n": 0}', type="STANDARD"
        )

        with pytest.raises(ExecutionNotRedrivable, match="Execution history event limit exceeded"):
            runtime.redrive_execution(info.execution_arn)
        assert runtime.describe_execution(info.execution_arn).status == "FAILED"


# ------------------------------------------------------------------------- task tokens and time
ASK = asl(
    {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}},
            "TimeoutSeconds": 3600,
            "HeartbeatSeconds": 600,
            "End": True,
        }
    }
)


def _wait(seconds: int) -> str:
    return asl({"W": {"Type": "Wait", "Seconds": seconds, "End": True}})


def test_auto_advance_never_jumps_to_an_outstanding_task_tokens_timeout() -> None:
    """The documented choice: a token is answered from outside, at a moment auto-advance cannot
    foresee, so its TimeoutSeconds/HeartbeatSeconds must not fire before anyone could answer."""
    tokens: list[str] = []
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True)) as runtime:
        runtime.register_lambda("ask", lambda event, context: tokens.append(event["token"]))
        asking = runtime.start_execution(state_machine_arn=MACHINE + "ask", definition=ASK)
        token = wait_until(lambda: tokens)[0]
        wait_until(lambda: "TaskSubmitted" in event_types(runtime, asking.execution_arn))

        assert runtime.clock.now() == START
        runtime.send_task_success(token, '{"ok": true}')
        info = runtime.wait(asking.execution_arn, timeout=5)

    assert info.status == "SUCCEEDED" and json.loads(info.output or "") == {"ok": True}


def test_auto_advance_still_runs_timers_due_before_an_outstanding_tokens_timeout() -> None:
    tokens: list[str] = []
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True)) as runtime:
        runtime.register_lambda("ask", lambda event, context: tokens.append(event["token"]))
        asking = runtime.start_execution(state_machine_arn=MACHINE + "ask", definition=ASK)
        token = wait_until(lambda: tokens)[0]
        wait_until(lambda: "TaskSubmitted" in event_types(runtime, asking.execution_arn))
        short = runtime.start_execution(state_machine_arn=MACHINE + "short", definition=_wait(60))
        long = runtime.start_execution(state_machine_arn=MACHINE + "long", definition=_wait(7200))

        assert runtime.wait(short.execution_arn, timeout=5).status == "SUCCEEDED"
        # The heartbeat window (600 s) bounds the jumps while the token is outstanding.
        wait_until(lambda: "WaitStateEntered" in event_types(runtime, long.execution_arn))
        assert runtime.describe_execution(long.execution_arn).status == "RUNNING"
        assert runtime.clock.now() < START.replace(minute=10)

        runtime.send_task_success(token, "{}")
        assert runtime.wait(asking.execution_arn, timeout=5).status == "SUCCEEDED"
        assert runtime.wait(long.execution_arn, timeout=5).status == "SUCCEEDED"


def test_a_retry_loop_without_interval_lets_other_executions_run() -> None:
    retrying = asl(
        {
            "Broken": {
                "QueryLanguage": "JSONata",
                "Type": "Pass",
                "Output": "{% $error('Nope') %}",
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 0, "MaxAttempts": 99999999}],
                "End": True,
            }
        }
    )
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), history_limit=10**9) as runtime:
        broken = runtime.start_execution(state_machine_arn=MACHINE + "broken", definition=retrying)
        wait_until(lambda: len(runtime.get_execution_history(broken.execution_arn)) > 1000)
        other = runtime.start_execution(state_machine_arn=MACHINE + "other", definition=TWO_PASSES)

        assert runtime.wait(other.execution_arn, timeout=10).status == "SUCCEEDED"
        assert runtime.stop_execution(broken.execution_arn).status == "ABORTED"


def test_thousands_of_exponential_retries_do_not_overflow() -> None:
    calls: list[int] = []

    def flaky(event: Any, context: Any) -> Any:
        calls.append(1)
        if len(calls) <= 1100:
            raise RuntimeError("not yet")
        return {"calls": len(calls)}

    definition = asl(
        {
            "Flaky": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
                "Retry": [
                    {
                        "ErrorEquals": ["RuntimeError"],
                        "IntervalSeconds": 1,
                        "BackoffRate": 2.0,
                        "MaxDelaySeconds": 5,
                        "MaxAttempts": 2000,
                    }
                ],
                "End": True,
            }
        }
    )
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True)) as runtime:
        runtime.register_lambda("flaky", flaky)
        info = runtime.start_sync_execution(
            state_machine_arn=MACHINE + "m", definition=definition, type="STANDARD"
        )

    assert info.status == "SUCCEEDED", info.cause
    assert json.loads(info.output or "") == {"calls": 1101}
    # 1 + 2 + 4 seconds, then MaxDelaySeconds for each of the other 1,097 retries.
    assert (info.stop_date - info.start_date).total_seconds() == 7 + 5 * 1097  # type: ignore[operator]


# ------------------------------------------------------------------------- with a database
def test_a_stop_right_after_the_start_is_persisted(tmp_path: Path) -> None:
    db = tmp_path / "rt.sqlite"
    with LocalRuntime(db_path=db, clock=VirtualClock(START)) as runtime:
        with loop_paused(runtime):
            started = runtime.start_execution(state_machine_arn=MACHINE + "m", definition=SLOW_CHILD)
            stopper = threading.Thread(target=runtime.stop_execution, args=(started.execution_arn,))
            stopper.start()
            wait_until(lambda: len(runtime._loop._ready) >= 2)  # type: ignore[attr-defined]
        stopper.join()

    with LocalRuntime(db_path=db, clock=VirtualClock(START)) as reopened:
        info = reopened.describe_execution(started.execution_arn)
        assert info.status == "ABORTED" and info.stop_date is not None
        assert event_types(reopened, started.execution_arn) == ["ExecutionStarted", "ExecutionAborted"]


def test_closing_the_runtime_leaves_sync_children_running_to_resume_with_their_parent(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rt.sqlite"
    child_definition = asl(
        {"Hold": {"Type": "Wait", "Seconds": 30, "Next": "Done"}, "Done": {"Type": "Succeed"}}
    )
    definition = _parent("arn:aws:states:::states:startExecution.sync:2")
    with LocalRuntime(db_path=db, clock=VirtualClock(START)) as runtime:
        runtime.register_state_machine(CHILD, child_definition)
        parent = runtime.start_execution(state_machine_arn=MACHINE + "parent", definition=definition)
        child = _child_arn(runtime)
        wait_until(lambda: "WaitStateEntered" in event_types(runtime, child))

    with LocalRuntime(db_path=db, clock=VirtualClock(START, auto_advance=True)) as reopened:
        reopened.register_state_machine(CHILD, child_definition)
        info = reopened.wait(parent.execution_arn, timeout=10)
        assert reopened.describe_execution(child).status == "SUCCEEDED"

    assert info.status == "SUCCEEDED", info.cause


def test_an_unknown_child_state_machine_fails_the_task_catchably(runtime: LocalRuntime) -> None:
    definition = asl(
        {
            "Child": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": MACHINE + "ghost", "Input": {}},
                "Catch": [
                    {"ErrorEquals": ["StepFunctions.StateMachineDoesNotExistException"], "Next": "Gone"}
                ],
                "End": True,
            },
            "Gone": {"Type": "Pass", "End": True},
        }
    )

    info = runtime.start_sync_execution(
        state_machine_arn=MACHINE + "m", definition=definition, type="STANDARD"
    )

    assert info.status == "SUCCEEDED", info.cause
    error = json.loads(info.output or "")
    assert error["Error"] == "StepFunctions.StateMachineDoesNotExistException"
    assert MACHINE + "ghost" in error["Cause"]
