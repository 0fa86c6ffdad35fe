"""Compiled workflows do what the graph says when the local runtime executes them.

Connector functions here are plain Python handlers standing in for the acme test connector; the
ASL, the runtime and the error names are the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from golden.golden_cases import CASES_DIR, CATALOG

from state_machines.compiler import compile_workflow
from state_machines.model import Workflow
from state_machines.runtime import ExecutionInfo, LocalRuntime, VirtualClock

ACME = "wfaib-local-connector-acme"
CODE = "wfaib-local-code-python"


class RateLimitedError(Exception):
    """Same name as the SDK's transient error: the compiled Retry matches it by name."""


class ConnectorError(Exception):
    """Same name as the SDK's permanent error."""


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(clock=VirtualClock(auto_advance=True)) as rt:
        yield rt


def workflow(name: str) -> Workflow:
    return Workflow.model_validate(json.loads((CASES_DIR / name / "workflow.json").read_text()))


def run(
    runtime: LocalRuntime, wf: Workflow, payload: Any, *, optimize: bool = True
) -> tuple[ExecutionInfo, list[dict[str, Any]]]:
    compiled = compile_workflow(wf, CATALOG, optimize=optimize)
    info = runtime.start_execution(
        state_machine_arn=f"arn:aws:states:us-east-1:123456789012:stateMachine:{wf.id}",
        definition=compiled.asl,
        input=json.dumps(payload),
    )
    info = runtime.wait(info.execution_arn, timeout=20)
    return info, runtime.get_execution_history(info.execution_arn)


def acme(
    calls: list[dict[str, Any]], behaviour: Callable[[dict[str, Any]], Any]
) -> Callable[[Any, Any], Any]:
    def handler(event: dict[str, Any], context: Any) -> Any:
        calls.append(event)
        return behaviour(event)

    return handler


def python_code(event: dict[str, Any], context: Any) -> Any:
    namespace: dict[str, Any] = {}
    exec(event["code"], namespace)  # test stand-in for the sandbox: trusted example code only
    return namespace["main"](event["input"])


def test_nested_loops_call_the_action_once_per_member_with_distinct_idempotency_keys(
    runtime: LocalRuntime,
) -> None:
    calls: list[dict[str, Any]] = []
    runtime.register_lambda(ACME, acme(calls, lambda e: {"id": e["params"]["email"]}))
    teams = [{"name": "red", "members": ["ann", "bob"]}, {"name": "blue", "members": ["cy"]}]

    info, _ = run(runtime, workflow("nested-loops-action"), {"teams": teams})

    assert info.status == "SUCCEEDED", info.cause
    assert json.loads(info.output or "null") == 2
    assert sorted((c["params"]["email"], c["params"]["tags"][0]) for c in calls) == [
        ("ann", "red"),
        ("bob", "red"),
        ("cy", "blue"),
    ]
    keys = [c["idempotency_key"] for c in calls]
    assert len(set(keys)) == 3
    assert all(key.startswith(info.execution_arn + "/add/") for key in keys)


def test_transient_errors_are_retried_with_the_same_idempotency_key(runtime: LocalRuntime) -> None:
    calls: list[dict[str, Any]] = []

    def flaky(event: dict[str, Any]) -> Any:
        if event["action"] == "acme.create_contact" and len(calls) < 3:
            raise RateLimitedError("slow down")
        if event["action"] == "acme.get_contact":
            raise ConnectorError("contact service is gone")
        return {"id": "c-1"}

    runtime.register_lambda(ACME, acme(calls, flaky))
    info, history = run(
        runtime, workflow("action-retry-credential"), {"email": "a@x.io", "first": "A", "last": "B"}
    )

    assert info.status == "SUCCEEDED", info.cause
    creates = [c for c in calls if c["action"] == "acme.create_contact"]
    assert len(creates) == 3
    assert len({c["idempotency_key"] for c in creates}) == 1
    assert creates[0]["credential"] == "wfaib/local/credentials/acme-prod"
    assert creates[0]["params"] == {"email": "a@x.io", "name": "A B", "tags": ["signup"]}
    output = json.loads(info.output or "{}")
    assert output["created"] == {"contact_id": "c-1", "email": "a@x.io"}
    assert output["error"] == "ConnectorError"  # on_error=continue: the error became fetch's output
    assert output["node"] == "fetch"
    assert sum(1 for e in history if e["type"] == "TaskFailed") == 3


