"""Runs over HTTP: publish an example and run it to the end, read its steps, cancel, re-run, list."""

from __future__ import annotations

from integration.helpers import Api, assert_envelope, example, unique


def test_publish_then_run_an_example_to_succeeded_with_its_steps(acme: Api) -> None:
    # Given the hello-world example, saved and published to dev
    workflow_id = unique("hello")
    acme.create(example("hello-world", workflow_id))
    published = acme.publish(workflow_id)
    assert published["alias_arn"] == f"{published['state_machine_arn']}:dev"
    assert published["state_machine_arn"].endswith(f":stateMachine:wfaib-local-acme-{workflow_id}")
    assert acme.get(f"/workflows/{workflow_id}").json()["environments"]["dev"]["version"] == 1

    # When it runs with an input
    run = acme.start(workflow_id, {"name": "Grace"})
    finished = acme.wait_finished(run["id"])

    # Then it succeeds with the output the expressions compute, and the timeline names the nodes
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {"message": "Hello, Grace!", "length": 13}
    assert finished["input"] == {"name": "Grace"}
    assert finished["usage"] is None  # no LLM step
    [step] = finished["steps"]
    assert step["nodes"] == ["greet", "shape"]
    assert step["status"] == "succeeded"
    assert step["input"] == {"name": "Grace"}
    assert step["output"] == finished["output"]


def test_a_failing_run_reports_its_error_in_the_run_and_the_steps(acme: Api) -> None:
    workflow_id = unique("stop")
    acme.create(example("stop-on-invalid", workflow_id))
    acme.publish(workflow_id)

    finished = acme.wait_finished(acme.start(workflow_id, {"email": "not-an-email"})["id"])

    assert finished["status"] == "FAILED", finished
    assert finished["error"]
    assert finished["steps"], finished


def test_runs_use_the_version_the_environment_points_at(acme: Api) -> None:
    # Given version 1 published, then version 2 saved but not published
    workflow_id = unique("pinned")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    changed = example("hello-world", workflow_id)
    changed["nodes"][0]["params"]["fields"]["greeting"] = "Bye, {{ $trigger.name }}!"
    acme.put(f"/workflows/{workflow_id}", json=changed)

    # Then runs still use version 1 until version 2 is published
    first = acme.wait_finished(acme.start(workflow_id, {"name": "Ada"})["id"])
    assert (first["workflow_version"], first["output"]["message"]) == (1, "Hello, Ada!")
    acme.publish(workflow_id)
    second = acme.wait_finished(acme.start(workflow_id, {"name": "Ada"})["id"])
    assert (second["workflow_version"], second["output"]["message"]) == (2, "Bye, Ada!")
    assert [v["published"] for v in acme.get(f"/workflows/{workflow_id}/versions").json()] == [True, True]


def test_cancel_a_waiting_run(acme: Api) -> None:
    # Given a run waiting for a human approval
    workflow_id = unique("approval")
    acme.create(example("expense-approval", workflow_id))
    acme.publish(workflow_id)
    run = acme.start(workflow_id, {"amount": 420, "purpose": "conference travel"})
    waiting = acme.wait_for_step(run["id"], "Task")
    assert waiting["status"] == "RUNNING"

    # When it is cancelled
    cancelled = acme.post(f"/runs/{run['id']}/cancel")

    # Then it is aborted, and a second cancel is refused
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "ABORTED"
    assert acme.get(f"/runs/{run['id']}").json()["status"] == "ABORTED"
    assert_envelope(acme.post(f"/runs/{run['id']}/cancel"), 409, "run_finished")


def test_rerun_starts_a_new_run_with_the_same_input(acme: Api) -> None:
    workflow_id = unique("again")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    original = acme.wait_finished(acme.start(workflow_id, {"name": "Lin"})["id"])

    rerun = acme.post(f"/runs/{original['id']}/rerun")

    assert rerun.status_code == 201, rerun.text
    assert rerun.json()["id"] != original["id"]
    assert rerun.json()["rerun_of"] == original["id"]
    finished = acme.wait_finished(rerun.json()["id"])
    assert (finished["status"], finished["input"], finished["output"]) == (
        "SUCCEEDED",
        {"name": "Lin"},
        original["output"],
    )


def test_list_runs_filters_by_workflow_and_status_and_pages_with_a_cursor(acme: Api) -> None:
    # Given one workflow with two finished runs and one aborted run
    workflow_id = unique("listed")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    succeeded = [acme.wait_finished(acme.start(workflow_id, {"name": str(i)})["id"])["id"] for i in range(2)]
    approval_id = unique("listed-approval")
    acme.create(example("expense-approval", approval_id))
    acme.publish(approval_id)
    aborted = acme.start(approval_id, {"amount": 1, "purpose": "pens"})["id"]
    acme.wait_for_step(aborted, "Task")
    acme.post(f"/runs/{aborted}/cancel")

    # When listed by workflow, by status, and one at a time
    by_workflow = acme.get("/runs", params={"workflow_id": workflow_id}).json()
    by_status = acme.get("/runs", params={"workflow_id": approval_id, "status": "ABORTED"}).json()
    first_page = acme.get("/runs", params={"workflow_id": workflow_id, "limit": 1}).json()
    second_page = acme.get(
        "/runs", params={"workflow_id": workflow_id, "limit": 1, "cursor": first_page["next_cursor"]}
    ).json()

    # Then each listing holds exactly the runs it should, newest first
    assert [run["id"] for run in by_workflow["items"]] == list(reversed(succeeded))
    assert {run["status"] for run in by_workflow["items"]} == {"SUCCEEDED"}
    assert [run["id"] for run in by_status["items"]] == [aborted]
    assert [first_page["items"][0]["id"], second_page["items"][0]["id"]] == list(reversed(succeeded))
    running = acme.get("/runs", params={"workflow_id": workflow_id, "status": "RUNNING"}).json()
    assert running["items"] == []


