"""Compiler speed, local runtime latency against moto's interpreter, and transitions per run."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from state_machines.compiler import compile_workflow
from state_machines.model import NodeCatalog, Workflow
from state_machines.model.expressions import free_variables, jsonata_syntax_error
from state_machines.runtime import LocalRuntime, VirtualClock
from wfaib.local_run import load_workflow_file, run_workflow

__all__ = ["run"]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:bench"


def synthetic_workflow(size: int) -> Workflow:
    """A chain of ``size`` nodes mixing actions, code, data steps and if/else diamonds."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    previous: str | None = None
    index = 0
    while len(nodes) < size:
        kind = index % 5
        node_id = f"n{index}"
        if kind == 0:
            nodes.append(
                {
                    "id": node_id,
                    "type": "code.python",
                    "params": {"code": "def main(input):\n    return input\n"},
                }
            )
        elif kind == 3 and size - len(nodes) >= 3:
            nodes += [
                {"id": node_id, "type": "logic.if", "params": {"condition": "{{ $input.n > 1 }}"}},
                {"id": f"{node_id}t", "type": "data.set", "params": {"fields": {"side": "t"}}},
                {"id": f"{node_id}f", "type": "data.set", "params": {"fields": {"side": "f"}}},
            ]
            edges += [
                {"source": node_id, "target": f"{node_id}t", "branch": "true"},
                {"source": node_id, "target": f"{node_id}f", "branch": "false"},
            ]
            if previous:
                edges.append({"source": previous, "target": node_id})
            index += 1
            join = f"n{index}"
            nodes.append({"id": join, "type": "logic.merge"})
            edges += [{"source": f"{node_id}t", "target": join}, {"source": f"{node_id}f", "target": join}]
            previous = join
            index += 1
            continue
        else:
            nodes.append(
                {"id": node_id, "type": "data.transform", "params": {"output": {"n": "{{ $input.n + 1 }}"}}}
            )
        if previous:
            edges.append({"source": previous, "target": node_id})
        previous = node_id
        index += 1
    return Workflow.model_validate(
        {
            "id": f"bench-{size}",
            "name": f"{size} nodes",
            "trigger": {"type": "manual"},
            "nodes": nodes,
            "edges": edges,
        }
    )


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]


def _cold_compile(workflow: Workflow, catalog: NodeCatalog) -> None:
    """Compile with empty expression caches, as for a workflow the process has not seen."""
    free_variables.cache_clear()
    jsonata_syntax_error.cache_clear()
    compile_workflow(workflow, catalog)


def compile_figures() -> dict[str, float]:
    catalog = NodeCatalog.builtin()
    figures = {}
    for size in (100, 1000):
        workflow = synthetic_workflow(size)
        samples = _timed(lambda wf=workflow: _cold_compile(wf, catalog), 5 if size == 1000 else 20)
        figures[f"compile_{size}_nodes_ms_median"] = round(statistics.median(samples), 2)
    return figures


def ten_step_definition(query_language: str) -> str:
    """Ten states: Pass steps that change data, a Choice and a final Pass, in one query language."""
    states: dict[str, Any] = {}
    for i in range(8):
        if query_language == "JSONata":
            states[f"S{i}"] = {
                "Type": "Pass",
                "Output": "{% {'n': $states.input.n + 1} %}",
                "Next": f"S{i + 1}",
            }
        else:
            states[f"S{i}"] = {
                "Type": "Pass",
                "Parameters": {"n.$": "States.MathAdd($.n, 1)"},
                "Next": f"S{i + 1}",
            }
    if query_language == "JSONata":
        states["S8"] = {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $states.input.n > 5 %}", "Next": "S9"}],
            "Default": "S9",
        }
        states["S9"] = {"Type": "Pass", "Output": "{% {'done': $states.input.n} %}", "End": True}
    else:
        states["S8"] = {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "S9"}],
            "Default": "S9",
        }
        states["S9"] = {"Type": "Pass", "Parameters": {"done.$": "$.n"}, "End": True}
    return json.dumps({"QueryLanguage": query_language, "StartAt": "S0", "States": states})


def runtime_figures() -> dict[str, float]:
    figures: dict[str, float] = {}
    with LocalRuntime(clock=VirtualClock(auto_advance=True)) as runtime:
        for language in ("JSONata", "JSONPath"):
            definition = ten_step_definition(language)

            def once(definition: str = definition) -> None:
                info = runtime.start_sync_execution(
                    state_machine_arn=ARN, definition=definition, input='{"n": 0}'
                )
                assert info.status == "SUCCEEDED", info.cause

            for _ in range(20):
                once()
            samples = _timed(once, 300)
            key = language.lower()
            figures[f"local_10_step_{key}_ms_median"] = round(statistics.median(samples), 3)
            figures[f"local_10_step_{key}_ms_p95"] = round(_p95(samples), 3)
            figures[f"local_10_step_{key}_runs_per_s"] = round(1000 / statistics.mean(samples), 1)
            figures[f"local_{key}_ms_per_transition"] = round(statistics.median(samples) / 10, 4)
    return figures


def moto_figures() -> dict[str, float]:
    """The same JSONPath machine on moto's Step Functions interpreter (its JSONata is stubbed)."""
    import boto3
    from moto import mock_aws

    definition = ten_step_definition("JSONPath")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):  # type: ignore[arg-type]
        client = boto3.client("stepfunctions", region_name="us-east-1")
        machine = client.create_state_machine(
            name="bench", definition=definition, roleArn="arn:aws:iam::123456789012:role/bench"
        )["stateMachineArn"]

        def once() -> None:
            execution = client.start_execution(
                stateMachineArn=machine, name=f"run-{time.perf_counter_ns()}", input='{"n": 0}'
            )["executionArn"]
            while client.describe_execution(executionArn=execution)["status"] == "RUNNING":
                time.sleep(0.001)

        once()
        samples = _timed(once, 30)
    return {"moto_10_step_jsonpath_ms_median": round(statistics.median(samples), 3)}


def transition_figures() -> dict[str, Any]:
    """State transitions per example run, optimised vs one state per node, against connector actions."""
    rows = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        workflow, _ = load_workflow_file(path)
        assert workflow is not None
        payload = workflow.trigger.sample_input or {}
        # No credentials: an example that needs one (ticket-triage-ai) is reported, not counted.
        result = run_workflow(workflow, payload, workflows_dir=EXAMPLES, credentials={})
        if result.info.status != "SUCCEEDED":
            rows[path.stem] = {"not_counted": f"{result.info.status} {result.info.error}"}
            continue
        naive = run_workflow(workflow, payload, workflows_dir=EXAMPLES, optimize=False, credentials={})
        rows[path.stem] = {
            "transitions": len(result.steps),
            "naive_transitions": len(naive.steps),
            "task_calls": sum(step.attempts for step in result.steps),
        }
    return rows


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    figures.update(compile_figures())
    figures.update(runtime_figures())
    figures.update(moto_figures())
    figures["moto_vs_local_jsonpath_ratio"] = round(
        figures["moto_10_step_jsonpath_ms_median"] / figures["local_10_step_jsonpath_ms_median"], 1
    )
    figures["transitions_per_example"] = transition_figures()
    return figures
