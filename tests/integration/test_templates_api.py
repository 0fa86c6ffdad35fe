"""Templates and export over HTTP: install from the gallery, publish your own, export and import again."""

from __future__ import annotations

from integration.helpers import EXAMPLES, Api, PlatformHandle, assert_envelope, example, unique


def test_the_gallery_lists_the_built_in_templates_and_installs_one(handle: PlatformHandle) -> None:
    api = handle.client(unique("gallery"))
    listed = {template["id"]: template for template in api.get("/templates").json()}
    assert set(listed) == {path.stem for path in EXAMPLES.glob("*.json")}
    assert listed["hello-world"]["source"] == "builtin"
    assert listed["hello-world"]["nodes"] == 2

    installed = api.post("/templates/hello-world/install", json={"workflow_id": "my-hello"})

    assert installed.status_code == 201, installed.text
    assert installed.headers["ETag"] == '"1"'
    workflow = api.get("/workflows/my-hello").json()
    assert workflow["document"]["nodes"] == example("hello-world")["nodes"]
    assert_envelope(
        api.post("/templates/hello-world/install", json={"workflow_id": "my-hello"}), 409, "version_conflict"
    )


def test_a_tenant_publishes_its_own_templates_and_only_it_sees_them(
    handle: PlatformHandle, globex: Api
) -> None:
    api = handle.client(unique("author"))
    workflow_id = unique("source")
    api.create(example("order-routing", workflow_id))

    published = api.post(
        "/templates", json={"id": "routing-kit", "workflow_id": workflow_id, "name": "Routing kit"}
    )

    assert published.status_code == 201, published.text
    assert (published.json()["source"], published.json()["name"]) == ("tenant", "Routing kit")
    assert "routing-kit" in {t["id"] for t in api.get("/templates").json()}
    assert "routing-kit" not in {t["id"] for t in globex.get("/templates").json()}
    assert_envelope(globex.get("/templates/routing-kit"), 404, "not_found")
    installed = api.post("/templates/routing-kit/install", json={"workflow_id": unique("copy")})
    assert installed.status_code == 201
    assert_envelope(
        api.post("/templates", json={"id": "routing-kit", "workflow_id": workflow_id}), 409, "already_exists"
    )
    assert_envelope(
        api.post("/templates", json={"id": "hello-world", "workflow_id": workflow_id}), 409, "already_exists"
    )
    assert_envelope(api.delete("/templates/hello-world"), 409, "builtin_template")
    assert api.delete("/templates/routing-kit").status_code == 204
    assert_envelope(api.get("/templates/routing-kit"), 404, "not_found")


def test_a_viewer_browses_the_gallery_but_cannot_install(handle: PlatformHandle) -> None:
    viewer = handle.client(unique("gallery"), "viewer")
    assert viewer.get("/templates/hello-world").json()["document"]["id"] == "hello-world"
    assert_envelope(viewer.post("/templates/hello-world/install"), 403, "forbidden")


def test_export_then_import_into_another_tenant_round_trips(acme: Api, globex: Api) -> None:
    workflow_id = unique("exported")
    acme.create(example("order-routing", workflow_id))
    acme.put(f"/workflows/{workflow_id}", json={**example("order-routing", workflow_id), "name": "v2"})

    latest = acme.get(f"/workflows/{workflow_id}/export")
    first = acme.get(f"/workflows/{workflow_id}/export", params={"version": 1})
    imported = globex.post("/workflows", content=latest.content, headers={"Content-Type": "application/json"})

    assert latest.headers["Content-Disposition"] == f'attachment; filename="{workflow_id}.json"'
    assert (latest.json()["name"], first.json()["name"]) == ("v2", example("order-routing")["name"])
    assert imported.status_code == 201, imported.text
    assert globex.get(f"/workflows/{workflow_id}").json()["document"] == latest.json()