def test_running_an_unpublished_workflow_says_so(acme: Api) -> None:
    workflow_id = unique("draft")
    acme.create(example("hello-world", workflow_id))

    error = assert_envelope(
        acme.post(f"/workflows/{workflow_id}/runs", json={"input": {}}), 409, "not_published"
    )

    assert error["details"] == {"environment": "dev", "published_to": []}
    assert_envelope(
        acme.post(f"/workflows/{workflow_id}/runs", json={"input": {}, "environment": "prod"}),
        409,
        "not_published",
    )


def test_publishing_to_an_environment_moves_only_that_alias(acme: Api) -> None:
    workflow_id = unique("promote")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id, "dev")
    changed = example("hello-world", workflow_id)
    changed["nodes"][0]["params"]["fields"]["greeting"] = "Hi {{ $trigger.name }}"
    acme.put(f"/workflows/{workflow_id}", json=changed)
    acme.publish(workflow_id, "prod")

    environments = acme.get(f"/workflows/{workflow_id}").json()["environments"]
    prod = acme.wait_finished(
        acme.post(
            f"/workflows/{workflow_id}/runs", json={"input": {"name": "Z"}, "environment": "prod"}
        ).json()["id"]
    )
    dev = acme.wait_finished(acme.start(workflow_id, {"name": "Z"})["id"])

    assert (environments["dev"]["version"], environments["prod"]["version"]) == (1, 2)
    assert (dev["output"]["message"], prod["output"]["message"]) == ("Hello, Z!", "Hi Z")


def test_a_run_stays_readable_after_its_workflow_is_deleted(acme: Api) -> None:
    workflow_id = unique("gone")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    run = acme.wait_finished(acme.start(workflow_id, {"name": "Old"})["id"])

    assert acme.delete(f"/workflows/{workflow_id}").status_code == 204
    kept = acme.get(f"/runs/{run['id']}")

    assert kept.status_code == 200, kept.text
    assert (kept.json()["status"], kept.json()["output"]) == ("SUCCEEDED", run["output"])
    assert [step["state"] for step in kept.json()["steps"]] == [step["state"] for step in run["steps"]]
    assert_envelope(acme.post(f"/runs/{run['id']}/rerun"), 404, "not_found")


def test_promote_copies_an_environment_and_rollback_reuses_the_published_version(acme: Api) -> None:
    # Given version 1 then version 2 published to dev
    workflow_id = unique("release")
    acme.create(example("hello-world", workflow_id))
    first = acme.publish(workflow_id)
    changed = example("hello-world", workflow_id)
    changed["nodes"][0]["params"]["fields"]["greeting"] = "Hey {{ $trigger.name }}"
    acme.put(f"/workflows/{workflow_id}", json=changed)
    second = acme.publish(workflow_id)

    # When dev is promoted to staging, then dev is rolled back to version 1
    promoted = acme.post(f"/workflows/{workflow_id}/promote", json={"from": "dev", "to": "staging"})
    rolled_back = acme.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev", "version": 1})

    # Then staging runs version 2, dev runs version 1 again on the very same state machine version
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["version"], promoted.json()["state_machine_version_arn"]) == (
        2,
        second["state_machine_version_arn"],
    )
    assert rolled_back.json()["state_machine_version_arn"] == first["state_machine_version_arn"]
    staging = acme.post(
        f"/workflows/{workflow_id}/runs", json={"input": {"name": "S"}, "environment": "staging"}
    )
    dev = acme.wait_finished(acme.start(workflow_id, {"name": "D"})["id"])
    assert acme.wait_finished(staging.json()["id"])["output"]["message"] == "Hey S"
    assert (dev["workflow_version"], dev["output"]["message"]) == (1, "Hello, D!")
    environments = acme.get(f"/workflows/{workflow_id}").json()["environments"]
    assert {name: env["version"] for name, env in environments.items()} == {"dev": 1, "staging": 2}


def test_promoting_from_an_unpublished_environment_says_so(acme: Api) -> None:
    workflow_id = unique("unpromoted")
    acme.create(example("hello-world", workflow_id))
    error = assert_envelope(
        acme.post(f"/workflows/{workflow_id}/promote", json={"from": "staging", "to": "prod"}),
        409,
        "not_published",
    )
    assert error["details"]["environment"] == "staging"
