"""Property: any well-formed workflow computes what its graph means, folded or not.

Hypothesis draws nested workflows of data steps, waits, if/else, switches, loops, parallel
branches and connector actions. Each compiles to ASL our validator accepts, and both the
optimised and the one-state-per-node compilations return, on the local runtime, the value a plain
Python reading of the graph gives.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from golden.golden_cases import CATALOG
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from state_machines.asl.validator import validate_asl
from state_machines.compiler import compile_workflow
from state_machines.model import Workflow
from state_machines.runtime import LocalRuntime, VirtualClock

ACME = "wfaib-local-connector-acme"
TRIGGER_V = 1


@dataclass
class Builder:
    """Accumulates nodes and edges; every element maps an input {"v": n} to an output {"v": m}."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=itertools.count)

    def node(self, type_: str, params: dict[str, Any] | None = None) -> str:
        node_id = f"n{next(self.ids)}"
        self.nodes.append({"id": node_id, "type": type_, "params": params or {}})
        return node_id

    def edge(self, source: str, target: str, branch: str | None = None) -> None:
        self.edges.append({"source": source, "target": target, **({"branch": branch} if branch else {})})


Element = Any  # a nested tuple drawn by hypothesis


def elements(depth: int) -> st.SearchStrategy[list[Element]]:
    leaf = st.one_of(
        st.tuples(st.just("add"), st.integers(1, 9)),
        st.tuples(st.just("trigger"), st.integers(1, 9)),
        st.tuples(st.just("action"), st.just(0)),
        st.tuples(st.just("wait"), st.integers(1, 3600)),
    )
    if depth == 0:
        return st.lists(leaf, min_size=1, max_size=3)
    inner = elements(depth - 1)
    compound = st.one_of(
        st.tuples(st.just("if"), inner, inner, st.booleans()),
        st.tuples(st.just("loop"), inner),
        st.tuples(st.just("parallel"), inner, inner),
        st.tuples(st.just("switch"), inner, inner, inner),
        # a step with two plain outputs (an implicit fan-out); the second branch may go straight to the join
        st.tuples(st.just("fanout"), st.integers(1, 9), inner, st.one_of(inner, st.just([]))),
    )
    return st.lists(st.one_of(leaf, compound), min_size=1, max_size=3)


def build(builder: Builder, block: list[Element]) -> tuple[str, list[str]]:
    """Add ``block``; return its entry node and the nodes the flow leaves from."""
    entry: str | None = None
    exits: list[str] = []
    for element in block:
        first, last = build_element(builder, element)
        for source in exits:
            builder.edge(source, first)
        entry = entry or first
        exits = last
    assert entry is not None
    return entry, exits


