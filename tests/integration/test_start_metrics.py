"""Every start emits a metric by trigger: started, replayed (a duplicate delivery) or refused."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from integration.helpers import PlatformHandle, unique
from integration.test_start_path import _hooked


def _start_metrics(out: str) -> Counter[tuple[str, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    for line in out.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        if document.get("service") != "runs":
            continue
        for name in ("RunsStarted", "StartsReplayed", "RunsRefused"):
            if name in document:
                assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "WFAIB"
                seen[(name, document["trigger"])] += 1
    return seen


def test_starts_replays_and_refusals_are_counted_by_trigger(
    handle: PlatformHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    api, workflow_id, sender = _hooked(handle)
    capsys.readouterr()

    first = sender.deliver({"id": "ord-1", "total": 3}, message_id="msg_metrics")
    again = sender.deliver({"id": "ord-1", "total": 3}, message_id="msg_metrics")
    by_api = api.post(f"/workflows/{workflow_id}/runs", json={"input": {"id": "ord-2", "total": 1}})
    paused = api.put("/flags/tenant/*", json={"action": "pause", "reason": "maintenance"})
    refused = sender.deliver({"id": "ord-3", "total": 1}, message_id=f"msg_{unique('x')}")

    assert (first.status_code, by_api.status_code, paused.status_code) == (202, 201, 200)
    assert again.json()["run_id"] == first.json()["run_id"]
    assert refused.status_code in (409, 429, 503), refused.text
    assert _start_metrics(capsys.readouterr().out) == Counter(
        {
            ("RunsStarted", "webhook"): 1,
            ("StartsReplayed", "webhook"): 1,
            ("RunsStarted", "api"): 1,
            ("RunsRefused", "webhook"): 1,
        }
    )
    assert api.delete("/flags/tenant/*").status_code in (200, 204)


def test_the_api_handler_is_not_traced_outside_lambda() -> None:
    # Tracing would import the X-Ray SDK (0.3-0.5 s of cold start); outside Lambda it stays off.
    from functions.api.handler import traced as api_traced
    from functions.shared.telemetry import tracing_enabled
    from functions.triggers.handler import traced as triggers_traced

    def handler(event: dict[str, str], context: object) -> dict[str, str]:
        return event

    assert not tracing_enabled({"AWS_LAMBDA_FUNCTION_NAME": "f"})
    assert tracing_enabled(
        {"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000"}
    )
    assert api_traced(handler) is handler and triggers_traced(handler) is handler


def test_metrics_can_be_switched_off(
    handle: PlatformHandle, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `wfaib dev` switches them off so its terminal shows what people read.
    api, workflow_id, _ = _hooked(handle)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    capsys.readouterr()

    assert (
        api.post(f"/workflows/{workflow_id}/runs", json={"input": {"id": "o", "total": 1}}).status_code == 201
    )
    assert _start_metrics(capsys.readouterr().out) == Counter()
