"""Kill switches before every connector call: the flags the control plane writes, read from moto."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from connectors.sdk import (
    RETRYABLE_ERRORS,
    ActionContext,
    ActionInput,
    ActionOutput,
    BlockedError,
    Connector,
    NoAuth,
    PausedError,
    PollResult,
    RetryableError,
    UpstreamUnavailableError,
)
from connectors.sdk.context import Services
from connectors.sdk.control_flags import FLAG_PREFIX, GLOBAL_TENANT, ControlFlag, ControlFlags, flag_key
from connectors.sdk.runtime import ConnectorRuntime, RuntimeSettings, make_handler
from functions.shared import keys
from functions.shared.models import TABLE_DEFINITION, ControlItem
from state_machines.runtime import LocalRuntime, VirtualClock

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:flags-local"


class PingInput(ActionInput):
    text: str


class PingOutput(ActionOutput):
    text: str


def _demo() -> Connector:
    demo = Connector(
        "flagdemo", "Flag demo", version="1.0.0", auth=NoAuth(), base_url="https://flagdemo.test"
    )

    @demo.action("ping", version=1)
    def ping(params: PingInput, ctx: ActionContext) -> PingOutput:
        return PingOutput.model_validate(ctx.http.post("/ping", json=params.model_dump()).json())

    @demo.polling_trigger("new_thing", version=1, event=PingOutput)
    def new_thing(config: PingInput, ctx: ActionContext, cursor: str | None) -> PollResult:
        return PollResult(events=[{"text": config.text}], cursor="1")

    return demo


class Clock:
    """Virtual time for the cache and for flag expiry (no sleeping)."""

    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Table:
    name: str
    client: Any
    reads: list[int]

    def put_flag(
        self, tenant: str, scope: str, target: str, action: str = "block", until: datetime | None = None
    ) -> None:
        """Written exactly as the control plane writes it (its pynamodb model, serialised)."""
        item = ControlItem(
            keys.tenant_pk(tenant),
            keys.flag_sk(scope, target),
            action=action,
            reason=f"{scope} incident",
            set_by="ops@example.com",
            set_at=NOW,
            until=until,
        )
        self.client.put_item(TableName=self.name, Item=item.serialize())

    def delete_flag(self, tenant: str, scope: str, target: str) -> None:
        key = {"pk": {"S": keys.tenant_pk(tenant)}, "sk": {"S": keys.flag_sk(scope, target)}}
        self.client.delete_item(TableName=self.name, Key=key)


class CountingClient:
    """The moto DynamoDB client, counting the reads the checker makes."""

    def __init__(self, client: Any, reads: list[int]) -> None:
        self._client = client
        self._reads = reads

    def batch_get_item(self, **kwargs: Any) -> Any:
        self._reads.append(len(next(iter(kwargs["RequestItems"].values()))["Keys"]))
        return self._client.batch_get_item(**kwargs)


@pytest.fixture
def table(aws_env: None) -> Iterator[Table]:
    """A moto server of our own (never mock_aws(): it resets moto for every emulation in the worker)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1")
        name = f"wfaib-{uuid.uuid4().hex[:8]}"
        client.create_table(TableName=name, **TABLE_DEFINITION)
        yield Table(name, client, [])
    finally:
        server.stop()


@dataclass
class Harness:
    runtime: ConnectorRuntime
    clock: Clock
    calls: list[httpx.Request]

    def run(self, tenant: str = "acme", **event: Any) -> Any:
        return self.runtime.handle(
            {
                "action": "flagdemo.ping",
                "version": 1,
                "params": {"text": "hi"},
                "idempotency_key": "e/n",
                "tenant_id": tenant,
                **event,
            }
        )


@pytest.fixture
def harness(table: Table) -> Harness:
    clock = Clock()
    calls: list[httpx.Request] = []

    def provider(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"text": "pong"})

    flags = ControlFlags(
        table.name, max_age=10, client_factory=lambda: CountingClient(table.client, table.reads), clock=clock
    )
    services = Services(control_flags=flags, transport=httpx.MockTransport(provider), clock=clock)
    return Harness(ConnectorRuntime(_demo(), services=services, metrics=False), clock, calls)


