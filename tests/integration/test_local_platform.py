"""The local platform as a user meets it: one port for the editor and the API, docs, demo data, restarts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from functions.api.auth import ROLE_PERMISSIONS
from integration.helpers import Api, FakeSlack, PlatformHandle, example, slack_workflow, unique
from wfaib.dev import DEMO_TENANT, Gateway
from wfaib.dev.platform import PLACEHOLDER


def test_the_demo_tenant_has_every_example_published_to_dev(handle: PlatformHandle) -> None:
    demo = Api(handle.platform.api_url, {"Authorization": f"Bearer {handle.platform.demo_token}"})
    listed = demo.get("/workflows", params={"limit": 200}).json()["items"]
    example_ids = {path.stem for path in handle.platform.examples_dir.glob("*.json")}

    assert {item["id"] for item in listed} >= example_ids
    assert all("dev" in item["environments"] for item in listed if item["id"] in example_ids)
    assert demo.get("/me").json() == {
        "tenant_id": DEMO_TENANT,
        "subject": "demo@wfaib.local",
        "role": "owner",
        "permissions": sorted(ROLE_PERMISSIONS["owner"]),
        "via": "token",
    }


def test_one_port_serves_the_editor_and_the_api_docs(handle: PlatformHandle) -> None:
    index = (handle.platform.static_root / "index.html").read_bytes()
    root = httpx.get(handle.platform.url + "/")
    deep_link = httpx.get(handle.platform.url + "/workflows/hello-world/runs")
    traversal = httpx.get(handle.platform.url + "/..%2F..%2F..%2Fetc%2Fpasswd")
    docs = httpx.get(handle.platform.api_url + "/docs")
    spec = httpx.get(handle.platform.api_url + "/openapi.json").json()

    assert root.status_code == 200 and "text/html" in root.headers["Content-Type"]
    assert root.content == deep_link.content == traversal.content == index
    assert httpx.post(handle.platform.url + "/").status_code == 405
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert spec["openapi"].startswith("3.")
    assert {
        "/workflows",
        "/workflows/{workflow_id}",
        "/workflows/{workflow_id}/publish",
        "/runs/{run_id}/cancel",
        "/connectors",
    } <= set(spec["paths"])
    assert spec["servers"] == [{"url": "/api"}]


def test_without_a_built_editor_the_placeholder_links_the_api(handle: PlatformHandle) -> None:
    def not_called(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise AssertionError("static files never reach the API")

    gateway = Gateway(not_called, PLACEHOLDER, port=0).start()
    try:
        page = httpx.get(gateway.url + "/")
    finally:
        gateway.stop()

    assert page.status_code == 200
    assert 'href="/api/docs"' in page.text and "/api/workflows" in page.text


def test_the_connector_catalog_carries_json_schemas(acme: Api) -> None:
    catalog = acme.get("/connectors").json()
    slack = acme.get("/connectors/slack").json()

    assert "slack" in {connector["id"] for connector in catalog}
    action = slack["actions"][0]
    assert action["input_schema"]["type"] == "object"


def test_the_workflow_json_schema_is_published_for_the_editor(acme: Api) -> None:
    schema = acme.get("/schemas/workflow").json()

    assert schema["additionalProperties"] is False
    assert {"id", "name", "trigger", "nodes", "edges"} <= set(schema["properties"])
    assert {"id", "name", "trigger"} <= set(schema["required"])


def test_workflows_versions_and_runs_survive_a_restart(handle: PlatformHandle, slack: FakeSlack) -> None:
    # Given a workflow with two versions, published, and a finished run
    before = handle.client("acme")
    workflow_id = unique("durable")
    before.create(example("hello-world", workflow_id))
    before.put(f"/workflows/{workflow_id}", json={**example("hello-world", workflow_id), "name": "Second"})
    before.publish(workflow_id)
    run = before.wait_finished(before.start(workflow_id, {"name": "Kept"})["id"])
    approval_id = unique("durable-approval")
    before.create(example("expense-approval", approval_id))
    before.publish(approval_id)
    waiting = before.start(approval_id, {"amount": 5, "purpose": "tea"})["id"]
    before.wait_for_step(waiting, "Task")
    credential_id = unique("slack")
    before.post(
        "/credentials",
        json={
            "id": credential_id,
            "name": "Slack",
            "connector": "slack",
            "value": {"token": "xoxb-kept", "base_url": slack.base_url},
        },
    )
    before.create(slack_workflow(credential_id, credential_id))
    before.publish(credential_id)
    scheduled_id = unique("nightly")
    before.create(
        {
            "id": scheduled_id,
            "name": "Nightly",
            "trigger": {"type": "schedule", "expression": "cron(0 2 * * ? 2031)"},
            "nodes": [{"id": "noop", "type": "data.set", "params": {"fields": {"ok": True}}}],
        }
    )
    before.publish(scheduled_id)
    demo_versions = _demo_versions(handle)

    # When the platform stops and starts again on the same data directory
    handle.restart()
    after = handle.client("acme")

    # Then everything is still there, the run still has its steps, and it can run again
    workflow = after.get(f"/workflows/{workflow_id}").json()
    assert (workflow["version"], workflow["name"]) == (2, "Second")
    assert [v["version"] for v in after.get(f"/workflows/{workflow_id}/versions").json()] == [2, 1]
    kept = after.get(f"/runs/{run['id']}").json()
    assert (kept["status"], kept["output"], kept["steps"]) == ("SUCCEEDED", run["output"], run["steps"])
    assert run["id"] in {
        item["id"] for item in after.get("/runs", params={"workflow_id": workflow_id}).json()["items"]
    }
    # the run that was waiting for an approval is still waiting, and can be cancelled
    assert after.get(f"/runs/{waiting}").json()["status"] == "RUNNING"
    assert after.post(f"/runs/{waiting}/cancel").json()["status"] == "ABORTED"
    again = after.wait_finished(after.start(workflow_id, {"name": "Again"})["id"])
    assert again["output"]["message"] == "Hello, Again!"
    # the credential's value was kept too: a run after the restart still reaches Slack with it
    assert after.wait_finished(after.start(credential_id, {"name": "K"})["id"])["status"] == "SUCCEEDED"
    assert slack.received[-1]["headers"]["Authorization"] == "Bearer xoxb-kept"
    # and the schedule: its 02:00 of 1 January 2031 starts a run
    handle.platform.scheduler.tick(
        datetime(2031, 1, 1, 3, 0, tzinfo=UTC), since=datetime(2031, 1, 1, 1, 0, tzinfo=UTC)
    )
    assert [
        run["trigger"] for run in after.get("/runs", params={"workflow_id": scheduled_id}).json()["items"]
    ] == ["schedule"]
    # and seeding the demo again changed none of the user's data
    assert _demo_versions(handle) == demo_versions


def _demo_versions(handle: PlatformHandle) -> dict[str, int]:
    demo = Api(handle.platform.api_url, {"Authorization": f"Bearer {handle.platform.demo_token}"})
    return {
        item["id"]: item["version"] for item in demo.get("/workflows", params={"limit": 200}).json()["items"]
    }
