"""``webhook.respond``: where it may stand, and the PutItem it compiles to (no Lambda)."""

from __future__ import annotations

from typing import Any

import pytest

from state_machines.compiler import CompileTarget, compile_workflow
from state_machines.model import NodeCatalog, Workflow, validate_workflow

CATALOG = NodeCatalog.builtin()
SYNC = {"type": "webhook", "path": "orders", "response_mode": "last_node"}


def _respond(node_id: str, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "webhook.respond", "params": params}


def _set(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "data.set", "params": {"fields": {node_id: True}}}


def _workflow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], trigger: Any = None) -> Workflow:
    return Workflow.model_validate(
        {"id": "hook", "name": "Hook", "trigger": trigger or SYNC, "nodes": nodes, "edges": edges}
    )


def _problems(workflow: Workflow) -> list[tuple[str, str | None, str | None]]:
    return [(p.code, p.node, p.field) for p in validate_workflow(workflow, CATALOG)]


def _edge(source: str, target: str, branch: str | None = None) -> dict[str, Any]:
    return {"source": source, "target": target, **({"branch": branch} if branch else {})}


@pytest.mark.parametrize(
    "trigger",
    [
        {"type": "manual"},
        {"type": "webhook", "path": "orders"},
        {"type": "schedule", "expression": "rate(5 minutes)"},
    ],
)
def test_only_a_synchronous_webhook_can_be_answered(trigger: dict[str, Any]) -> None:
    workflow = _workflow([_respond("ack", status=202), _set("after")], [_edge("ack", "after")], trigger)

    assert _problems(workflow) == [("respond_needs_sync_webhook", "ack", "type")]


def test_answering_twice_on_one_path_is_refused_on_the_later_node() -> None:
    workflow = _workflow(
        [_respond("first"), _set("middle"), _respond("second")],
        [_edge("first", "middle"), _edge("middle", "second")],
    )

    assert _problems(workflow) == [("respond_more_than_once", "second", "type")]


def test_each_branch_of_an_if_may_answer_once() -> None:
    workflow = _workflow(
        [
            {"id": "big", "type": "logic.if", "params": {"condition": "{{ $trigger.total > 100 }}"}},
            _respond("yes", status=202),
            _respond("no", status=200),
        ],
        [_edge("big", "yes", "true"), _edge("big", "no", "false")],
    )

    assert _problems(workflow) == []


def test_parallel_branches_cannot_both_answer() -> None:
    workflow = _workflow(
        [
            _set("start"),
            _respond("left"),
            _respond("right"),
            {"id": "meet", "type": "logic.merge", "params": {}},
        ],
        [_edge("start", "left"), _edge("start", "right"), _edge("left", "meet"), _edge("right", "meet")],
    )

    assert _problems(workflow) == [("respond_more_than_once", "right", "type")]


def test_a_loop_body_cannot_answer() -> None:
    workflow = _workflow(
        [{"id": "each", "type": "logic.loop", "params": {"items": "{{ $trigger.items }}"}}, _respond("ack")],
        [_edge("each", "ack", "each"), _edge("ack", "each")],
    )

    assert ("respond_more_than_once", "ack", "type") in _problems(workflow)


def test_it_compiles_to_a_put_item_of_the_response_keyed_by_the_execution() -> None:
    workflow = _workflow(
        [
            _respond("ack", status=202, headers={"X-Id": "{{ $trigger.id }}"}, body={"ok": True}),
            _set("after"),
        ],
        [_edge("ack", "after")],
    )
    target = CompileTarget(resource_prefix="wfaib-prod", table_name="wfaib-prod-platform", tenant_id="acme")

    state = compile_workflow(workflow, CATALOG, target).definition["States"]["ack"]

    assert state["Resource"] == "arn:aws:states:::dynamodb:putItem"
    arguments = state["Arguments"]
    assert arguments["TableName"] == "wfaib-prod-platform"
    item = arguments["Item"]
    assert item["pk"] == {"S": '{% "WEBHOOK#RESPONSE#" & $states.context.Execution.Name %}'}
    assert item["sk"] == {"S": "RESPONSE"}
    assert item["tenant"] == {"S": "acme"}
    assert "$string(" in item["response"]["S"] and '"statusCode": 202' in item["response"]["S"]
    assert state["Output"] == "{% $states.input %}"  # the run goes on with what it had
    assert state["Retry"][0]["ErrorEquals"] == ["States.TaskFailed"]
    assert set(item) == {"pk", "sk", "response", "expires_at", "tenant"}


def test_an_invalid_status_is_named_by_node_and_field() -> None:
    workflow = _workflow([_respond("ack", status=700)], [])

    assert _problems(workflow) == [("invalid_param", "ack", "params.status")]
