"""The canvas is validated while it is edited, before anything is saved (POST /workflows/validate):
problems appear on the node and under the field, and go away when they are fixed."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot
from e2e.helpers import create_workflow, drop_node, node, unique


def test_problems_of_unsaved_edits_show_on_the_node_and_field_and_clear_when_fixed(
    editor: Editor, page: Page
) -> None:
    # Given a new workflow, saved once as created
    editor.open(page)
    name = unique("Live check")
    create_workflow(page, name)

    # When a node that needs a parameter is dropped, and nothing is saved or validated by hand
    drop_node(page, "data.aggregate", 300, 220)

    # Then the node shows its problem, and its panel shows it under the field
    expect(node(page, "aggregate").locator(".node-problems")).to_have_text("⚠ 1")
    node(page, "aggregate").click()
    field = page.locator('[data-field="operation"]')
    expect(field.get_by_role("alert")).to_contain_text("'operation' is required.")
    expect(page.get_by_text("unsaved changes")).to_be_visible()
    screenshot(page, "18-live-validation")

    # And when the field is filled in, the problem goes from the field and from the node
    page.get_by_label("Operation").select_option("count")
    expect(field.get_by_role("alert")).to_have_count(0)
    expect(node(page, "aggregate").locator(".node-problems")).to_have_count(0)

    # And still nothing was saved: the stored workflow is the one created, without the node
    workflow_id = page.evaluate("() => decodeURIComponent(window.location.hash.split('/')[2])")
    stored = httpx.get(
        f"{editor.api_url}/workflows/{workflow_id}", headers={"Authorization": f"Bearer {editor.token}"}
    ).json()
    assert (stored["version"], stored["document"]["nodes"]) == (1, [])
