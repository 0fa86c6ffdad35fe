"""Event-pattern triggers over HTTP: publishing makes an EventBridge rule; matching events start one run each."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from integration.helpers import Api, PlatformHandle, assert_envelope, unique

PAID_OVER_100 = {
    "source": ["shop"],
    "detail-type": ["order.paid"],
    "detail": {"total": [{"numeric": [">", 100]}]},
}


def _event_workflow(workflow_id: str, pattern: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "name": "Big orders",
        "trigger": {"type": "event", "pattern": pattern, "event_bus": "default"},
        "nodes": [
            {
                "id": "note",
                "type": "data.transform",
                "params": {"output": {"order": "{{ $trigger.detail.id }}", "from": "{{ $trigger.source }}"}},
            }
        ],
        "edges": [],
    }


def _rules(handle: PlatformHandle, workflow_id: str) -> list[dict[str, Any]]:
    events = boto3.client(
        "events",
        endpoint_url=handle.platform.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    rules = events.list_rules(NamePrefix=f"wfaib-local-acme-{workflow_id}-")["Rules"]
    return [{**rule, "targets": events.list_targets_by_rule(Rule=rule["Name"])["Targets"]} for rule in rules]


def _put(
    api: Api, detail: dict[str, Any], source: str = "shop", detail_type: str = "order.paid"
) -> list[dict[str, Any]]:
    response = api.post(
        "/events", json={"entries": [{"source": source, "detail_type": detail_type, "detail": detail}]}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["entries"][0]["runs"])


@pytest.fixture
def big_orders(acme: Api) -> str:
    workflow_id = unique("big-orders")
    acme.create(_event_workflow(workflow_id, PAID_OVER_100))
    acme.publish(workflow_id)
    return workflow_id


def test_publishing_creates_a_rule_that_targets_the_trigger_function(
    handle: PlatformHandle, big_orders: str
) -> None:
    (rule,) = _rules(handle, big_orders)

    assert rule["Name"] == f"wfaib-local-acme-{big_orders}-dev"
    assert rule["State"] == "ENABLED"
    (target,) = rule["targets"]
    assert target["Arn"] == handle.platform.settings.events_target_arn
    assert target["InputTransformer"]["InputPathsMap"] == {"event": "$"}


def test_a_matching_event_starts_the_workflow_with_the_event_as_trigger(acme: Api, big_orders: str) -> None:
    started = _put(acme, {"id": "ord-1", "total": 150})
    too_small = _put(acme, {"id": "ord-2", "total": 50})
    other_source = _put(acme, {"id": "ord-3", "total": 500}, source="crm")

    (outcome,) = [item for item in started if item["rule"].endswith(f"{big_orders}-dev")]
    run = acme.wait_finished(outcome["run_id"])
    assert (run["status"], run["trigger"]) == ("SUCCEEDED", "event")
    assert run["output"] == {"order": "ord-1", "from": "shop"}
    assert run["input"]["detail-type"] == "order.paid"
    assert not [item for item in too_small + other_source if item["rule"].endswith(f"{big_orders}-dev")]


def test_a_redelivered_event_starts_one_run(acme: Api, handle: PlatformHandle, big_orders: str) -> None:
    event = {
        "version": "0",
        "id": unique("evt"),
        "detail-type": "order.paid",
        "source": "shop",
        "account": "123456789012",
        "time": "2026-11-22T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"id": "ord-9", "total": 999},
    }

    first = handle.platform.events.deliver(event, "default")
    again = handle.platform.events.deliver(event, "default")

    mine = [o for o in first + again if o["rule"].endswith(f"{big_orders}-dev")]
    assert [o["replayed"] for o in mine] == [False, True]
    assert mine[0]["run_id"] == mine[1]["run_id"]
    runs = acme.get("/runs", params={"workflow_id": big_orders}).json()["items"]
    assert [r["id"] for r in runs] == [mine[0]["run_id"]]


def test_another_tenants_events_do_not_reach_the_workflow(acme: Api, globex: Api, big_orders: str) -> None:
    from_globex = _put(globex, {"id": "ord-4", "total": 400})

    assert not [item for item in from_globex if big_orders in item["rule"]]
    assert acme.get("/runs", params={"workflow_id": big_orders}).json()["items"] == []


def test_deleting_the_workflow_removes_its_rule(acme: Api, handle: PlatformHandle, big_orders: str) -> None:
    assert len(_rules(handle, big_orders)) == 1

    assert acme.delete(f"/workflows/{big_orders}").status_code == 204

    assert _rules(handle, big_orders) == []
    assert not [item for item in _put(acme, {"id": "ord-5", "total": 400}) if big_orders in item["rule"]]


def test_publishing_another_trigger_removes_the_rule(
    acme: Api, handle: PlatformHandle, big_orders: str
) -> None:
    document = acme.get(f"/workflows/{big_orders}").json()["document"]
    document["trigger"] = {"type": "manual"}
    saved = acme.put(f"/workflows/{big_orders}", json=document, headers={"If-Match": f'"{1}"'})
    assert saved.status_code == 200, saved.text

    acme.publish(big_orders)

    assert _rules(handle, big_orders) == []


def test_a_pattern_eventbridge_refuses_is_a_422_before_anything_is_published(acme: Api) -> None:
    workflow_id = unique("bad-pattern")
    acme.create(_event_workflow(workflow_id, {"source": "shop"}))

    refused = acme.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"})

    error = assert_envelope(refused, 422, "invalid_event_pattern")
    assert error["details"]["problems"][0]["field"] == "trigger.pattern"
    assert acme.get(f"/workflows/{workflow_id}").json()["environments"] == {}


def test_events_need_a_caller_who_may_run_workflows(handle: PlatformHandle) -> None:
    entry = {"entries": [{"source": "shop", "detail_type": "order.paid", "detail": {}}]}
    assert_envelope(handle.anonymous().post("/events", json=entry), 401)
    assert_envelope(handle.client("acme", role="viewer").post("/events", json=entry), 403, "forbidden")
    assert_envelope(handle.client("acme").post("/events", json={"entries": []}), 422, "invalid_request")


def test_rules_are_recreated_from_the_published_workflows_at_start(acme: Api, handle: PlatformHandle) -> None:
    workflow_id = unique("restored")
    acme.create(_event_workflow(workflow_id, PAID_OVER_100))
    acme.publish(workflow_id)
    events = boto3.client(
        "events",
        endpoint_url=handle.platform.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = f"wfaib-local-acme-{workflow_id}-dev"
    events.remove_targets(Rule=name, Ids=["start-workflow"])
    events.delete_rule(Name=name)  # as if moto had started empty, like a new `wfaib dev` process

    handle.restart()
    after = handle.client("acme")

    assert [rule["Name"] for rule in _rules(handle, workflow_id)] == [name]
    started = [item for item in _put(after, {"id": "ord-6", "total": 101}) if workflow_id in item["rule"]]
    assert after.wait_finished(started[0]["run_id"])["output"]["order"] == "ord-6"
