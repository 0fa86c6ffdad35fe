"""``ai.llm`` end to end in local mode: compiled by the compiler, run by the local ASL runtime, the
llm connector function answering from a fake OpenAI-compatible server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes.openai_compat import API_KEY, CHAT_MODEL, FakeLLM

from connectors.catalog import CATALOG_PATH
from connectors.sdk.credentials import InMemoryCredentials
from connectors.sdk.local import connector_lambdas
from state_machines.compiler import CompileTarget, compile_workflow
from state_machines.model import NodeCatalog, Workflow
from state_machines.runtime import LocalRuntime, VirtualClock

TARGET = CompileTarget()
WORKFLOW = {
    "id": "triage",
    "name": "Triage a ticket",
    "trigger": {"type": "manual"},
    "nodes": [
        {
            "id": "summary",
            "type": "ai.llm",
            "credential": "openai",
            "params": {"model": CHAT_MODEL, "system": "Be terse.", "prompt": "{{ $trigger.text }}"},
        },
        {
            "id": "label",
            "type": "ai.llm",
            "credential": "openai",
            "params": {
                "model": CHAT_MODEL,
                "prompt": "Priority of: {{ $summary.content }}",
                "json_schema": {
                    "type": "object",
                    "properties": {"priority": {"type": "string", "enum": ["low", "high"]}},
                    "required": ["priority"],
                    "additionalProperties": False,
                },
                "repair_attempts": 1,
            },
        },
        {
            "id": "result",
            "type": "data.transform",
            "params": {
                "output": {"summary": "{{ $summary.content }}", "priority": "{{ $label.data.priority }}"}
            },
        },
    ],
    "edges": [{"source": "summary", "target": "label"}, {"source": "label", "target": "result"}],
}


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def _run(llm: FakeLLM, text: str) -> Any:
    catalog = NodeCatalog.with_connectors(json.loads(CATALOG_PATH.read_text()))
    compiled = compile_workflow(Workflow.model_validate(WORKFLOW), catalog, TARGET)
    credentials = InMemoryCredentials(
        {TARGET.credential_secret_id("openai"): {"token": API_KEY, "base_url": f"{llm.url}/v1"}}
    )
    handlers = connector_lambdas(TARGET.resource_prefix, env={}, credentials=credentials)
    with LocalRuntime(lambda_handlers=handlers, clock=VirtualClock(auto_advance=True)) as runtime:
        info = runtime.start_execution(
            state_machine_arn=TARGET.state_machine_arn("triage"),
            definition=compiled.asl,
            input=json.dumps({"text": text}),
        )
        return runtime.wait(info.execution_arn, timeout=30)


def test_a_chat_then_a_structured_reply_run_through_the_llm_connector(llm: FakeLLM) -> None:
    llm.reply("Printer on fire")
    llm.reply('{"priority": "urgent"}')  # not in the enum: repaired once
    llm.reply('{"priority": "high"}')

    info = _run(llm, "The printer in room 4 is on fire")

    assert info.status == "SUCCEEDED", (info.error, info.cause)
    assert json.loads(info.output or "null") == {"summary": "Printer on fire", "priority": "high"}
    bodies = [request.json() for request in llm.requests]
    assert [m["content"] for m in bodies[0]["messages"]] == ["Be terse.", "The printer in room 4 is on fire"]
    assert bodies[1]["response_format"]["type"] == "json_schema"
    assert bodies[1]["messages"][-1]["content"] == "Priority of: Printer on fire"
    assert len(bodies) == 3


def test_a_reply_that_never_fits_the_schema_fails_the_run_naming_the_problem(llm: FakeLLM) -> None:
    llm.reply("Printer on fire")
    llm.reply("not json")
    llm.reply('{"priority": 3}')

    info = _run(llm, "The printer is on fire")

    assert info.status == "FAILED"
    assert info.error == "ConnectorError"
    assert "does not conform to the schema after 2 attempt(s)" in str(info.cause)
