"""The palette offers the node types the API serves (GET /node-types), so a type added to the workflow
model appears in the editor without a copy to update."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Editor
from e2e.helpers import create_workflow, drop_node, node, unique


def test_the_palette_shows_every_node_type_the_api_serves_with_its_handles(
    editor: Editor, page: Page
) -> None:
    # Given the built-in node types the API serves today (whatever has been added since this was written)
    served = httpx.get(f"{editor.api_url}/node-types", headers={"Authorization": f"Bearer {editor.token}"})
    assert served.status_code == 200, served.text
    node_types = served.json()["node_types"]
    assert node_types

    # When a workflow is opened in the editor
    editor.open(page)
    create_workflow(page, unique("Palette"))

    # Then each one is in the palette under its title
    for entry in node_types:
        expect(page.get_by_test_id(f"palette-{entry['type']}")).to_contain_text(entry["title"])

    # And a dropped node shows the output handles the API names for its type
    branching = next(entry for entry in node_types if entry["type"] == "logic.if")
    drop_node(page, "logic.if", 300, 200)
    for output in branching["outputs"]:
        expect(page.get_by_test_id(f"handle-if-{output}")).to_be_attached()
    expect(node(page, "if")).to_contain_text(branching["title"])