def build_element(builder: Builder, element: Element) -> tuple[str, list[str]]:
    kind = element[0]
    if kind == "add":
        node = builder.node("data.transform", {"output": {"v": f"{{{{ $input.v + {element[1]} }}}}"}})
        return node, [node]
    if kind == "trigger":
        node = builder.node(
            "data.set", {"fields": {"v": f"{{{{ $input.v * 2 + $trigger.v + {element[1]} }}}}"}}
        )
        return node, [node]
    if kind == "action":
        node = builder.node("acme.get_contact", {"id": "{{ $string($input.v) }}"})
        return node, [node]
    if kind == "wait":
        node = builder.node("logic.wait", {"seconds": element[1]})
        return node, [node]
    if kind == "switch":
        switch = builder.node(
            "logic.switch",
            {
                "cases": [
                    {"name": "small", "condition": "{{ $input.v < 5 }}"},
                    {"name": "odd", "condition": "{{ $input.v % 2 = 1 }}"},
                ]
            },
        )
        exits: list[str] = []
        for branch, block in zip(("small", "odd", "default"), element[1:], strict=True):
            branch_entry, branch_exits = build(builder, block)
            builder.edge(switch, branch_entry, branch)
            exits += branch_exits
        return switch, exits
    if kind == "if":
        choice = builder.node("logic.if", {"condition": "{{ $input.v % 2 = 0 }}"})
        yes_entry, yes_exits = build(builder, element[1])
        no_entry, no_exits = build(builder, element[2])
        builder.edge(choice, yes_entry, "true")
        builder.edge(choice, no_entry, "false")
        if element[3]:
            merge = builder.node("logic.merge")
            for source in yes_exits + no_exits:
                builder.edge(source, merge)
            return choice, [merge]
        return choice, yes_exits + no_exits
    if kind == "loop":
        loop = builder.node("logic.loop", {"items": '{{ [{"v": $input.v}, {"v": $input.v + 1}] }}'})
        body_entry, body_exits = build(builder, element[1])
        builder.edge(loop, body_entry, "each")
        for source in body_exits:
            builder.edge(source, loop)
        total = builder.node("data.transform", {"output": {"v": "{{ $sum($input.v) }}"}})
        builder.edge(loop, total, "done")
        return loop, [total]
    if kind == "fanout":
        host = builder.node("data.transform", {"output": {"v": f"{{{{ $input.v + {element[1]} }}}}"}})
        join = builder.node("logic.merge")
        for branch in element[2:]:
            if not branch:
                builder.edge(host, join)
                continue
            branch_entry, branch_exits = build(builder, branch)
            builder.edge(host, branch_entry)
            for source in branch_exits:
                builder.edge(source, join)
        total = builder.node("data.transform", {"output": {"v": "{{ $sum($input.v) }}"}})
        builder.edge(join, total)
        return host, [total]
    fork = builder.node("logic.parallel")
    join = builder.node("logic.merge")
    for branch in element[1:]:
        branch_entry, branch_exits = build(builder, branch)
        builder.edge(fork, branch_entry)
        for source in branch_exits:
            builder.edge(source, join)
    total = builder.node("data.transform", {"output": {"v": "{{ $sum($input.v) }}"}})
    builder.edge(join, total)
    return fork, [total]


def expected(block: list[Element], value: int) -> int:
    """What the drawn workflow computes, by the plain meaning of each element (the oracle)."""
    for element in block:
        value = expected_element(element, value)
    return value


def expected_element(element: Element, value: int) -> int:
    kind = element[0]
    if kind == "add":
        return value + int(element[1])
    if kind == "trigger":
        return value * 2 + TRIGGER_V + int(element[1])
    if kind == "action":
        return value + 1
    if kind == "wait":
        return value
    if kind == "if":
        return expected(element[1] if value % 2 == 0 else element[2], value)
    if kind == "switch":
        branch = element[1] if value < 5 else element[2] if value % 2 == 1 else element[3]
        return expected(branch, value)
    if kind == "loop":
        return expected(element[1], value) + expected(element[1], value + 1)
    if kind == "fanout":
        value += int(element[1])
        return expected(element[2], value) + (expected(element[3], value) if element[3] else value)
    return expected(element[1], value) + expected(element[2], value)


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(clock=VirtualClock(auto_advance=True)) as rt:
        rt.register_lambda(ACME, lambda event, context: {"v": int(event["params"]["id"]) + 1})
        yield rt


def run(runtime: LocalRuntime, asl: str) -> tuple[str, Any]:
    info = runtime.start_execution(
        state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:prop",
        definition=asl,
        input=json.dumps({"v": TRIGGER_V}),
    )
    info = runtime.wait(info.execution_arn, timeout=30)
    return info.status, json.loads(info.output) if info.output else info.cause


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(block=elements(3))
def test_folding_preserves_outputs_of_any_workflow(runtime: LocalRuntime, block: list[Element]) -> None:
    builder = Builder()
    build(builder, block)
    workflow = Workflow.model_validate(
        {
            "id": "prop",
            "name": "Property",
            "trigger": {"type": "manual"},
            "nodes": builder.nodes,
            "edges": builder.edges,
        }
    )
    optimized = compile_workflow(workflow, CATALOG)
    naive = compile_workflow(workflow, CATALOG, optimize=False)
    for compiled in (optimized, naive):
        assert [d for d in validate_asl(compiled.asl) if d.severity == "ERROR"] == []

    note(json.dumps({"nodes": builder.nodes, "edges": builder.edges}))
    optimized_result = run(runtime, optimized.asl)
    naive_result = run(runtime, naive.asl)

    assert optimized_result[0] == "SUCCEEDED", optimized_result[1]
    assert optimized_result == naive_result
    assert optimized_result[1] == {"v": expected(block, TRIGGER_V)}
    assert optimized.state_count <= naive.state_count
