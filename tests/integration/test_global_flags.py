"""Global kill switch and rate limits at start, over HTTP: only operators set global flags; a
global flag stops new runs of every tenant until lifted; a rate_limit flag answers 429 with
Retry-After over its limit."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique
from integration.test_webhooks import Sender

OPERATOR_TENANT = "wfaib-operators"  # Settings.operator_tenant's default


def _published(api: Api, name: str = "hello-world") -> str:
    workflow_id = unique("gated")
    api.create(example(name, workflow_id))
    api.publish(workflow_id)
    return workflow_id


@pytest.fixture
def operator(handle: PlatformHandle) -> Iterator[Api]:
    """An owner of the operator tenant; whatever a test sets globally is lifted afterwards."""
    api = handle.client(OPERATOR_TENANT)
    yield api
    api.delete("/flags/global")


def _same_minute(action: Callable[[], list[httpx.Response]]) -> tuple[list[httpx.Response], bool]:
    """The answers of ``action``, and whether they all fell in one minute window.

    Limits count per wall-clock minute: in the last seconds of one, wait for the next to begin.
    """
    if time.time() % 60 > 50:
        time.sleep(60.5 - time.time() % 60)
    before = int(time.time()) // 60
    answers = action()
    return answers, int(time.time()) // 60 == before


def _refused_with_retry_after_or_started(answers: list[httpx.Response]) -> None:
    """What may be said when the window turned mid-way: every start either ran or was told when to retry."""
    for answer in answers:
        assert answer.status_code == 201 or (answer.status_code == 429 and answer.headers["Retry-After"])


def test_only_platform_operators_manage_global_flags(handle: PlatformHandle, operator: Api) -> None:
    tenant_owner = handle.client(unique("customer"))
    operator_admin = handle.client(OPERATOR_TENANT, "admin")
    body = {"action": "block", "reason": "Incident 42"}

    assert_envelope(tenant_owner.put("/flags/global", json=body), 403, "not_operator")
    assert_envelope(tenant_owner.get("/flags/global"), 403, "not_operator")
    assert_envelope(operator_admin.put("/flags/global", json=body), 403, "forbidden")
    assert operator.get("/flags/global").json() == []
    assert_envelope(
        operator.put("/flags/global", json={"action": "rate_limit", "reason": "x"}), 422, "invalid_request"
    )
    assert_envelope(
        operator.put("/flags/global", json={"action": "pause", "reason": "x", "limit_per_minute": 5}),
        422,
        "invalid_request",
    )
    assert_envelope(operator.delete("/flags/global"), 404, "not_found")


def test_the_global_kill_switch_stops_new_runs_of_every_tenant_until_lifted(
    handle: PlatformHandle, operator: Api
) -> None:
    first, second = handle.client(unique("tenant-a")), handle.client(unique("tenant-b"))
    first_workflow, second_workflow = _published(first), _published(second)
    hooked = _published(second, "order-routing")
    hook = second.get(f"/workflows/{hooked}/webhook").json()
    sender = Sender(handle, hook["urls"]["dev"], hook["secret"])

    flag = operator.put("/flags/global", json={"action": "block", "reason": "Incident 42"})
    refused = [
        first.post(f"/workflows/{first_workflow}/runs", json={}),
        second.post(f"/workflows/{second_workflow}/runs", json={}),
        sender.deliver({"id": "during"}, message_id="msg_during_incident"),
    ]
    listed = operator.get("/flags/global").json()
    lifted = operator.delete("/flags/global")
    after = sender.deliver({"id": "during"}, message_id="msg_during_incident")

    assert flag.status_code == 200, flag.text
    assert flag.json()["scope"] == "global" and flag.json()["set_by"] == f"owner@{OPERATOR_TENANT}.test"
    for answer in refused:
        error = assert_envelope(answer, 409, "blocked")
        assert "Incident 42" in error["message"] and error["details"]["scope"] == "global"
    assert [item["action"] for item in listed] == ["block"]
    assert lifted.status_code == 204
    assert first.wait_finished(first.start(first_workflow, {})["id"])["status"] == "SUCCEEDED"
    assert second.wait_finished(second.start(second_workflow, {})["id"])["status"] == "SUCCEEDED"
    assert after.status_code == 202, after.text
    audit = operator.get("/audit").json()["items"]
    assert [entry["action"] for entry in audit[:2]] == ["flag.lift", "flag.set"]


def test_a_rate_limit_flag_refuses_starts_over_its_limit_with_retry_after(handle: PlatformHandle) -> None:
    api = handle.client(unique("limited"))
    limited, other = _published(api), _published(api)
    flag = api.put(
        f"/flags/workflow/{limited}",
        json={"action": "rate_limit", "reason": "Fragile vendor", "limit_per_minute": 2},
    )

    answers, one_window = _same_minute(
        lambda: [api.post(f"/workflows/{limited}/runs", json={}) for _ in range(3)]
    )
    unaffected = api.post(f"/workflows/{other}/runs", json={})

    assert flag.status_code == 200, flag.text
    assert flag.json()["limit_per_minute"] == 2
    assert unaffected.status_code == 201, unaffected.text
    if not one_window:
        _refused_with_retry_after_or_started(answers)
    else:
        assert [answer.status_code for answer in answers] == [201, 201, 429]
        error = assert_envelope(answers[-1], 429, "rate_limited")
        assert error["details"]["limit_per_minute"] == 2 and error["details"]["window_seconds"] == 60
        assert "Fragile vendor" in error["message"]
        assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_a_global_rate_limit_counts_the_starts_of_every_tenant(handle: PlatformHandle, operator: Api) -> None:
    first, second = handle.client(unique("tenant-c")), handle.client(unique("tenant-d"))
    first_workflow, second_workflow = _published(first), _published(second)
    operator.put(
        "/flags/global", json={"action": "rate_limit", "reason": "Load shedding", "limit_per_minute": 1}
    )

    answers, one_window = _same_minute(
        lambda: [
            first.post(f"/workflows/{first_workflow}/runs", json={}),
            second.post(f"/workflows/{second_workflow}/runs", json={}),
        ]
    )
    operator.delete("/flags/global")

    if not one_window:
        _refused_with_retry_after_or_started(answers)
    else:
        assert answers[0].status_code == 201, answers[0].text
        assert_envelope(answers[1], 429, "rate_limited")
        assert int(answers[1].headers["Retry-After"]) >= 1
