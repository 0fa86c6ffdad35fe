"""``ai.llm``: a built-in node that compiles to the llm connector's chat or structured-output Task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from state_machines.compiler import CompileTarget, compile_workflow
from state_machines.model import NodeCatalog, Workflow, validate_workflow
from state_machines.model.node_types import AI_LLM_CALLS

REPO_ROOT = Path(__file__).resolve().parents[2]
CONNECTORS = json.loads((REPO_ROOT / "connectors" / "catalog.json").read_text())
CATALOG = NodeCatalog.with_connectors(CONNECTORS)
PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}


def _workflow(params: dict[str, Any], **node: Any) -> Workflow:
    return Workflow.model_validate(
        {
            "id": "ask",
            "name": "Ask",
            "trigger": {"type": "manual"},
            "nodes": [{"id": "ask", "type": "ai.llm", "params": params, **node}],
        }
    )


def _action_inputs() -> dict[str, dict[str, Any]]:
    connector = next(c for c in CONNECTORS if c["id"] == "llm")
    return {(a["id"]): a["input_schema"] for a in connector["actions"]}


def _payload(params: dict[str, Any], **node: Any) -> dict[str, Any]:
    compiled = compile_workflow(_workflow(params, **node), CATALOG, CompileTarget(tenant_id="acme"))
    return dict(compiled.definition["States"]["ask"]["Arguments"]["Payload"])


def test_every_param_of_ai_llm_is_a_param_of_the_action_it_calls() -> None:
    inputs = _action_inputs()
    node_type = CATALOG.get("ai.llm", 1)
    assert node_type is not None
    for call in AI_LLM_CALLS:
        properties = inputs[call.action]["properties"]
        assert set(call.params) <= set(properties), call.action
        for name in call.params:
            ours, theirs = node_type.input_schema["properties"][name], properties[name]
            if "$ref" not in json.dumps(theirs) and name != "json_schema":
                assert ours.get("type") == theirs.get("type"), name
                assert ours.get("anyOf") == theirs.get("anyOf"), name
                assert ours.get("enum") == theirs.get("enum"), name
    # ...and every param the node accepts is sent to one of them (nothing is silently dropped).
    assert set(node_type.input_schema["properties"]) == set().union(*(c.params for c in AI_LLM_CALLS))


def test_a_plain_prompt_compiles_to_llm_chat_with_only_the_chat_params() -> None:
    payload = _payload({"model": "gpt-4o-mini", "prompt": "hi"}, credential="openai")

    assert (payload["action"], payload["version"]) == ("llm.chat", 1)
    assert payload["params"] == {"model": "gpt-4o-mini", "prompt": "hi"}
    assert payload["credential"] == "wfaib/local/credentials/openai"
    assert payload["tenant_id"] == "acme"


def test_a_json_schema_compiles_to_structured_output_with_the_same_retry_and_key() -> None:
    params = {"model": "gpt-4o-mini", "prompt": "who?", "json_schema": PERSON, "repair_attempts": 2}
    workflow = _workflow(params, retry={"max_attempts": 5, "interval_seconds": 3})
    state = compile_workflow(workflow, CATALOG).definition["States"]["ask"]

    assert state["Resource"] == "arn:aws:states:::lambda:invoke"
    assert state["Arguments"]["FunctionName"].endswith(":function:wfaib-local-connector-llm")
    payload = state["Arguments"]["Payload"]
    assert (payload["action"], payload["params"]) == ("llm.structured_output", params)
    assert payload["idempotency_key"] == '{% $states.context.Execution.Id & "/ask" %}'
    retried = {error: rule["MaxAttempts"] for rule in state["Retry"] for error in rule["ErrorEquals"]}
    assert retried["RateLimitedError"] == 5 and retried["PausedError"] == 20


def test_ai_llm_and_llm_chat_compile_to_the_same_task() -> None:
    as_alias = compile_workflow(_workflow({"model": "m", "prompt": "p"}), CATALOG).definition
    direct = Workflow.model_validate(
        {
            "id": "ask",
            "name": "Ask",
            "trigger": {"type": "manual"},
            "nodes": [{"id": "ask", "type": "llm.chat", "params": {"model": "m", "prompt": "p"}}],
        }
    )
    assert as_alias == compile_workflow(direct, CATALOG).definition


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"prompt": "hi"}, "missing_param", "params.model"),
        ({"model": "m"}, "missing_param", "params.prompt"),
        ({"model": "m", "prompt": "p", "mode": "prompt"}, "invalid_param", "params.mode"),
        (
            {"model": "m", "prompt": "p", "json_schema": {"type": "array"}},
            "invalid_param",
            "params.json_schema.type",
        ),
        ({"model": "m", "prompt": "p", "temperature": 3}, "invalid_param", "params.temperature"),
        ({"model": "m", "prompt": "p", "tools": []}, "unknown_param", "params"),
    ],
)
def test_invalid_params_are_named_by_node_and_field(params: dict[str, Any], code: str, field: str) -> None:
    problems = validate_workflow(_workflow(params), CATALOG)

    assert [(p.code, p.node, p.field) for p in problems] == [(code, "ask", field)]


def test_structured_options_without_a_schema_say_why() -> None:
    problems = validate_workflow(_workflow({"model": "m", "prompt": "p", "repair_attempts": 1}), CATALOG)

    assert [p.message for p in problems] == ["'repair_attempts' applies only with a 'json_schema'."]


def test_messages_alone_are_enough_to_say_something() -> None:
    params = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    assert validate_workflow(_workflow(params), CATALOG) == []
    assert validate_workflow(_workflow(params), NodeCatalog.builtin()) == []
