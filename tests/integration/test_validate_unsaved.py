"""Validating a document that is not saved (POST /workflows/validate): the editor checks the canvas as it
is edited, with the same problems the saved workflow's validate route reports."""

from __future__ import annotations

from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


def test_an_unsaved_draft_gets_the_same_problems_as_the_saved_one_and_nothing_is_stored(acme: Api) -> None:
    # Given a draft that parses but names a node that does not exist
    workflow_id = unique("unsaved")
    draft = example("hello-world", workflow_id)
    draft["nodes"][1]["params"]["output"]["message"] = "{{ $ghost.greeting }}"

    # When it is validated without saving
    response = acme.post("/workflows/validate", json=draft)

    # Then the problem names the node and the field
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is False
    [problem] = body["problems"]
    assert (problem["code"], problem["node"], problem["field"]) == (
        "unknown_reference",
        "shape",
        "params.output.message",
    )
    assert "$ghost" in problem["message"]
    # And nothing was saved
    assert_envelope(acme.get(f"/workflows/{workflow_id}"), 404, "not_found")

    # And once saved, validating the stored workflow reports exactly the same
    acme.create(draft)
    assert acme.post(f"/workflows/{workflow_id}/validate").json() == body


def test_a_valid_draft_has_no_problems(acme: Api) -> None:
    response = acme.post("/workflows/validate", json=example("hello-world", unique("fine")))

    assert response.status_code == 200, response.text
    assert response.json() == {"valid": True, "problems": []}


def test_a_document_that_is_not_a_workflow_gets_schema_problems_not_an_error(acme: Api) -> None:
    draft = example("hello-world", unique("broken"))
    draft["nodes"].append({"id": "mystery", "type": "nope.nothing", "params": {}})
    del draft["name"]

    body = acme.post("/workflows/validate", json=draft).json()

    assert body["valid"] is False
    assert ("invalid_field", None, "name") in {(p["code"], p["node"], p["field"]) for p in body["problems"]}
    assert all(set(problem) == {"code", "node", "field", "message"} for problem in body["problems"])


def test_a_viewer_may_validate_and_a_stranger_may_not(handle: PlatformHandle) -> None:
    document = example("hello-world", unique("viewed"))

    assert handle.client("acme", "viewer").post("/workflows/validate", json=document).status_code == 200
    assert_envelope(handle.anonymous().post("/workflows/validate", json=document), 401, "unauthenticated")
