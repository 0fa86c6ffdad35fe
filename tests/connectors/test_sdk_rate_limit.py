"""``rate_limit`` flags before connector calls: a counter per scope, target and minute in moto."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes.dynamo import PlatformTable

from connectors.sdk import (
    ActionContext,
    ActionInput,
    ActionOutput,
    BlockedError,
    Connector,
    NoAuth,
    RateLimitedError,
)
from connectors.sdk.context import Services
from connectors.sdk.control_flags import GLOBAL_TENANT, ControlFlags, rate_limit_key
from connectors.sdk.runtime import ConnectorRuntime
from functions.shared import keys
from functions.shared.models import ControlItem

MINUTE_START = datetime(2026, 11, 22, 12, 0, tzinfo=UTC).timestamp()


class PingInput(ActionInput):
    text: str


class PingOutput(ActionOutput):
    text: str


def _demo() -> Connector:
    demo = Connector("limited", "Limited", version="1.0.0", auth=NoAuth(), base_url="https://limited.test")

    @demo.action("ping", version=1)
    def ping(params: PingInput, ctx: ActionContext) -> PingOutput:
        return PingOutput.model_validate(ctx.http.post("/ping", json=params.model_dump()).json())

    return demo


class Clock:
    def __init__(self) -> None:
        self.now = MINUTE_START + 10

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    runtime: ConnectorRuntime
    table: PlatformTable
    clock: Clock
    calls: list[httpx.Request]

    def put_flag(self, tenant: str, scope: str, target: str, action: str, limit: int | None = None) -> None:
        """Written as the control plane writes it (its pynamodb model, serialised)."""
        item = ControlItem(
            keys.tenant_pk(tenant),
            keys.flag_sk(scope, target),
            action=action,
            reason="protect the provider",
            set_by="ops@example.com",
            set_at=datetime.fromtimestamp(MINUTE_START, UTC),
            limit_per_minute=limit,
        )
        self.table.client.put_item(TableName=self.table.name, Item=item.serialize())

    def run(self, tenant: str = "acme") -> Any:
        return self.runtime.handle(
            {
                "action": "limited.ping",
                "version": 1,
                "params": {"text": "hi"},
                "idempotency_key": "e/n",
                "tenant_id": tenant,
            }
        )

    def used(self, tenant: str, scope: str, target: str) -> int:
        key = rate_limit_key(tenant, scope, target, int(self.clock.now // 60))
        item = self.table.client.get_item(
            TableName=self.table.name, Key={k: {"S": v} for k, v in key.items()}
        ).get("Item")
        return int(item["used"]["N"]) if item else 0


@pytest.fixture
def harness(platform_table: PlatformTable) -> Harness:
    clock = Clock()
    calls: list[httpx.Request] = []

    def provider(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"text": "pong"})

    flags = ControlFlags(
        platform_table.name, max_age=0, client_factory=lambda: platform_table.client, clock=clock
    )
    services = Services(control_flags=flags, transport=httpx.MockTransport(provider), clock=clock)
    runtime = ConnectorRuntime(_demo(), services=services, metrics=False)
    return Harness(runtime, platform_table, clock, calls)


def test_calls_over_the_limit_are_rate_limited_until_the_next_minute(harness: Harness) -> None:
    harness.put_flag("acme", "connector", "limited", "rate_limit", limit=2)

    assert harness.run() == harness.run() == {"text": "pong"}
    with pytest.raises(RateLimitedError) as refused:
        harness.run()

    assert "connector 'limited' is limited to 2 calls per minute" in refused.value.message
    assert "protect the provider" in refused.value.message
    assert refused.value.retry_after == 50.0  # ten seconds into the minute
    assert len(harness.calls) == 2
    assert harness.used("acme", "connector", "limited") == 2
    harness.clock.now += 60
    assert harness.run() == {"text": "pong"}
    assert len(harness.calls) == 3


def test_the_limit_holds_under_concurrent_calls(harness: Harness) -> None:
    harness.put_flag("acme", "tenant", "*", "rate_limit", limit=5)

    def call(_: int) -> str:
        try:
            harness.run()
        except RateLimitedError:
            return "limited"
        return "ok"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(call, range(12)))

    assert outcomes.count("ok") == 5 and outcomes.count("limited") == 7
    assert len(harness.calls) == 5


def test_a_tenants_limit_is_its_own_and_a_global_limit_is_shared(harness: Harness) -> None:
    harness.put_flag("acme", "connector", "limited", "rate_limit", limit=1)
    harness.run("acme")
    with pytest.raises(RateLimitedError):
        harness.run("acme")
    assert harness.run("globex") == {"text": "pong"}  # another tenant: no flag of its own

    harness.put_flag(GLOBAL_TENANT, "global", "*", "rate_limit", limit=2)
    harness.run("globex")
    harness.run("initech")
    with pytest.raises(RateLimitedError, match="every connector call is limited to 2"):
        harness.run("initech")
    assert harness.used(GLOBAL_TENANT, "global", "*") == 2


def test_a_blocked_call_takes_no_slot(harness: Harness) -> None:
    harness.put_flag("acme", "tenant", "*", "rate_limit", limit=1)
    harness.put_flag("acme", "connector", "limited", "block")

    with pytest.raises(BlockedError):
        harness.run()

    assert harness.used("acme", "tenant", "*") == 0
    assert harness.calls == []


def test_a_rate_limit_without_a_limit_is_not_enforced_and_says_so(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.put_flag("acme", "connector", "limited", "rate_limit")

    with caplog.at_level(logging.WARNING):
        assert harness.run() == harness.run() == {"text": "pong"}

    warnings = [r.getMessage() for r in caplog.records if "is not enforced" in r.getMessage()]
    assert len(warnings) == 1


def test_the_rate_limit_error_is_retried_by_the_compiled_task() -> None:
    from state_machines.model.node_types import DEFAULT_RETRYABLE_ERRORS

    assert "RateLimitedError" in DEFAULT_RETRYABLE_ERRORS


def test_a_limit_of_zero_lets_nothing_through(harness: Harness) -> None:
    harness.put_flag("acme", "connector", "limited", "rate_limit", limit=0)

    with pytest.raises(RateLimitedError, match="limited to 0 calls per minute"):
        harness.run()

    assert harness.calls == []
