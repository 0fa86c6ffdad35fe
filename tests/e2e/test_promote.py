"""Promote a published version dev → staging → prod from the publish dialog, and roll an environment back,
seeing which version each environment runs."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Page, expect

from e2e.a11y import axe_violations
from e2e.conftest import Editor, screenshot
from e2e.helpers import node


def test_promote_through_the_environments_and_roll_prod_back(editor: Editor, page: Page) -> None:
    # Given a workflow whose versions 1 and 2 have both been published to dev (2 is there now)
    client = httpx.Client(base_url=editor.api_url, headers={"Authorization": f"Bearer {editor.token}"})
    workflow_id = f"promote-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "Promoted",
        "trigger": {"type": "manual"},
        "nodes": [{"id": "shape", "type": "data.set", "params": {"fields": {"release": 1}}}],
        "edges": [],
    }
    assert client.post("/workflows", json=document).status_code == 201
    assert client.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).status_code == 200
    document["nodes"][0]["params"] = {"fields": {"release": 2}}
    assert (
        client.put(f"/workflows/{workflow_id}", json=document, headers={"If-Match": '"1"'}).status_code == 200
    )
    assert client.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).status_code == 200

    # When the publish dialog is opened
    editor.open(page, f"#/workflows/{workflow_id}")
    expect(node(page, "shape")).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_role("dialog")

    # Then it shows what each environment runs
    expect(dialog.get_by_test_id("environment-dev-version")).to_have_text("v2")
    expect(dialog.get_by_test_id("environment-staging-version")).to_have_text("not published")
    expect(dialog.get_by_role("button", name="Promote staging to prod")).to_be_disabled()

    # When dev's version is promoted to staging, then staging's to prod
    dialog.get_by_role("button", name="Promote dev v2 to staging").click()
    expect(dialog.get_by_test_id("environment-staging-version")).to_have_text("v2")
    dialog.get_by_role("button", name="Promote staging v2 to prod").click()
    expect(dialog.get_by_test_id("environment-prod-version")).to_have_text("v2")
    screenshot(page, "19-promote")
    assert axe_violations(page) == []

    # And prod is rolled back to version 1
    dialog.get_by_label("Version to roll prod back to").select_option("1")
    dialog.get_by_role("button", name="Roll prod back").click()

    # Then each environment runs what the dialog, the toolbar and the API say
    expect(dialog.get_by_test_id("environment-prod-version")).to_have_text("v1")
    dialog.get_by_role("button", name="Close").click()
    expect(page.get_by_text("prod v1", exact=True)).to_be_visible()
    expect(page.get_by_text("staging v2", exact=True)).to_be_visible()
    environments = client.get(f"/workflows/{workflow_id}").json()["environments"]
    assert {env: info["version"] for env, info in environments.items()} == {"dev": 2, "staging": 2, "prod": 1}
