"""Validation returns every problem at once, each naming the node and field."""

from __future__ import annotations

from typing import Any

import pytest

from state_machines.model import NodeCatalog, Workflow, parse_workflow, validate_workflow
from state_machines.model.node_types import NodeKind, NodeType

ACME = NodeType(
    "acme.create_contact",
    NodeKind.ACTION,
    "Create contact",
    {
        "type": "object",
        "required": ["email"],
        "properties": {"email": {"type": "string"}, "age": {"type": "integer"}},
        "additionalProperties": False,
    },
    connector="acme",
    side_effect=True,
)
CATALOG = NodeCatalog.build([*NodeCatalog.builtin().types.values(), ACME])


def workflow(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]] | None = None, **extra: Any
) -> Workflow:
    return Workflow.model_validate(
        {"id": "w", "name": "W", "trigger": {"type": "manual"}, "nodes": nodes, "edges": edges or [], **extra}
    )


def problems(wf: Workflow) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.node, p.field) for p in validate_workflow(wf, CATALOG)]


def test_a_valid_workflow_has_no_problems() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "acme.create_contact", "params": {"email": "{{ $trigger.email }}"}},
            {"id": "b", "type": "data.transform", "params": {"output": {"id": "{{ $a.id }}"}}},
        ],
        [{"source": "a", "target": "b"}],
    )
    assert problems(wf) == []


def test_unknown_type_and_version_are_named() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "nope.thing"},
            {"id": "b", "type": "acme.create_contact", "version": 3, "params": {"email": "x"}},
        ],
        [{"source": "a", "target": "b"}],
    )
    assert problems(wf) == [("unknown_node_type", "a", "type"), ("unknown_node_version", "b", "version")]


def test_params_are_checked_against_the_action_schema_except_expressions() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "acme.create_contact", "params": {"age": "old", "colour": "red"}},
            {"id": "b", "type": "acme.create_contact", "params": {"email": "x", "age": "{{ $trigger.age }}"}},
        ],
        [{"source": "a", "target": "b"}],
    )
    found = problems(wf)
    assert ("missing_param", "a", "params.email") in found
    assert ("invalid_param", "a", "params.age") in found
    assert ("unknown_param", "a", "params") in found
    assert not [p for p in found if p[1] == "b"]


def test_dangling_edges_name_the_edge_field() -> None:
    wf = workflow(
        [{"id": "a", "type": "logic.stop"}],
        [{"source": "a", "target": "ghost"}, {"source": "x", "target": "a"}],
    )
    assert problems(wf) == [
        ("dangling_edge", "a", "edges[0].target"),
        ("dangling_edge", None, "edges[1].source"),
    ]


def test_cycles_outside_loops_are_rejected_but_loop_bodies_may_lead_back() -> None:
    cyclic = workflow(
        [
            {"id": "a", "type": "data.set", "params": {"fields": {}}},
            {"id": "b", "type": "data.set", "params": {"fields": {}}},
        ],
        [
            {"source": "trigger", "target": "a"},
            {"source": "a", "target": "b"},
            {"source": "b", "target": "a"},
        ],
    )
    assert [p[0] for p in problems(cyclic)] == ["cycle"]
    looping = workflow(
        [
            {"id": "loop", "type": "logic.loop", "params": {"items": "{{ $trigger.list }}"}},
            {"id": "body", "type": "data.transform", "params": {"output": "{{ $item }}"}},
        ],
        [{"source": "loop", "target": "body", "branch": "each"}, {"source": "body", "target": "loop"}],
    )
    assert problems(looping) == []


def test_every_choice_branch_must_be_wired() -> None:
    wf = workflow(
        [
            {"id": "check", "type": "logic.if", "params": {"condition": "{{ true }}"}},
            {"id": "yes", "type": "logic.stop"},
            {
                "id": "route",
                "type": "logic.switch",
                "params": {
                    "cases": [
                        {"name": "a", "condition": "{{ true }}"},
                        {"name": "b", "condition": "{{ false }}"},
                    ]
                },
            },
        ],
        [
            {"source": "check", "target": "yes", "branch": "true"},
            {"source": "check", "target": "route", "branch": "false"},
            {"source": "route", "target": "yes", "branch": "a"},
        ],
    )
    assert problems(wf) == [("missing_branch", "route", "edges"), ("missing_branch", "route", "edges")]
    messages = [p.message for p in validate_workflow(wf, CATALOG)]
    assert "Output 'b' of 'route' is not connected" in messages[0]
    assert "Output 'default' of 'route'" in messages[1]


