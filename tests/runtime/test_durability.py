"""Executions survive the process that ran them being killed.

Each test runs a real child process that starts an execution on a SQLite-backed runtime and dies
mid-run (``os._exit`` inside a handler, or SIGKILL while it waits on a task token). A new
``LocalRuntime`` on the same database then finishes the execution; handler invocations are
counted in files, so a task that completed before the kill must not run again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from state_machines.runtime import LocalRuntime, VirtualClock

from .conftest import MACHINE, START, asl, event_types, wait_until

REPO_ROOT = Path(__file__).parents[2]
FN = "arn:aws:lambda:us-east-1:123456789012:function:"

DEFINITION = asl(
    {
        "Fetch": {"Type": "Task", "Resource": FN + "fetch", "ResultPath": "$.fetched", "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 3600, "Next": "Store"},
        "Store": {"Type": "Task", "Resource": FN + "store", "ResultPath": "$.stored", "End": True},
    }
)

HANDLERS = """
import os, sys
from pathlib import Path

WORK = Path(sys.argv[1])

def count(name):
    with (WORK / name).open("a") as f:
        f.write("x")

def fetch(event, context):
    count("fetch")
    return {"rows": 3}

def store(event, context):
    count("store")
    if not (WORK / "survived").exists():
        (WORK / "survived").write_text("")
        os._exit(17)   # the process dies in the middle of the task
    return {"saved": event["fetched"]["rows"]}
"""


def _count(work: Path, name: str) -> int:
    path = work / name
    return len(path.read_text()) if path.exists() else 0


def _run_child(script: str, work: Path) -> subprocess.Popen[bytes]:
    code = HANDLERS + textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code, str(work)], cwd=REPO_ROOT)


def _fetch(event: Any, context: Any) -> Any:
    raise AssertionError("fetch completed before the crash and must not run again")


def test_killed_process_resumes_after_completed_tasks_without_rerunning_them(tmp_path: Path) -> None:
    child = _run_child(
        f"""
        from pathlib import Path
        from state_machines.runtime import LocalRuntime, VirtualClock
        rt = LocalRuntime(db_path=WORK / "runtime.sqlite", clock=VirtualClock(auto_advance=True),
                          lambda_handlers={{"fetch": fetch, "store": store}})
        info = rt.start_execution(state_machine_arn="{MACHINE}etl", definition={DEFINITION!r},
                                  input='{{"job": 7}}', name="nightly")
        rt.wait(info.execution_arn, timeout=30)
        """,
        tmp_path,
    )
    assert child.wait(timeout=60) == 17
    assert (_count(tmp_path, "fetch"), _count(tmp_path, "store")) == (1, 1)

    store_calls: list[Any] = []

    def store(event: Any, context: Any) -> Any:
        store_calls.append(event)
        return {"saved": event["fetched"]["rows"]}

    with LocalRuntime(
        db_path=tmp_path / "runtime.sqlite",
        clock=VirtualClock(START, auto_advance=True),
        lambda_handlers={"fetch": _fetch, "store": store},
    ) as runtime:
        (execution,) = runtime.list_executions()
        info = runtime.wait(execution.execution_arn, timeout=10)
        types = event_types(runtime, execution.execution_arn)
        history = runtime.get_execution_history(execution.execution_arn)

    assert info.status == "SUCCEEDED", (info.error, info.cause)
    assert json.loads(info.output or "") == {"job": 7, "fetched": {"rows": 3}, "stored": {"saved": 3}}
    assert _count(tmp_path, "fetch") == 1
    assert len(store_calls) == 1
    assert types.count("ExecutionStarted") == 1 and types.count("TaskStateEntered") == 2
    assert types[-1] == "ExecutionSucceeded"
    assert [e["id"] for e in history] == list(range(1, len(history) + 1))
    entered = next(e for e in history if e["type"] == "WaitStateEntered")["timestamp"]
    exited = next(e for e in history if e["type"] == "WaitStateExited")["timestamp"]
    assert (exited - entered).total_seconds() >= 3600


def test_sigkill_while_waiting_for_a_task_token_then_answer_after_restart(tmp_path: Path) -> None:
    definition = asl(
        {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}},
                "Next": "Done",
            },
            "Done": {"Type": "Pass", "Parameters": {"answer.$": "$.answer"}, "End": True},
        }
    )
    child = _run_child(
        f"""
        import json, time
        from state_machines.runtime import LocalRuntime, VirtualClock

        def ask(event, context):
            count("ask")
            (WORK / "token").write_text(event["token"])

        rt = LocalRuntime(db_path=WORK / "runtime.sqlite", clock=VirtualClock(auto_advance=True),
                          lambda_handlers={{"ask": ask}})
        info = rt.start_execution(state_machine_arn="{MACHINE}approval", definition={definition!r}, name="ask-1")
        while "TaskSubmitted" not in [e["type"] for e in rt.get_execution_history(info.execution_arn)]:
            time.sleep(0.005)
        (WORK / "ready").write_text("")
        time.sleep(120)
        """,
        tmp_path,
    )
    try:
        wait_until((tmp_path / "ready").exists, timeout=30)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)

    token = (tmp_path / "token").read_text()

    def ask_again(event: Any, context: Any) -> Any:
        raise AssertionError("the token was already handed out; the task must not be submitted twice")

    with LocalRuntime(db_path=tmp_path / "runtime.sqlite", lambda_handlers={"ask": ask_again}) as runtime:
        (execution,) = runtime.list_executions()
        runtime.send_task_success(token, '{"answer": "yes"}')
        info = runtime.wait(execution.execution_arn, timeout=10)
        types = event_types(runtime, execution.execution_arn)

    assert info.status == "SUCCEEDED", (info.error, info.cause)
    assert json.loads(info.output or "") == {"answer": "yes"}
    assert _count(tmp_path, "ask") == 1
    assert types.count("TaskSubmitted") == 1 and types[-1] == "ExecutionSucceeded"


def test_finished_executions_and_their_history_are_kept_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "runtime.sqlite"
    definition = asl({"Greet": {"Type": "Pass", "Parameters": {"hello.$": "$.name"}, "End": True}})
    with LocalRuntime(db_path=db, clock=VirtualClock(START, auto_advance=True)) as first:
        info = first.start_sync_execution(
            state_machine_arn=MACHINE + "greet",
            definition=definition,
            input='{"name": "ann"}',
            type="STANDARD",
        )
        history = first.get_execution_history(info.execution_arn)

    with LocalRuntime(db_path=db, clock=VirtualClock(START, auto_advance=True)) as second:
        assert second.describe_execution(info.execution_arn) == info
        assert second.get_execution_history(info.execution_arn) == history
        assert [i.execution_arn for i in second.list_executions(MACHINE + "greet")] == [info.execution_arn]


def test_a_second_process_on_the_same_database_reads_without_resuming(tmp_path: Path) -> None:
    child = _run_child(
        """
        import time
        from state_machines.runtime import LocalRuntime
        rt = LocalRuntime(db_path=WORK / "runtime.sqlite")
        (WORK / "ready").write_text(str(rt.resumes_executions))
        time.sleep(120)
        """,
        tmp_path,
    )
    try:
        wait_until(lambda: (tmp_path / "ready").exists() and (tmp_path / "ready").read_text(), timeout=30)
        with LocalRuntime(db_path=tmp_path / "runtime.sqlite") as reader:
            assert not reader.resumes_executions
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)

    assert (tmp_path / "ready").read_text() == "True"
    with LocalRuntime(db_path=tmp_path / "runtime.sqlite") as successor:
        assert successor.resumes_executions
