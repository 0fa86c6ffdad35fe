"""Workflows over HTTP: CRUD, versions, ETag conflicts, validate and compile error shapes."""

from __future__ import annotations

from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


def test_create_get_update_delete_keeps_every_version(acme: Api) -> None:
    # Given a new workflow
    workflow_id = unique("hello")
    created = acme.post("/workflows", json=example("hello-world", workflow_id))
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/workflows/{workflow_id}"

    # When it is read, listed and saved again with the ETag it was read with
    fetched = acme.get(f"/workflows/{workflow_id}")
    assert fetched.json()["document"]["nodes"][0]["id"] == "greet"
    assert acme.get(f"/workflows/{workflow_id}", headers={"If-None-Match": '"1"'}).status_code == 304
    listed_ids = [item["id"] for item in acme.get("/workflows", params={"limit": 200}).json()["items"]]
    assert workflow_id in listed_ids
    changed = {**fetched.json()["document"], "name": "Hello, again"}
    saved = acme.put(f"/workflows/{workflow_id}", json=changed, headers={"If-Match": fetched.headers["ETag"]})

    # Then each save is a version, and the old one is still readable
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"2"'
    assert saved.json()["name"] == "Hello, again"
    versions = acme.get(f"/workflows/{workflow_id}/versions").json()
    assert [version["version"] for version in versions] == [2, 1]
    assert acme.get(f"/workflows/{workflow_id}/versions/1").json()["document"]["name"] == "Hello, world"
    assert acme.get(f"/workflows/{workflow_id}/versions/2").json()["document"]["name"] == "Hello, again"

    # And deleting removes it
    assert acme.delete(f"/workflows/{workflow_id}").status_code == 204
    assert_envelope(acme.get(f"/workflows/{workflow_id}"), 404, "not_found")
    assert_envelope(acme.get(f"/workflows/{workflow_id}/versions/1"), 404, "not_found")


def test_stale_save_gets_409_with_the_current_version_and_loses_nothing(
    acme: Api, handle: PlatformHandle
) -> None:
    # Given two editors who both opened version 1
    workflow_id = unique("shared")
    acme.create(example("hello-world", workflow_id))
    other_editor = handle.client("acme", "member", "bob@acme.test")
    first = {**example("hello-world", workflow_id), "name": "Saved by Bob"}
    second = {**example("hello-world", workflow_id), "name": "Saved by Ada"}

    # When Bob saves first and Ada saves from the stale version
    assert (
        other_editor.put(f"/workflows/{workflow_id}", json=first, headers={"If-Match": '"1"'}).status_code
        == 200
    )
    stale = acme.put(f"/workflows/{workflow_id}", json=second, headers={"If-Match": '"1"'})

    # Then Ada gets 409 naming the current version, and Bob's save is intact
    error = assert_envelope(stale, 409, "version_conflict")
    assert error["details"]["current_version"] == 2
    assert error["details"]["etag"] == '"2"'
    assert error["details"]["updated_by"] == "bob@acme.test"
    current = acme.get(f"/workflows/{workflow_id}").json()
    assert (current["version"], current["name"]) == (2, "Saved by Bob")
    assert [v["version"] for v in acme.get(f"/workflows/{workflow_id}/versions").json()] == [2, 1]

    # And a stale delete is refused the same way
    assert_envelope(
        acme.delete(f"/workflows/{workflow_id}", headers={"If-Match": '"1"'}), 409, "version_conflict"
    )
    assert acme.get(f"/workflows/{workflow_id}").status_code == 200


def test_creating_an_existing_id_is_a_conflict(acme: Api) -> None:
    workflow_id = unique("dup")
    acme.create(example("hello-world", workflow_id))
    error = assert_envelope(
        acme.post("/workflows", json=example("hello-world", workflow_id)), 409, "version_conflict"
    )
    assert error["details"]["current_version"] == 1


def test_a_document_that_is_not_a_workflow_is_422_with_node_and_field(acme: Api) -> None:
    document = example("hello-world", unique("bad"))
    document["nodes"][1]["retry"] = {"max_attempts": "many"}
    error = assert_envelope(acme.post("/workflows", json=document), 422, "invalid_workflow")
    problems = error["details"]["problems"]
    assert {"node": "shape", "field": "retry.max_attempts"}.items() <= problems[0].items()
    assert acme.get(f"/workflows/{document['id']}").status_code == 404


def test_saving_under_another_id_than_the_path_is_refused(acme: Api) -> None:
    workflow_id = unique("path")
    acme.create(example("hello-world", workflow_id))
    error = assert_envelope(acme.put(f"/workflows/{workflow_id}", json=example("hello-world", "other")), 422)
    assert error["code"] == "id_mismatch"