def test_unknown_branch_names_and_error_outputs() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "acme.create_contact", "params": {"email": "x"}, "on_error": "branch"},
            {"id": "b", "type": "logic.stop"},
        ],
        [{"source": "a", "target": "b", "branch": "maybe"}],
    )
    assert problems(wf) == [("unknown_branch", "a", "edges"), ("missing_branch", "a", "on_error")]


def test_expressions_must_parse_and_reference_nodes_that_already_ran() -> None:
    wf = workflow(
        [
            {
                "id": "a",
                "type": "data.set",
                "params": {"fields": {"x": "{{ $trigger.( }}", "y": "{{ $ghost.id }}"}},
            },
            {"id": "check", "type": "logic.if", "params": {"condition": "{{ $a.x }}"}},
            {"id": "b", "type": "data.transform", "params": {"output": "{{ 1 }}"}},
            {"id": "c", "type": "data.transform", "params": {"output": "{{ $b }}"}},
            {"id": "d", "type": "data.transform", "params": {"output": "{{ $states.input }}"}},
        ],
        [
            {"source": "a", "target": "check"},
            {"source": "check", "target": "b", "branch": "true"},
            {"source": "check", "target": "c", "branch": "false"},
            {"source": "c", "target": "d"},
        ],
    )
    assert problems(wf) == [
        ("invalid_expression", "a", "params.fields.x"),
        ("unknown_reference", "a", "params.fields.y"),
        ("reference_not_ready", "c", "params.output"),
        ("invalid_reference", "d", "params.output"),
    ]


def test_references_into_a_loop_body_from_outside_are_out_of_scope() -> None:
    wf = workflow(
        [
            {"id": "first", "type": "data.set", "params": {"fields": {"k": 2}}},
            {"id": "loop", "type": "logic.loop", "params": {"items": "{{ $trigger.list }}"}},
            {"id": "body", "type": "data.transform", "params": {"output": "{{ $item * $first.k }}"}},
            {"id": "after", "type": "data.transform", "params": {"output": "{{ $body }}"}},
        ],
        [
            {"source": "first", "target": "loop"},
            {"source": "loop", "target": "body", "branch": "each"},
            {"source": "body", "target": "loop"},
            {"source": "loop", "target": "after", "branch": "done"},
        ],
    )
    assert problems(wf) == [("reference_out_of_scope", "after", "params.output")]


def test_a_loop_body_must_not_lead_out_of_the_loop() -> None:
    wf = workflow(
        [
            {"id": "loop", "type": "logic.loop", "params": {"items": "{{ $trigger.list }}"}},
            {"id": "body", "type": "data.transform", "params": {"output": "{{ $item }}"}},
            {"id": "outside", "type": "logic.stop"},
        ],
        [
            {"source": "loop", "target": "body", "branch": "each"},
            {"source": "body", "target": "outside"},
            {"source": "loop", "target": "outside", "branch": "done"},
        ],
    )
    assert problems(wf) == [("loop_body_entered", "outside", "edges")]


def test_one_start_and_one_error_handler() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "logic.stop"},
            {"id": "b", "type": "logic.stop"},
            {"id": "h1", "type": "logic.error_handler"},
            {"id": "h2", "type": "logic.error_handler"},
        ]
    )
    assert [p[0] for p in problems(wf)] == ["multiple_starts", "multiple_error_handlers"]