def test_workflow_error_handler_runs_then_the_run_fails_with_the_original_error(
    runtime: LocalRuntime,
) -> None:
    calls: list[dict[str, Any]] = []

    def failing(event: dict[str, Any]) -> Any:
        raise ConnectorError(f"{event['action']} refused")

    runtime.register_lambda(ACME, acme(calls, failing))
    info, history = run(runtime, workflow("error-handler-continue"), {"id": "c-9", "email": "e@x.io"})

    assert info.status == "FAILED"
    assert info.error == "ConnectorError"
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if e["type"].endswith("StateEntered")]
    assert entered == ["find_contact", "is_missing", "create", "notify", "workflow-failed"]
    notify_exit = next(e for e in history if e["type"] == "PassStateExited")
    assert json.loads(notify_exit["stateExitedEventDetails"]["output"]) == {
        "alert": "create failed: ConnectorError"
    }


def test_implicit_fan_out_runs_both_branches_and_merges_a_list(runtime: LocalRuntime) -> None:
    calls: list[dict[str, Any]] = []
    runtime.register_lambda(ACME, acme(calls, lambda e: {"name": e["params"]["id"].upper()}))

    info, history = run(runtime, workflow("implicit-fan-out"), {"a": "ann", "b": "bob"})

    assert info.status == "SUCCEEDED", info.cause
    assert json.loads(info.output or "null") == ["ANN", "BOB"]
    assert any(e["type"] == "ParallelStateEntered" for e in history)


def test_each_node_calls_the_action_version_it_was_built_with(runtime: LocalRuntime) -> None:
    calls: list[dict[str, Any]] = []
    runtime.register_lambda(ACME, acme(calls, lambda e: {"ok": True}))

    info, _ = run(runtime, workflow("action-version-2"), {})

    assert info.status == "SUCCEEDED", info.cause
    assert [(c["action"], c["version"]) for c in calls] == [
        ("acme.create_contact", 1),
        ("acme.create_contact", 2),
    ]


EXAMPLE_CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.name.startswith("example-"))


@pytest.mark.parametrize("name", EXAMPLE_CASES)
def test_folding_never_changes_what_a_run_returns(runtime: LocalRuntime, name: str) -> None:
    """The optimised and the one-state-per-node compilation give the same status and output."""
    runtime.register_lambda(CODE, python_code)
    wf = workflow(name)
    sub = workflow("example-hello-world")
    for optimize in (True, False):
        runtime.register_state_machine(
            "arn:aws:states:us-east-1:123456789012:stateMachine:wfaib-local-hello-world",
            compile_workflow(sub, CATALOG, optimize=optimize).asl,
        )
    payload = wf.trigger.sample_input or {}
    optimized, optimized_history = run(runtime, wf, payload, optimize=True)
    naive, naive_history = run(runtime, wf, payload, optimize=False)

    assert (optimized.status, optimized.error) == (naive.status, naive.error)
    assert json.loads(optimized.output or "null") == json.loads(naive.output or "null")
    assert len(optimized_history) <= len(naive_history)


def test_branches_that_never_meet_end_the_run_with_both_outputs(runtime: LocalRuntime) -> None:
    calls: list[dict[str, Any]] = []
    runtime.register_lambda(ACME, acme(calls, lambda e: {"id": "c-1"}))

    info, _ = run(runtime, workflow("fan-out-without-join"), {"email": "x@y.z"})

    assert info.status == "SUCCEEDED", info.cause
    assert json.loads(info.output or "null") == [{"id": "c-1"}, {"archived": True}]


