"""Express workflows: a run finishes when it starts, and lists and reads like any other run.

Step Functions cannot describe an Express execution or return its history, so the control plane
runs it to the end (StartSyncExecution) and keeps its result.
"""

from __future__ import annotations

from integration.helpers import PlatformHandle, example, unique


def test_an_express_run_is_recorded_with_its_result_and_lists_normally(handle: PlatformHandle) -> None:
    # Given the Express example published in a tenant of its own
    api = handle.client(unique("express"))
    workflow_id = unique("report")
    document = example("paid-orders-report", workflow_id)
    api.create(document)
    api.publish(workflow_id)

    # When a run starts
    run = api.start(workflow_id, document["trigger"]["sample_input"])

    # Then it has already finished, with its output, and the runs list (which refreshes running
    # runs from Step Functions) still answers
    assert run["status"] == "SUCCEEDED"
    assert ":express:" in run["execution_arn"]
    detail = api.get(f"/runs/{run['id']}").json()
    assert detail["output"] == {"paid_orders": 2, "revenue": 85, "countries": ["DE"]}
    assert detail["steps"] == []
    listing = api.get("/runs")
    assert listing.status_code == 200, listing.text
    assert [item["id"] for item in listing.json()["items"]] == [run["id"]]


def test_a_failing_express_run_keeps_its_error(handle: PlatformHandle) -> None:
    api = handle.client(unique("express"))
    workflow_id = unique("strict")
    document = example("stop-on-invalid", workflow_id)
    document["settings"] = {"execution_type": "EXPRESS"}
    api.create(document)
    api.publish(workflow_id)

    run = api.start(workflow_id, {"email": "nobody"})

    assert run["status"] == "FAILED"
    detail = api.get(f"/runs/{run['id']}").json()
    assert detail["error"] == "InvalidSignup"
