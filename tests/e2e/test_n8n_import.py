"""Import an n8n export from the workflow list: the API converts it (POST /imports/n8n), the editor shows
the report (converted nodes, placeholders and why), then creates the workflow and opens it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from e2e.a11y import axe_violations
from e2e.conftest import Editor, screenshot
from e2e.helpers import node

N8N_EXPORT = "Telegram__Chat_with_OpenAIs_GPT_via_a_simple_Telegram_Bot.json"


@pytest.fixture(scope="module")
def n8n_workflows() -> Path:
    """The shared n8n corpus: ``../shared/data/n8n-workflows`` next to the repository, used as it is."""
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "n8n-workflows"
    if not folder.is_dir():
        pytest.fail(
            f"The n8n corpus was not found at {folder}: the 'shared' folder must sit next to the repository."
        )
    return folder


def test_an_n8n_export_is_converted_reported_created_and_opened(
    editor: Editor, page: Page, n8n_workflows: Path
) -> None:
    # Given an n8n export, and what the API makes of it
    path = n8n_workflows / N8N_EXPORT
    converted = httpx.post(
        f"{editor.api_url}/imports/n8n",
        json=json.loads(path.read_text()),
        headers={"Authorization": f"Bearer {editor.token}"},
    )
    assert converted.status_code == 200, converted.text
    report = converted.json()["report"]
    assert report["placeholders"], "pick an export with at least one placeholder"

    # When it is imported from the workflow list
    editor.open(page)
    page.get_by_test_id("import-file").set_input_files(str(path))

    # Then the report says how many nodes were converted and which are placeholders, and why
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("n8n-converted")).to_contain_text(
        f"Converted {report['converted']} of {report['nodes']} n8n nodes"
    )
    rows = dialog.get_by_test_id("n8n-placeholders").locator("tbody tr")
    expect(rows).to_have_count(len(report["placeholders"]))
    for placeholder in report["placeholders"]:
        row = rows.filter(has_text=placeholder["n8n_type"])
        expect(row).to_contain_text(placeholder["name"])
        expect(row).to_contain_text(placeholder["reason"])
    screenshot(page, "20-n8n-import-report")
    assert axe_violations(page) == []

    # And creating it opens it on the canvas, placeholders included, saved as version 1
    dialog.get_by_role("button", name="Create the workflow").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(converted.json()["workflow"]["name"])
    for placeholder in report["placeholders"]:
        expect(node(page, placeholder["node"])).to_be_visible()
    expect(page.get_by_text("v1", exact=True)).to_be_visible()
