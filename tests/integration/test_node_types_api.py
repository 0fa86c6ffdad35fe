"""The built-in node types over HTTP: what the editor's palette and node-id check are built from."""

from __future__ import annotations

from integration.helpers import Api, PlatformHandle, assert_envelope
from state_machines.model.node_types import builtin_node_types


def test_every_built_in_node_type_is_served_with_its_schema_and_handles(handle: PlatformHandle) -> None:
    # Given a viewer, the least role that signs in
    viewer = handle.client("acme", "viewer")

    # When the node types are asked for
    response = viewer.get("/node-types")

    # Then every built-in type of the workflow model is there, as the validator knows it
    assert response.status_code == 200, response.text
    served = {entry["type"]: entry for entry in response.json()["node_types"]}
    for node_type in builtin_node_types():
        entry = served.pop(node_type.type)
        assert entry["kind"] == str(node_type.kind)
        assert entry["title"] == node_type.title
        assert entry["outputs"] == list(node_type.outputs)
        assert entry["input_schema"] == node_type.input_schema
    # And no connector action poses as a built-in (those come from GET /connectors)
    assert served == {}


def test_branch_handles_and_params_schemas_are_what_the_editor_draws(acme: Api) -> None:
    served = {entry["type"]: entry for entry in acme.get("/node-types").json()["node_types"]}

    assert served["logic.if"]["outputs"] == ["true", "false"]
    assert served["logic.loop"]["outputs"] == ["each", "done"]
    assert served["logic.approval"]["outputs"] == ["rejected"]
    assert "condition" in served["logic.if"]["input_schema"]["required"]
    assert served["data.set"]["kind"] == "data"


def test_reserved_node_ids_are_served_and_the_route_needs_a_caller(acme: Api, handle: PlatformHandle) -> None:
    reserved = acme.get("/node-types").json()["reserved_ids"]

    assert {"trigger", "input", "execution", "sum", "states"} <= set(reserved)
    assert reserved == sorted(reserved)
    assert_envelope(handle.anonymous().get("/node-types"), 401, "unauthenticated")