def test_a_tenant_target_names_the_tenant_to_connectors_and_approvals() -> None:
    from state_machines.compiler import CompileTarget

    compiled = compile_workflow(workflow("action-version-2"), CATALOG, CompileTarget(tenant_id="acme"))
    payloads = [state["Arguments"]["Payload"] for state in compiled.definition["States"].values()]
    assert {payload["tenant_id"] for payload in payloads} == {"acme"}
    assert "tenant_id" not in compile_workflow(workflow("action-version-2"), CATALOG).asl


def test_the_compiler_retries_every_transient_error_the_connector_sdk_raises() -> None:
    from connectors.sdk.errors import RETRYABLE_ERRORS
    from state_machines.model.node_types import DEFAULT_RETRYABLE_ERRORS, PAUSED_ERROR

    assert set(RETRYABLE_ERRORS) == {*DEFAULT_RETRYABLE_ERRORS, PAUSED_ERROR}


def test_a_paused_connector_is_waited_for_longer_than_a_transient_error() -> None:
    compiled = compile_workflow(workflow("action-retry-credential"), CATALOG)
    _lambda_errors, paused, transient = compiled.definition["States"]["create"]["Retry"]
    assert paused["ErrorEquals"] == ["PausedError"]
    assert (paused["MaxAttempts"], paused["MaxDelaySeconds"]) == (20, 600)
    assert transient["MaxAttempts"] == 5  # the node's own policy
    assert (
        compiled.definition["States"]["create"]["Arguments"]["Payload"]["workflow_id"]
        == "action-retry-credential"
    )


def test_a_branch_wired_straight_to_the_join_hands_the_fan_out_output_on(runtime: LocalRuntime) -> None:
    calls: list[dict[str, Any]] = []
    runtime.register_lambda(ACME, acme(calls, lambda e: {"name": e["params"]["id"].upper()}))

    info, _ = run(runtime, workflow("fan-out-branch-to-join"), {"a": "ann"})

    assert info.status == "SUCCEEDED", info.cause
    assert json.loads(info.output or "null") == [{"name": "ANN"}, {"a": "ann", "ready": True}]


def test_after_an_implicit_fan_out_joins_the_trigger_and_the_host_output_are_still_theirs(
    runtime: LocalRuntime,
) -> None:
    # The fan-out's host is the first state: the Parallel after it must not take its own input
    # (the host's output) for the trigger, nor its result (the branches' outputs) for the host's.
    document = {
        "id": "join-reads-earlier",
        "name": "Reads after a join",
        "trigger": {"type": "manual"},
        "nodes": [
            {"id": "prepare", "type": "data.set", "params": {"fields": {"a": "changed", "ready": True}}},
            {"id": "left", "type": "data.transform", "params": {"output": "{{ 1 }}"}},
            {"id": "right", "type": "data.transform", "params": {"output": "{{ 2 }}"}},
            {"id": "both", "type": "logic.merge"},
            {
                "id": "out",
                "type": "data.transform",
                "params": {
                    "output": {"t": "{{ $trigger.a }}", "p": "{{ $prepare.ready }}", "b": "{{ $input }}"}
                },
            },
        ],
        "edges": [
            {"source": "prepare", "target": "left"},
            {"source": "prepare", "target": "right"},
            {"source": "left", "target": "both"},
            {"source": "right", "target": "both"},
            {"source": "both", "target": "out"},
        ],
    }
    wf = Workflow.model_validate(document)

    for optimize in (True, False):
        info, _ = run(runtime, wf, {"a": "ann"}, optimize=optimize)
        assert info.status == "SUCCEEDED", info.cause
        assert json.loads(info.output or "null") == {"t": "ann", "p": True, "b": [1, 2]}, optimize
