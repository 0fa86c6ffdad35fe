"""Deprecate and retire versions: a retired version's runs are refused, naming the current version."""

from __future__ import annotations

from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


def test_a_retired_version_refuses_new_runs_and_names_the_current_one(acme: Api) -> None:
    # Given version 1 published to dev and version 2 saved
    workflow_id = unique("hello")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    changed = example("hello-world", workflow_id)
    changed["name"] = "Hello again"
    assert acme.put(f"/workflows/{workflow_id}", json=changed).status_code == 200

    deprecated = acme.put(f"/workflows/{workflow_id}/versions/1/status", json={"status": "deprecated"})
    still_runs = acme.wait_finished(acme.start(workflow_id, {"name": "Ada"})["id"])
    retired = acme.put(f"/workflows/{workflow_id}/versions/1/status", json={"status": "retired"})
    refused = acme.post(f"/workflows/{workflow_id}/runs", json={"input": {"name": "Ada"}})
    versions = {v["version"]: v["status"] for v in acme.get(f"/workflows/{workflow_id}/versions").json()}

    assert deprecated.json() == {"workflow_id": workflow_id, "version": 1, "status": "deprecated"}
    assert still_runs["status"] == "SUCCEEDED"
    assert retired.status_code == 200
    assert_envelope(refused, 409, "version_retired")
    message = refused.json()["error"]["message"]
    assert "Version 1" in message and "current version is 2" in message
    assert versions == {1: "retired", 2: "active"}

    # When version 2 is published, runs start again; making 1 active again is allowed too
    acme.publish(workflow_id)
    assert acme.wait_finished(acme.start(workflow_id, {"name": "Ada"})["id"])["workflow_version"] == 2
    assert (
        acme.put(f"/workflows/{workflow_id}/versions/1/status", json={"status": "active"}).json()["status"]
        == "active"
    )
    audit = acme.get("/audit").json()["items"]
    assert any(e["action"] == "workflow.version.retired" for e in audit)


def test_version_status_is_checked_and_needs_workflow_update(acme: Api, handle: PlatformHandle) -> None:
    workflow_id = unique("hello")
    acme.create(example("hello-world", workflow_id))

    assert_envelope(acme.put(f"/workflows/{workflow_id}/versions/9/status", json={"status": "retired"}), 404)
    assert acme.put(f"/workflows/{workflow_id}/versions/1/status", json={"status": "gone"}).status_code == 422
    viewer = handle.client("acme", "viewer")
    assert_envelope(
        viewer.put(f"/workflows/{workflow_id}/versions/1/status", json={"status": "retired"}), 403
    )