def test_validate_reports_problems_and_compile_refuses_with_the_same_shape(acme: Api) -> None:
    # Given a draft that parses but does not compile: an expression naming a node that does not exist
    workflow_id = unique("draft")
    document = example("hello-world", workflow_id)
    document["nodes"][1]["params"]["output"]["message"] = "{{ $ghost.greeting }}"
    acme.create(document)

    # When it is validated and compiled
    validated = acme.post(f"/workflows/{workflow_id}/validate")
    compiled = acme.post(f"/workflows/{workflow_id}/compile")

    # Then both name the node and the field of the problem
    assert validated.status_code == 200
    assert validated.json()["valid"] is False
    [problem] = validated.json()["problems"]
    assert (problem["code"], problem["node"], problem["field"]) == (
        "unknown_reference",
        "shape",
        "params.output.message",
    )
    assert "$ghost" in problem["message"]
    error = assert_envelope(compiled, 422, "invalid_workflow")
    assert error["details"]["problems"] == [problem]


def test_an_unknown_node_type_is_named_by_node_and_field(acme: Api) -> None:
    workflow_id = unique("mystery")
    document = example("hello-world", workflow_id)
    document["nodes"].append({"id": "mystery", "type": "nope.nothing", "params": {}})
    document["edges"].append({"source": "shape", "target": "mystery"})
    acme.create(document)

    problems = acme.post(f"/workflows/{workflow_id}/validate").json()["problems"]

    assert [(p["code"], p["node"], p["field"]) for p in problems] == [
        ("unknown_node_type", "mystery", "type")
    ]
    assert_envelope(acme.post(f"/workflows/{workflow_id}/publish"), 422, "invalid_workflow")


def test_compile_returns_asl_for_a_valid_workflow_and_any_saved_version(acme: Api) -> None:
    workflow_id = unique("asl")
    acme.create(example("hello-world", workflow_id))
    acme.put(
        f"/workflows/{workflow_id}",
        json={
            **example("hello-world", workflow_id),
            "nodes": [example("hello-world")["nodes"][0]],
            "edges": [],
        },
    )

    latest = acme.post(f"/workflows/{workflow_id}/compile").json()
    first = acme.post(f"/workflows/{workflow_id}/compile", params={"version": 1}).json()

    assert latest["version"] == 2 and first["version"] == 1
    assert latest["definition"]["QueryLanguage"] == "JSONata"
    assert first["state_nodes"]["greet"] == ["greet", "shape"]
    assert latest["state_nodes"]["greet"] == ["greet"]
    assert acme.post(f"/workflows/{workflow_id}/validate").json() == {"valid": True, "problems": []}


def test_every_change_is_audited(acme: Api) -> None:
    workflow_id = unique("audited")
    acme.create(example("hello-world", workflow_id))
    acme.put(f"/workflows/{workflow_id}", json=example("hello-world", workflow_id))
    acme.delete(f"/workflows/{workflow_id}")

    entries = acme.get("/audit", params={"limit": 200}).json()["items"]
    mine = [
        (e["action"], e["details"].get("version"))
        for e in entries
        if e["resource"] == f"workflow/{workflow_id}"
    ]
    assert mine == [("workflow.delete", None), ("workflow.update", 2), ("workflow.create", 1)]


def test_the_diff_between_versions_names_nodes_edges_and_fields(acme: Api) -> None:
    # Given version 1, and version 2 with a changed greeting, a new node and its edge
    workflow_id = unique("diffed")
    acme.create(example("hello-world", workflow_id))
    changed = example("hello-world", workflow_id)
    changed["name"] = "Hello, diff"
    changed["nodes"][0]["params"]["fields"]["greeting"] = "Hi!"
    changed["nodes"].append({"id": "extra", "type": "data.set", "params": {"fields": {"x": 1}}})
    changed["edges"].append({"source": "shape", "target": "extra"})
    acme.put(f"/workflows/{workflow_id}", json=changed)

    diff = acme.get(f"/workflows/{workflow_id}/diff", params={"from": 1}).json()

    assert (diff["from"], diff["to"]) == (1, 2)
    by_path = {change["path"]: change for change in diff["changes"]}
    assert by_path["name"] == {"op": "changed", "path": "name", "from": "Hello, world", "to": "Hello, diff"}
    assert by_path["nodes.greet.params.fields.greeting"]["to"] == "Hi!"
    assert by_path["nodes.extra"]["op"] == "added"
    assert by_path["edges.shape->extra"]["op"] == "added"
    assert diff["summary"] == {
        "nodes_added": ["extra"],
        "nodes_removed": [],
        "nodes_changed": ["greet"],
        "edges_added": ["shape->extra"],
        "edges_removed": [],
    }
    reverse = acme.get(f"/workflows/{workflow_id}/diff", params={"from": 2, "to": 1}).json()
    assert reverse["summary"]["nodes_removed"] == ["extra"]
    assert_envelope(acme.get(f"/workflows/{workflow_id}/diff", params={"from": 9}), 404, "not_found")