def test_flag_layout_is_the_one_the_control_plane_writes() -> None:
    assert FLAG_PREFIX == keys.FLAG_PREFIX
    for tenant, scope, target in [
        ("acme", "tenant", "*"),
        ("acme", "connector", "slack"),
        ("t", "workflow", "w"),
    ]:
        assert flag_key(tenant, scope, target) == {
            "pk": keys.tenant_pk(tenant),
            "sk": keys.flag_sk(scope, target),
        }
    assert flag_key(GLOBAL_TENANT, "global", "*") == {
        "pk": keys.tenant_pk("*"),
        "sk": keys.flag_sk("global", "*"),
    }
    until = NOW + timedelta(minutes=5)
    item = ControlItem("TENANT#acme", "CTRL#FLAG#connector#slack", set_by="me", set_at=NOW, until=until)
    parsed = ControlFlag.from_item("connector", "slack", item.serialize())
    # A flag without an action is a block, as the control plane reads it.
    assert (parsed.action, parsed.set_by, parsed.until) == ("block", "me", until)


def test_no_flag_lets_the_call_through_with_one_read_per_max_age(harness: Harness, table: Table) -> None:
    assert harness.run(workflow_id="orders") == {"text": "pong"}
    assert table.reads == [4]  # global, tenant, workflow and connector keys in one BatchGetItem
    assert harness.run(workflow_id="orders") == {"text": "pong"}
    assert table.reads == [4]  # warm: no read at all
    harness.clock.now += 11
    harness.run(workflow_id="orders")
    assert table.reads == [4, 4]
    assert len(harness.calls) == 3


def test_global_block_refuses_every_tenant_before_the_provider_is_called(
    harness: Harness, table: Table
) -> None:
    table.put_flag(GLOBAL_TENANT, "global", "*")
    for tenant in ("acme", "other", ""):
        with pytest.raises(
            BlockedError, match=r"every connector call is blocked .*: global incident"
        ) as caught:
            harness.run(tenant=tenant)
        assert "ops@example.com" in str(caught.value)
    assert harness.calls == []


def test_tenant_block_refuses_only_that_tenant(harness: Harness, table: Table) -> None:
    table.put_flag("acme", "tenant", "*")
    with pytest.raises(BlockedError, match="tenant 'acme' is blocked"):
        harness.run(tenant="acme")
    assert harness.run(tenant="other") == {"text": "pong"}
    assert len(harness.calls) == 1


def test_connector_block_refuses_this_connector_for_that_tenant(harness: Harness, table: Table) -> None:
    table.put_flag("acme", "connector", "flagdemo")
    table.put_flag("acme", "connector", "slack", action="pause")
    with pytest.raises(
        BlockedError, match="connector 'flagdemo' is blocked by a kill switch: connector incident"
    ):
        harness.run(tenant="acme")
    assert harness.run(tenant="other") == {"text": "pong"}


def test_workflow_block_applies_when_the_payload_names_the_workflow(harness: Harness, table: Table) -> None:
    table.put_flag("acme", "workflow", "orders")
    with pytest.raises(BlockedError, match="workflow 'orders' is blocked"):
        harness.run(workflow_id="orders")
    assert harness.run(workflow_id="invoices") == {"text": "pong"}


def test_expired_flag_is_ignored_and_a_cached_one_lifts_itself_at_until(
    harness: Harness, table: Table
) -> None:
    table.put_flag("acme", "tenant", "*", until=NOW - timedelta(seconds=1))
    assert harness.run() == {"text": "pong"}
    table.put_flag("acme", "connector", "flagdemo", until=NOW + timedelta(seconds=15))
    harness.clock.now += 11  # past max_age: the new flag is read
    with pytest.raises(BlockedError, match="until 2026-11-22T12:00:15"):
        harness.run()
    reads = len(table.reads)
    harness.clock.now += 5  # past until, still within max_age: lifted without a read
    assert harness.run() == {"text": "pong"}
    assert len(table.reads) == reads


