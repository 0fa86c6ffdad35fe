"""Kill switches and quotas over HTTP: refused starts say why and when to retry; nothing is dropped."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


def _published(api: Api, name: str = "hello-world") -> str:
    workflow_id = unique("controlled")
    api.create(example(name, workflow_id))
    api.publish(workflow_id)
    return workflow_id


def test_pausing_a_workflow_refuses_its_new_runs_until_lifted(handle: PlatformHandle) -> None:
    api = handle.client(unique("flags"))
    paused, other = _published(api), _published(api)

    flag = api.put(f"/flags/workflow/{paused}", json={"action": "pause", "reason": "Vendor outage"})
    refused = api.post(f"/workflows/{paused}/runs", json={"input": {}})

    assert flag.status_code == 200, flag.text
    error = assert_envelope(refused, 409, "paused")
    assert "Vendor outage" in error["message"] and error["details"]["set_by"].startswith("owner@")
    assert api.wait_finished(api.start(other, {})["id"])["status"] == "SUCCEEDED"
    assert [f["target"] for f in api.get("/flags").json()] == [paused]

    assert api.delete(f"/flags/workflow/{paused}").status_code == 204
    assert api.wait_finished(api.start(paused, {})["id"])["status"] == "SUCCEEDED"
    assert_envelope(api.delete(f"/flags/workflow/{paused}"), 404, "not_found")


def test_blocking_the_tenant_refuses_every_start_and_only_that_tenants(handle: PlatformHandle) -> None:
    tenant = unique("blocked")
    api, neighbour = handle.client(tenant), handle.client(unique("neighbour"))
    workflow_id, theirs = _published(api), _published(neighbour)
    first = api.wait_finished(api.start(workflow_id, {})["id"])

    api.put("/flags/tenant/*", json={"action": "block", "reason": "Unpaid invoice"})

    assert_envelope(api.post(f"/workflows/{workflow_id}/runs", json={}), 409, "blocked")
    assert_envelope(api.post(f"/runs/{first['id']}/rerun"), 409, "blocked")
    assert neighbour.wait_finished(neighbour.start(theirs, {})["id"])["status"] == "SUCCEEDED"
    assert_envelope(
        api.put("/flags/tenant/someone", json={"action": "block", "reason": "x"}), 422, "invalid_target"
    )


def test_a_flag_lifts_itself_when_it_expires(handle: PlatformHandle) -> None:
    api = handle.client(unique("expiring"))
    workflow_id = _published(api)
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()

    api.put(
        f"/flags/workflow/{workflow_id}", json={"action": "pause", "reason": "Maintenance", "until": later}
    )
    refused = api.post(f"/workflows/{workflow_id}/runs", json={})
    api.put(
        f"/flags/workflow/{workflow_id}", json={"action": "pause", "reason": "Maintenance", "until": earlier}
    )

    assert_envelope(refused, 409, "paused")
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3601
    assert api.wait_finished(api.start(workflow_id, {})["id"])["status"] == "SUCCEEDED"


def test_over_the_quota_a_start_gets_429_with_retry_after(handle: PlatformHandle) -> None:
    api = handle.client(unique("quota"))
    workflow_id = _published(api)
    assert api.get("/quotas").json() == {"runs_per_minute": 600, "default_runs_per_minute": 600}

    assert api.put("/quotas", json={"runs_per_minute": 2}).json()["runs_per_minute"] == 2
    minute_before = int(time.time()) // 60
    answers = [api.post(f"/workflows/{workflow_id}/runs", json={}) for _ in range(3)]
    minute_after = int(time.time()) // 60

    statuses = [answer.status_code for answer in answers]
    if minute_after != minute_before:  # the window turned between the starts: all may have fitted
        assert statuses.count(429) <= 1
        return
    assert statuses == [201, 201, 429]
    error = assert_envelope(answers[-1], 429, "quota_exceeded")
    assert error["details"] == {"limit": 2, "window_seconds": 60}
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_only_admins_set_flags_and_only_owners_set_quotas(handle: PlatformHandle) -> None:
    tenant = unique("roles")
    member, admin = handle.client(tenant, "member"), handle.client(tenant, "admin")

    assert_envelope(member.put("/flags/tenant/*", json={"action": "block", "reason": "x"}), 403, "forbidden")
    assert_envelope(admin.put("/quotas", json={"runs_per_minute": 1}), 403, "forbidden")
    assert (
        admin.put("/flags/connector/slack", json={"action": "block", "reason": "Leaked token"}).status_code
        == 200
    )
    audit = handle.client(tenant).get("/audit").json()["items"]
    assert audit[0]["action"] == "flag.set" and audit[0]["resource"] == "flag/connector/slack"
