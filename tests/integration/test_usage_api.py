"""Token usage per tenant over HTTP: runs with an LLM step add up in ``GET /usage``, tenant by tenant."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from integration.helpers import Api, PlatformHandle, assert_envelope, unique

# The provider fakes live with the connector tests (``tests/connectors/fakes``), importable as ``fakes``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from fakes.openai_compat import API_KEY, CHAT_MODEL, FakeLLM


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def _llm_workflow(api: Api, llm: FakeLLM) -> str:
    credential_id = unique("llm")
    created = api.post(
        "/credentials",
        json={
            "id": credential_id,
            "name": "Fake LLM",
            "connector": "llm",
            "value": {"token": API_KEY, "base_url": f"{llm.url}/v1"},
        },
    )
    assert created.status_code == 201, created.text
    workflow_id = unique("ask")
    api.create(
        {
            "id": workflow_id,
            "name": "Ask",
            "trigger": {"type": "manual"},
            "nodes": [
                {
                    "id": "ask",
                    "type": "llm.chat",
                    "params": {"model": CHAT_MODEL, "prompt": "{{ $trigger.question }}"},
                    "credential": credential_id,
                }
            ],
            "edges": [],
        }
    )
    api.publish(workflow_id)
    return workflow_id


def _run(api: Api, workflow_id: str, question: str) -> dict[str, Any]:
    run = api.wait_finished(api.start(workflow_id, {"question": question})["id"])
    assert run["status"] == "SUCCEEDED", run
    usage = run["output"]["usage"]
    assert run["usage"] == {
        "tokens_in": usage["prompt_tokens"],
        "tokens_out": usage["completion_tokens"],
        "total_tokens": usage["total_tokens"],
        "calls": 1,
    }
    return dict(run["output"])


def test_each_tenant_sees_the_tokens_of_its_own_runs(handle: PlatformHandle, llm: FakeLLM) -> None:
    first, second = handle.client(unique("usage")), handle.client(unique("usage"))
    first_flow, second_flow = _llm_workflow(first, llm), _llm_workflow(second, llm)

    outputs = [_run(first, first_flow, "one two three"), _run(first, first_flow, "four five")]
    other = _run(second, second_flow, "six")

    month = datetime.now(UTC).strftime("%Y-%m")
    usage = first.get("/usage")
    assert usage.status_code == 200, usage.text
    body = usage.json()
    assert body["period"] == month
    tokens_in = sum(out["usage"]["prompt_tokens"] for out in outputs)
    tokens_out = sum(out["usage"]["completion_tokens"] for out in outputs)
    assert body["totals"] == {
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "total_tokens": tokens_in + tokens_out,
        "calls": 2,
    }
    assert [(m["provider"], m["model"], m["calls"]) for m in body["models"]] == [
        ("127.0.0.1", outputs[0]["model"], 2)
    ]
    assert sum(day["calls"] for day in body["days"]) == 2
    assert all(day["day"].startswith(f"{month}-") for day in body["days"])

    theirs = second.get("/usage", params={"period": month}).json()
    assert theirs["totals"]["calls"] == 1
    assert theirs["totals"]["tokens_in"] == other["usage"]["prompt_tokens"]


def test_a_month_without_calls_is_all_zero(handle: PlatformHandle) -> None:
    body = handle.client(unique("usage")).get("/usage", params={"period": "2001-01"}).json()
    assert body == {
        "period": "2001-01",
        "totals": {"tokens_in": 0, "tokens_out": 0, "total_tokens": 0, "calls": 0},
        "models": [],
        "days": [],
    }


def test_usage_needs_audit_read_and_a_valid_month(handle: PlatformHandle) -> None:
    tenant = unique("usage")
    assert_envelope(handle.client(tenant, role="member").get("/usage"), 403)
    assert handle.client(tenant, role="admin").get("/usage").status_code == 200
    assert handle.client(tenant).get("/usage", params={"period": "2026-13"}).status_code == 422