def test_pause_is_retryable_and_block_wins(harness: Harness, table: Table) -> None:
    table.put_flag("acme", "tenant", "*", action="pause", until=NOW + timedelta(seconds=90))
    with pytest.raises(PausedError, match="tenant 'acme' is paused") as caught:
        harness.run()
    assert isinstance(caught.value, RetryableError)
    assert caught.value.retry_after == 90
    table.put_flag("acme", "connector", "flagdemo")
    harness.clock.now += 11
    with pytest.raises(BlockedError):
        harness.run()
    table.delete_flag("acme", "connector", "flagdemo")
    table.delete_flag("acme", "tenant", "*")
    harness.clock.now += 11
    assert harness.run() == {"text": "pong"}


def test_polls_are_checked_too(harness: Harness, table: Table) -> None:
    table.put_flag("acme", "connector", "flagdemo")
    event = {"trigger": "flagdemo.new_thing", "version": 1, "params": {"text": "x"}}
    assert harness.runtime.handle({**event, "tenant_id": "other"})["events"] == [{"text": "x"}]
    with pytest.raises(BlockedError):
        harness.runtime.handle({**event, "tenant_id": "acme"})


def test_unknown_action_is_not_enforced_and_logged_once(
    harness: Harness, table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    table.put_flag("acme", "tenant", "*", action="rate_limit")
    harness.runtime.logger = logging.getLogger("flagdemo-test")
    with caplog.at_level(logging.WARNING, logger="flagdemo-test"):
        assert harness.run() == {"text": "pong"}
        harness.run()
    assert [r.getMessage() for r in caplog.records].count(
        "control flag tenant/*: action 'rate_limit' is not enforced by connectors"
    ) == 1


def test_unreadable_flags_fail_the_call_as_retryable(table: Table) -> None:
    flags = ControlFlags("no-such-table", client_factory=lambda: table.client)
    runtime = ConnectorRuntime(_demo(), services=Services(control_flags=flags), metrics=False)
    event = {"action": "flagdemo.ping", "version": 1, "params": {"text": "a"}, "idempotency_key": "e/n"}
    with pytest.raises(UpstreamUnavailableError, match="could not read the control flags"):
        runtime.handle(event)


def test_without_a_table_the_check_is_skipped_and_said_once(caplog: pytest.LogCaptureFixture) -> None:
    services = Services(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"text": "ok"})))
    runtime = ConnectorRuntime(_demo(), services=services, logger=logging.getLogger("noflags"), metrics=False)
    event = {"action": "flagdemo.ping", "version": 1, "params": {"text": "a"}, "idempotency_key": "e/n"}
    with caplog.at_level(logging.INFO, logger="noflags"):
        assert runtime.handle(event) == {"text": "ok"}
        assert runtime.handle(event) == {"text": "ok"}
    notes = [r.getMessage() for r in caplog.records if "control flags" in r.getMessage()]
    assert notes == ["control flags: no table configured (WFAIB_TABLE_NAME), not checked"]


def test_settings_from_the_environment_wire_the_table(table: Table) -> None:
    settings = RuntimeSettings.from_env(
        {"WFAIB_CONNECTOR": "flagdemo", "WFAIB_TABLE_NAME": table.name, "WFAIB_CONTROL_FLAGS_MAX_AGE": "30"}
    )
    made: list[str] = []

    def aws_client(service: str) -> Any:
        made.append(service)
        return table.client

    runtime = ConnectorRuntime.from_settings(
        _demo(), settings, logger=None, metrics_stream=None, aws_client=aws_client
    )
    assert runtime.services.control_flags.max_age == 30
    table.put_flag("acme", "tenant", "*")
    event = {"action": "flagdemo.ping", "version": 1, "params": {"text": "a"}, "idempotency_key": "e/n"}
    with pytest.raises(BlockedError):
        runtime.handle({**event, "tenant_id": "acme"})
    assert made == ["dynamodb"]


