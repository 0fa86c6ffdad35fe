"""The local platform as a user meets it: one port for the editor and the API, docs, demo data, restarts."""

from __future__ import annotations

import httpx

from integration.helpers import Api, PlatformHandle, example, unique
from wfaib.dev import DEMO_TENANT


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
        "via": "token",
    }


def test_one_port_serves_the_editor_placeholder_and_the_api_docs(handle: PlatformHandle) -> None:
    root = httpx.get(handle.platform.url + "/")
    docs = httpx.get(handle.platform.api_url + "/docs")
    spec = httpx.get(handle.platform.api_url + "/openapi.json").json()

    assert root.status_code == 200 and "text/html" in root.headers["Content-Type"]
    assert "/api/docs" in root.text and "/api/workflows" in root.text
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert spec["openapi"].startswith("3.")
    assert {
        "/workflows",
        "/workflows/{workflow_id}",
        "/workflows/{workflow_id}/publish",
        "/runs/{run_id}/cancel",
        "/connectors",
    } <= set(spec["paths"])
    assert (
        spec["servers"] == [{"url": "/api"}]
        or "servers" not in spec
        or spec["servers"][0]["url"] in {"/api", "/"}
    )


def test_the_connector_catalog_carries_json_schemas(acme: Api) -> None:
    catalog = acme.get("/connectors").json()
    slack = acme.get("/connectors/slack").json()

    assert "slack" in {connector["id"] for connector in catalog}
    action = slack["actions"][0]
    assert action["input_schema"]["type"] == "object"


def test_workflows_versions_and_runs_survive_a_restart(handle: PlatformHandle) -> None:
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
    # and seeding the demo again changed none of the user's data
    assert _demo_versions(handle) == demo_versions


def _demo_versions(handle: PlatformHandle) -> dict[str, int]:
    demo = Api(handle.platform.api_url, {"Authorization": f"Bearer {handle.platform.demo_token}"})
    return {
        item["id"]: item["version"] for item in demo.get("/workflows", params={"limit": 200}).json()["items"]
    }
