"""``POST /imports/n8n`` over real HTTP against the local platform."""

from __future__ import annotations

import json
from pathlib import Path

from integration.helpers import PlatformHandle, assert_envelope, unique

from n8n.helpers import links, n8n_node, workflow

SHARED_EXPORT = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "n8n-workflows"
    / "Telegram__Bitcoin_price_alert_to_Telegram_with_CoinPaprika.json"
)


def test_an_export_converts_without_saving_and_the_result_can_be_created(handle: PlatformHandle) -> None:
    owner = handle.client("acme")
    export = workflow(
        n8n_node("Start", "manualTrigger"),
        n8n_node("Sheet", "googleSheets"),
        n8n_node("Done", "noOp"),
        connections=links(("Start", "Sheet"), ("Sheet", "Done")),
    )
    response = owner.post("/imports/n8n", json=export)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"workflow", "report"}
    assert body["report"]["nodes"] == 3 and body["report"]["converted"] == 2
    assert [p["name"] for p in body["report"]["placeholders"]] == ["Sheet"]
    document = {**body["workflow"], "id": unique("n8n")}
    assert owner.get(f"/workflows/{document['id']}").status_code == 404  # the import saved nothing
    created = owner.create(document)
    assert created["document"]["nodes"] == body["workflow"]["nodes"]


def test_a_real_export_from_the_shared_corpus_converts(handle: PlatformHandle) -> None:
    assert SHARED_EXPORT.is_file(), f"shared test data missing: {SHARED_EXPORT}"
    response = handle.client("acme").post("/imports/n8n", content=SHARED_EXPORT.read_bytes())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["workflow"]["trigger"]["type"] == "schedule"
    assert {node["type"] for node in body["workflow"]["nodes"]} >= {
        "http.request",
        "logic.if",
        "telegram.send_message",
    }


def test_garbage_gets_the_error_envelope(handle: PlatformHandle) -> None:
    owner = handle.client("acme")
    assert_envelope(owner.post("/imports/n8n", content=b"{not json"), 422, "invalid_request")
    assert_envelope(owner.post("/imports/n8n", json=[1, 2]), 422, "invalid_request")
    error = assert_envelope(owner.post("/imports/n8n", json={"hello": "world"}), 422, "invalid_n8n_workflow")
    assert "nodes" in error["message"]
    bad_node = {"nodes": [{"name": "x"}], "connections": {}}
    assert_envelope(owner.post("/imports/n8n", content=json.dumps(bad_node)), 422, "invalid_n8n_workflow")


def test_a_viewer_may_not_import_and_anonymous_callers_are_refused(handle: PlatformHandle) -> None:
    export = workflow(n8n_node("Start", "manualTrigger"))
    assert_envelope(handle.client("acme", role="viewer").post("/imports/n8n", json=export), 403)
    assert_envelope(handle.anonymous().post("/imports/n8n", json=export), 401)
    assert handle.client("acme", role="member").post("/imports/n8n", json=export).status_code == 200


def test_the_route_is_in_the_openapi_document(handle: PlatformHandle) -> None:
    paths = handle.anonymous().get("/openapi.json").json()["paths"]
    assert "post" in paths["/imports/n8n"]