def test_local_connector_functions_check_flags_through_the_clients_they_are_given(table: Table) -> None:
    from connectors.sdk.local import connector_lambdas

    made: list[str] = []

    def aws_client(service: str) -> Any:
        made.append(service)
        return table.client

    handlers = connector_lambdas(
        "wfaib-local", env={"WFAIB_TABLE_NAME": table.name}, credentials=None, aws_client=aws_client
    )
    table.put_flag("acme", "connector", "slack")
    event = {
        "action": "slack.post_message",
        "version": 1,
        "params": {"channel": "C1", "text": "hi"},
        "credential": "wfaib/acme/slack",
        "idempotency_key": "e/n",
        "tenant_id": "acme",
    }
    with pytest.raises(BlockedError, match="connector 'slack' is blocked"):
        handlers["wfaib-local-connector-slack"](event, None)
    assert made == ["dynamodb"]


def _retrying_task(function: str) -> dict[str, Any]:
    """A Task shaped like the compiler's connector Task, retrying the SDK's retryable names."""
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "ping",
        "States": {
            "ping": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {
                    "FunctionName": function,
                    "Payload": {
                        "action": "flagdemo.ping",
                        "version": 1,
                        "params": {"text": "hi"},
                        "idempotency_key": "{% $states.context.Execution.Id & '/ping' %}",
                        "execution_id": "{% $states.context.Execution.Id %}",
                        "node_id": "ping",
                        "tenant_id": "acme",
                    },
                },
                "Output": "{% $states.result.Payload %}",
                "Retry": [
                    {
                        "ErrorEquals": list(RETRYABLE_ERRORS),
                        "IntervalSeconds": 60,
                        "BackoffRate": 1.0,
                        "MaxAttempts": 3,
                    }
                ],
                "Catch": [
                    {
                        "ErrorEquals": ["BlockedError"],
                        "Next": "Blocked",
                        "Output": "{% $states.errorOutput %}",
                    }
                ],
                "End": True,
            },
            "Blocked": {"Type": "Pass", "End": True},
        },
    }


def test_a_paused_run_waits_in_retry_and_continues_when_the_pause_expires(table: Table) -> None:
    clock = VirtualClock(NOW, auto_advance=True)
    calls: list[datetime] = []

    def provider(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now())
        return httpx.Response(200, json={"text": "pong"})

    flags = ControlFlags(
        table.name, max_age=10, client_factory=lambda: table.client, clock=lambda: clock.now().timestamp()
    )
    runtime = ConnectorRuntime(
        _demo(),
        services=Services(control_flags=flags, transport=httpx.MockTransport(provider)),
        metrics=False,
    )
    table.put_flag("acme", "tenant", "*", action="pause", until=NOW + timedelta(seconds=90))
    definition = json.dumps(_retrying_task("wfaib-local-connector-flagdemo"))
    with LocalRuntime(
        clock=clock, lambda_handlers={"wfaib-local-connector-flagdemo": make_handler(runtime)}
    ) as sfn:
        info = sfn.start_execution(state_machine_arn=SM_ARN, definition=definition, input="{}", name="paused")
        info = sfn.wait(info.execution_arn, timeout=30)
        assert info.status == "SUCCEEDED", (info.error, info.cause)
        assert json.loads(info.output or "null") == {"text": "pong"}
        # Attempts at +0 s and +60 s were paused; the one at +120 s, after `until`, went through.
        assert calls == [NOW + timedelta(seconds=120)]

        table.put_flag("acme", "connector", "flagdemo")
        clock.advance(11)
        info = sfn.start_execution(
            state_machine_arn=SM_ARN, definition=definition, input="{}", name="blocked"
        )
        info = sfn.wait(info.execution_arn, timeout=30)
        assert info.status == "SUCCEEDED"
        caught = json.loads(info.output or "null")
        assert caught["Error"] == "BlockedError"
        assert "connector 'flagdemo' is blocked" in json.loads(caught["Cause"])["errorMessage"]
        assert len(calls) == 1
