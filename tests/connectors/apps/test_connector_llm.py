"""LLM connector (OpenAI-compatible) against a fake chat/embeddings server with scripted replies."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fakes.openai_compat import API_KEY, CHAT_MODEL, EMBEDDING_MODEL, FakeLLM

from connectors.llm import connector
from connectors.sdk import (
    AuthError,
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "required": ["name", "age"],
    "additionalProperties": False,
}


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture
def tester(llm: FakeLLM) -> ConnectorTester:
    # The provider is picked by the credential's base_url, exactly as a user configures it.
    return ConnectorTester(connector, credential={"token": API_KEY, "base_url": f"{llm.url}/v1"})


def _emf_lines(out: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line]


def test_chat_sends_system_and_user_messages_and_records_usage(
    llm: FakeLLM,
    tester: ConnectorTester,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = tester.run(
        "chat",
        {
            "model": CHAT_MODEL,
            "system": "You are terse.",
            "prompt": "Summarise the ticket",
            "temperature": 0.2,
            "max_tokens": 50,
        },
        execution_id="exec-9",
        node_id="summarise",
    )
    assert out["content"] == "You said: Summarise the ticket"
    assert out["model"] == f"{CHAT_MODEL}-2024-07-18" and out["finish_reason"] == "stop"
    assert out["usage"] == {"prompt_tokens": 6, "completion_tokens": 5, "total_tokens": 11}
    sent = llm.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.json() == {
        "model": CHAT_MODEL,
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Summarise the ticket"},
        ],
        "temperature": 0.2,
        "max_tokens": 50,
    }
    captured = capsys.readouterr().out
    [emf] = _emf_lines(captured)
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "WFAIB"
    assert (emf["action"], emf["model"]) == ("llm.chat", f"{CHAT_MODEL}-2024-07-18")
    assert (emf["PromptTokens"], emf["CompletionTokens"], emf["TotalTokens"]) == ([6.0], [5.0], [11.0])
    assert emf["execution_id"] == "exec-9" and emf["node_id"] == "summarise"
    [record] = [r for r in caplog.records if r.getMessage() == "llm usage"]
    assert record.__dict__["usage"] == {"prompt": 6, "completion": 5, "total": 11}
    assert record.__dict__["model"] == f"{CHAT_MODEL}-2024-07-18"


def test_chat_with_history_and_max_completion_tokens(llm: FakeLLM, tester: ConnectorTester) -> None:
    history = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
        {"role": "user", "content": "Count to three"},
    ]
    out = tester.run(
        "chat",
        {
            "model": "o3-mini",
            "messages": history,
            "max_tokens": 99,
            "max_tokens_param": "max_completion_tokens",
        },
    )
    assert out["content"] == "You said: Count to three"
    body = llm.requests[-1].json()
    assert body["messages"] == history
    assert body["max_completion_tokens"] == 99 and "max_tokens" not in body


def test_tool_calls_pass_through(llm: FakeLLM, tester: ConnectorTester) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
    }
    llm.reply(None, tool_calls=[call], finish_reason="tool_calls")
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    out = tester.run(
        "chat", {"model": CHAT_MODEL, "prompt": "Weather in Oslo?", "tools": [tool], "tool_choice": "auto"}
    )
    assert out["content"] is None and out["finish_reason"] == "tool_calls"
    assert out["tool_calls"] == [call]
    sent = llm.requests[-1].json()
    assert sent["tools"] == [tool] and sent["tool_choice"] == "auto"
    answered = [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 3}'},
    ]
    llm.reply("It is 3 degrees in Oslo.")
    assert (
        tester.run("chat", {"model": CHAT_MODEL, "messages": answered})["content"]
        == "It is 3 degrees in Oslo."
    )


def test_structured_output_sends_the_json_schema_and_validates_the_reply(
    llm: FakeLLM, tester: ConnectorTester, capsys: pytest.CaptureFixture[str]
) -> None:
    llm.reply('{"name": "Ada", "age": 36}')
    out = tester.run(
        "structured_output",
        {"model": CHAT_MODEL, "prompt": "Ada Lovelace, 36", "json_schema": PERSON, "schema_name": "person"},
    )
    assert out["data"] == {"name": "Ada", "age": 36} and out["attempts"] == 1
    assert (
        out["usage"]["total_tokens"] == out["usage"]["prompt_tokens"] + out["usage"]["completion_tokens"] > 0
    )
    assert llm.requests[-1].json()["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "person", "schema": PERSON, "strict": True},
    }
    [emf] = _emf_lines(capsys.readouterr().out)
    assert emf["action"] == "llm.structured_output" and emf["TotalTokens"] == [
        float(out["usage"]["total_tokens"])
    ]


def test_malformed_json_reply_is_a_clear_error(llm: FakeLLM, tester: ConnectorTester) -> None:
    llm.reply('{"name": "Ada", "age": ')
    with pytest.raises(ConnectorError, match=r"not valid JSON: Expecting value at line 1 column 24"):
        tester.run("structured_output", {"model": CHAT_MODEL, "prompt": "Ada", "json_schema": PERSON})
    llm.reply('{"name": "Ada", "a', finish_reason="length")
    with pytest.raises(ConnectorError, match=r"cut off at max_tokens"):
        tester.run(
            "structured_output",
            {"model": CHAT_MODEL, "prompt": "Ada", "json_schema": PERSON, "max_tokens": 5},
        )


def test_a_reply_that_breaks_the_schema_names_the_field(llm: FakeLLM, tester: ConnectorTester) -> None:
    llm.reply('{"name": "Ada", "age": "thirty-six"}')
    with pytest.raises(
        ConnectorError, match=r"does not conform to the schema after 1 attempt\(s\): data.age must be integer"
    ) as caught:
        tester.run("structured_output", {"model": CHAT_MODEL, "prompt": "Ada", "json_schema": PERSON})
    assert type(caught.value) is ConnectorError  # permanent: the node's Catch sees it
    assert "thirty-six" not in str(caught.value)  # the reply's data is not echoed into the run's error


def test_repair_attempt_re_asks_with_the_problem(llm: FakeLLM, tester: ConnectorTester) -> None:
    llm.reply('{"name": "Ada"}')
    llm.reply('{"name": "Ada", "age": 36}')
    out = tester.run(
        "structured_output",
        {"model": CHAT_MODEL, "prompt": "Ada, 36", "json_schema": PERSON, "repair_attempts": 1},
    )
    assert out["data"] == {"name": "Ada", "age": 36} and out["attempts"] == 2
    first, second = (r.json() for r in llm.requests)
    assert second["messages"][: len(first["messages"])] == first["messages"]
    assert second["messages"][-2] == {"role": "assistant", "content": '{"name": "Ada"}'}
    assert "That reply is invalid: data must contain ['age'] properties" in second["messages"][-1]["content"]
    prompt_tokens = sum(len(str(m["content"]).split()) for b in (first, second) for m in b["messages"])
    assert out["usage"]["prompt_tokens"] == prompt_tokens  # summed over both calls


@pytest.mark.parametrize(
    ("mode", "response_format"), [("json_object", {"type": "json_object"}), ("prompt", None)]
)
def test_modes_for_servers_without_json_schema(
    llm: FakeLLM, tester: ConnectorTester, mode: str, response_format: dict[str, str] | None
) -> None:
    llm.reply('{"name": "Bo", "age": 7}')
    out = tester.run(
        "structured_output",
        {
            "model": "claude-sonnet-4-5",
            "system": "Extract.",
            "prompt": "Bo is 7",
            "json_schema": PERSON,
            "mode": mode,
        },
    )
    assert out["data"] == {"name": "Bo", "age": 7}
    sent = llm.requests[-1].json()
    assert sent.get("response_format") == response_format
    system = sent["messages"][0]
    assert system["role"] == "system" and system["content"].startswith(
        "Extract.\n\nReply with one JSON object"
    )
    assert json.dumps(PERSON, sort_keys=True) in system["content"]


def test_a_refusal_is_a_clear_error(llm: FakeLLM, tester: ConnectorTester) -> None:
    llm.reply(None, refusal="I can't help with that.")
    with pytest.raises(ConnectorError, match=r"the model refused: I can't help with that\."):
        tester.run("structured_output", {"model": CHAT_MODEL, "prompt": "x", "json_schema": PERSON})


def test_embeddings_come_back_in_input_order(llm: FakeLLM, tester: ConnectorTester) -> None:
    out = tester.run(
        "embeddings", {"model": EMBEDDING_MODEL, "input": ["alpha", "beta gamma"], "dimensions": 4}
    )
    expected = [
        [round(hashlib.sha256(t.encode()).digest()[i] / 255, 6) for i in range(4)]
        for t in ("alpha", "beta gamma")
    ]
    assert out["embeddings"] == expected
    assert out["usage"] == {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}
    assert llm.requests[-1].path == "/v1/embeddings"
    assert llm.requests[-1].json() == {
        "model": EMBEDDING_MODEL,
        "input": ["alpha", "beta gamma"],
        "dimensions": 4,
        "encoding_format": "float",
    }
    single = tester.run("embeddings", {"model": EMBEDDING_MODEL, "input": "alpha"})
    assert len(single["embeddings"]) == 1 and len(single["embeddings"][0]) == 8


def test_wrong_key_is_an_auth_error_without_the_key(llm: FakeLLM, logs_without: Callable[..., None]) -> None:
    wrong = ConnectorTester(
        connector, credential={"token": "sk-wrong-key-0000000000", "base_url": f"{llm.url}/v1"}
    )
    with pytest.raises(AuthError, match="Incorrect API key provided") as caught:
        wrong.run("chat", {"model": CHAT_MODEL, "prompt": "hi"})
    assert "sk-wrong-key-0000000000" not in str(caught.value)
    logs_without("sk-wrong-key-0000000000")


def test_unknown_model_and_provider_side_validation(tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="The model `gpt-9` does not exist"):
        tester.run("chat", {"model": "gpt-9", "prompt": "hi"})
    with pytest.raises(InvalidInputError, match=r"messages\[0\]\.tool_call_id"):
        tester.run("chat", {"model": CHAT_MODEL, "messages": [{"role": "tool", "content": "{}"}]})


def test_rate_limit_is_retried_after_retry_after(llm: FakeLLM, tester: ConnectorTester) -> None:
    body = {
        "error": {
            "message": "Rate limit reached for gpt-4o-mini on requests per min (RPM)",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    }
    llm.fail_next(429, body, headers={"Retry-After": "1"})
    assert tester.run("chat", {"model": CHAT_MODEL, "prompt": "hi"})["content"] == "You said: hi"
    assert tester.sleeps == [1.0] and len(llm.requests) == 2
    llm.fail_next(429, body, headers={"Retry-After": "1"}, times=3)
    with pytest.raises(RateLimitedError, match="Rate limit reached"):
        tester.run("embeddings", {"model": EMBEDDING_MODEL, "input": "x"})


def test_exhausted_quota_is_permanent(llm: FakeLLM, tester: ConnectorTester) -> None:
    quota = {
        "error": {
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        }
    }
    llm.fail_next(429, quota, times=3)
    with pytest.raises(ConnectorError, match="quota is exhausted") as caught:
        tester.run("chat", {"model": CHAT_MODEL, "prompt": "hi"})
    assert type(caught.value) is ConnectorError


def test_server_error_is_retryable_and_not_replayed_in_the_function(
    llm: FakeLLM, tester: ConnectorTester
) -> None:
    llm.fail_next(
        500,
        {
            "error": {
                "message": "The server had an error while processing your request. Sorry about that!",
                "type": "server_error",
                "param": None,
                "code": None,
            }
        },
    )
    with pytest.raises(UpstreamUnavailableError, match="The server had an error"):
        tester.run("chat", {"model": CHAT_MODEL, "prompt": "hi"})
    assert len(llm.requests) == 1


@pytest.mark.parametrize(
    ("action", "params", "field"),
    [
        ("chat", {"model": CHAT_MODEL}, "give a `prompt` or `messages`"),
        ("chat", {"model": CHAT_MODEL, "prompt": "x", "temperature": 3}, r"params\.temperature"),
        (
            "chat",
            {"model": CHAT_MODEL, "messages": [{"role": "robot", "content": "x"}]},
            r"params\.messages\.0\.role",
        ),
        (
            "structured_output",
            {"model": CHAT_MODEL, "prompt": "x", "json_schema": {"type": "array"}},
            "root must be",
        ),
        (
            "structured_output",
            {
                "model": CHAT_MODEL,
                "prompt": "x",
                "json_schema": {"type": "object", "properties": {"a": {"type": 7}}},
            },
            "not a valid JSON Schema",
        ),
        (
            "structured_output",
            {"model": CHAT_MODEL, "prompt": "x", "json_schema": PERSON, "schema_name": "a b"},
            r"params\.schema_name",
        ),
        ("embeddings", {"model": EMBEDDING_MODEL, "input": []}, r"params\.input"),
    ],
)
def test_invalid_input_is_refused_before_calling_the_model(
    llm: FakeLLM, tester: ConnectorTester, action: str, params: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError, match=field):
        tester.run(action, params)
    assert llm.requests == []