def test_tangled_parallel_branches_are_rejected() -> None:
    wf = workflow(
        [
            {"id": "fork", "type": "logic.parallel"},
            {"id": "x", "type": "data.transform", "params": {"output": "{{ 1 }}"}},
            {"id": "y", "type": "logic.if", "params": {"condition": "{{ true }}"}},
            {"id": "z", "type": "data.transform", "params": {"output": "{{ 2 }}"}},
            {"id": "meet", "type": "logic.merge"},
        ],
        [
            {"source": "fork", "target": "x"},
            {"source": "fork", "target": "y"},
            {"source": "y", "target": "z", "branch": "true"},
            {"source": "y", "target": "meet", "branch": "false"},
            {"source": "x", "target": "z"},
            {"source": "z", "target": "meet"},
        ],
    )
    assert [p[0] for p in problems(wf)] == ["tangled_branches"]


def test_express_workflows_cannot_wait_for_callbacks() -> None:
    wf = workflow(
        [{"id": "ask", "type": "logic.approval", "params": {"message": "ok?"}}],
        settings={"execution_type": "EXPRESS"},
    )
    assert problems(wf) == [("not_supported_in_express", "ask", "type")]


@pytest.mark.parametrize("node_id", ["sum", "count", "input", "trigger", "states"])
def test_node_ids_that_shadow_expression_names_are_rejected(node_id: str) -> None:
    wf = workflow([{"id": node_id, "type": "logic.stop"}])
    assert problems(wf) == [("reserved_node_id", node_id, "id")]


def test_parse_errors_name_the_node_and_field() -> None:
    workflow_doc = {
        "id": "w",
        "name": "W",
        "trigger": {"type": "manual"},
        "nodes": [
            {"id": "ok", "type": "logic.stop"},
            {"id": "bad", "type": "logic.stop", "retry": {"max_attempts": -1}},
        ],
        "surprise": 1,
    }
    parsed, found = parse_workflow(workflow_doc)
    assert parsed is None
    assert {(p.node, p.field) for p in found} == {("bad", "retry.max_attempts"), (None, "surprise")}


def test_validation_reports_all_problems_at_once() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "nope"},
            {"id": "b", "type": "acme.create_contact", "params": {}},
            {"id": "c", "type": "logic.wait", "params": {"seconds": "soon", "extra": 1}},
        ]
    )
    assert len(validate_workflow(wf, CATALOG)) == 3


def test_item_exists_only_inside_loops_and_filters() -> None:
    wf = workflow(
        [
            {
                "id": "keep",
                "type": "data.filter",
                "params": {"items": "{{ $trigger.list }}", "condition": "{{ $item > 1 }}"},
            },
            {"id": "bad", "type": "data.transform", "params": {"output": "{{ $item }}"}},
        ],
        [{"source": "keep", "target": "bad"}],
    )
    assert problems(wf) == [("invalid_reference", "bad", "params.output")]


def test_param_and_structure_and_expression_problems_are_reported_together() -> None:
    wf = workflow(
        [
            {"id": "a", "type": "acme.create_contact", "params": {"email": "{{ $nobody }}", "age": "x"}},
            {"id": "check", "type": "logic.if", "params": {"condition": "{{ true }}"}},
        ],
        [{"source": "a", "target": "check"}, {"source": "check", "target": "a", "branch": "true"}],
    )
    assert [p[0] for p in problems(wf)] == ["invalid_param", "missing_branch", "no_start", "cycle"]
    acyclic = workflow(
        [
            {"id": "a", "type": "acme.create_contact", "params": {"email": "{{ $nobody }}", "age": "x"}},
            {"id": "check", "type": "logic.if", "params": {"condition": "{{ true }}"}},
            {"id": "done", "type": "logic.stop"},
        ],
        [{"source": "a", "target": "check"}, {"source": "check", "target": "done", "branch": "true"}],
    )
    assert [p[0] for p in problems(acyclic)] == ["invalid_param", "missing_branch", "unknown_reference"]


def test_a_parallel_node_needs_at_least_two_branches() -> None:
    wf = workflow(
        [
            {"id": "fork", "type": "logic.parallel"},
            {"id": "x", "type": "data.transform", "params": {"output": "{{ 1 }}"}},
            {"id": "meet", "type": "logic.merge"},
        ],
        [{"source": "fork", "target": "x"}, {"source": "x", "target": "meet"}],
    )
    assert problems(wf) == [("parallel_needs_branches", "fork", "edges")]
