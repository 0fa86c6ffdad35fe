"""Token usage per tenant: every LLM call adds its tokens to one counter per tenant, day and model."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from fakes.dynamo import PlatformTable
from fakes.openai_compat import API_KEY, CHAT_MODEL, FakeLLM

from connectors.llm import connector
from connectors.sdk.testing import ConnectorTester
from connectors.sdk.usage import TOKENS_PREFIX, UsageMeter, provider_of, tokens_key
from functions.api.routes.usage import TOKENS_PREFIX as API_TOKENS_PREFIX
from functions.shared.models import UsageItem

DAY = datetime(2026, 11, 22, 23, 59, tzinfo=UTC)


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def _tester(llm: FakeLLM, table: PlatformTable) -> ConnectorTester:
    tester = ConnectorTester(connector, credential={"token": API_KEY, "base_url": f"{llm.url}/v1"})
    tester.services.usage = UsageMeter(table.name, client_factory=lambda: table.client, clock=DAY.timestamp)
    return tester


def _counter(table: PlatformTable, tenant: str, model: str) -> UsageItem:
    key = tokens_key(tenant, "2026-11-22", "127.0.0.1", model)
    item = table.client.get_item(TableName=table.name, Key={k: {"S": v} for k, v in key.items()})["Item"]
    # Read back through the control plane's model: the two sides agree on the attributes.
    return UsageItem.from_raw_data(item)


def test_each_call_adds_its_tokens_to_the_tenants_counter_for_the_day(
    llm: FakeLLM, platform_table: PlatformTable
) -> None:
    tester = _tester(llm, platform_table)

    first = tester.run("chat", {"model": CHAT_MODEL, "prompt": "one two three"}, tenant_id="acme")
    llm.reply('{"name": "Ada"}')
    second = tester.run(
        "structured_output",
        {"model": CHAT_MODEL, "prompt": "name", "json_schema": {"type": "object"}, "mode": "prompt"},
        tenant_id="acme",
    )
    other = tester.run("chat", {"model": CHAT_MODEL, "prompt": "four"}, tenant_id="globex")

    model = first["model"]  # the server names the exact model it ran, e.g. a dated snapshot
    assert second["model"] == other["model"] == model
    acme = _counter(platform_table, "acme", model)
    expected_in = first["usage"]["prompt_tokens"] + second["usage"]["prompt_tokens"]
    expected_out = first["usage"]["completion_tokens"] + second["usage"]["completion_tokens"]
    assert (acme.tokens_in, acme.tokens_out, acme.calls) == (expected_in, expected_out, 2)
    assert (acme.provider, acme.model, acme.day) == ("127.0.0.1", model, "2026-11-22")
    globex = _counter(platform_table, "globex", model)
    assert (globex.tokens_in, globex.tokens_out, globex.calls) == (
        other["usage"]["prompt_tokens"],
        other["usage"]["completion_tokens"],
        1,
    )


def test_every_call_adds_with_one_atomic_update_so_concurrent_calls_lose_no_count(
    llm: FakeLLM, platform_table: PlatformTable
) -> None:
    # DynamoDB applies each ADD atomically, so concurrent calls never lose a count as long as every
    # call adds its own counts in one UpdateItem (no read-modify-write). The emulated table does not
    # serialise concurrent updates of one item, so the sum is checked on calls made one at a time,
    # and the calls made at once are checked for what each sent.
    tester = _tester(llm, platform_table)
    sent: list[dict[str, Any]] = []
    client = tester.services.usage.client
    real_update = client.update_item

    def recording_update(**kwargs: Any) -> Any:
        sent.append(kwargs)
        return real_update(**kwargs)

    client.update_item = recording_update

    def call(_: int) -> Any:
        return tester.run("chat", {"model": CHAT_MODEL, "prompt": "a b c d"}, tenant_id="acme")

    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(call, range(12)))
    assert len(sent) == 12
    assert all(update["UpdateExpression"].startswith("ADD ") for update in sent)
    assert sorted(u["ExpressionAttributeValues"][":i"]["N"] for u in sent) == sorted(
        str(out["usage"]["prompt_tokens"]) for out in concurrent
    )

    tenant = "sequential"
    outputs = [
        tester.run("chat", {"model": CHAT_MODEL, "prompt": "a b c d"}, tenant_id=tenant) for _ in range(6)
    ]
    counter = _counter(platform_table, tenant, outputs[0]["model"])
    assert counter.calls == 6
    assert counter.tokens_in == sum(out["usage"]["prompt_tokens"] for out in outputs)


def test_a_failed_usage_write_does_not_fail_the_paid_call(
    llm: FakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def update_item(self, **kwargs: Any) -> Any:
            raise ConnectionError("table unreachable")

    tester = ConnectorTester(connector, credential={"token": API_KEY, "base_url": f"{llm.url}/v1"})
    tester.services.usage = UsageMeter("platform", client_factory=Broken)

    with caplog.at_level(logging.WARNING):
        out = tester.run("chat", {"model": CHAT_MODEL, "prompt": "hello"}, tenant_id="acme")

    assert out["content"] == "You said: hello"
    assert any(record.getMessage() == "could not record token usage" for record in caplog.records)


def test_without_a_tenant_or_a_table_nothing_is_written() -> None:
    class Refuses:
        def update_item(self, **kwargs: Any) -> Any:
            raise AssertionError("must not be called")

    assert (
        UsageMeter("platform", client_factory=Refuses).add(
            "", provider="openai", model="m", tokens_in=1, tokens_out=1
        )
        is False
    )
    assert UsageMeter(None).add("acme", provider="openai", model="m", tokens_in=1, tokens_out=1) is False


def test_the_provider_is_named_by_the_base_url() -> None:
    assert provider_of("https://api.openai.com/v1") == "openai"
    assert provider_of("https://api.anthropic.com/v1/") == "anthropic"
    assert provider_of("https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1") == "bedrock"
    assert provider_of("http://localhost:11434/v1") == "localhost"


def test_the_api_reads_the_prefix_the_connectors_write() -> None:
    assert API_TOKENS_PREFIX == TOKENS_PREFIX
