"""Import a workflow file; save over someone else's save and lose nothing."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot
from e2e.helpers import node


def test_importing_a_json_file_opens_it_on_the_canvas(editor: Editor, page: Page, tmp_path: Path) -> None:
    # Given a workflow file on disk
    workflow_id = f"imported-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "Imported greeting",
        "trigger": {"type": "manual", "sample_input": {"name": "Grace"}},
        "nodes": [
            {"id": "greet", "type": "data.set", "params": {"fields": {"hello": "{{ $trigger.name }}"}}},
            {"id": "check", "type": "logic.if", "params": {"condition": "{{ $input.hello = 'Grace' }}"}},
            {"id": "yes", "type": "logic.stop"},
            {"id": "no", "type": "logic.fail"},
        ],
        "edges": [
            {"source": "greet", "target": "check"},
            {"source": "check", "target": "yes", "branch": "true"},
            {"source": "check", "target": "no", "branch": "false"},
        ],
    }
    path = tmp_path / "greeting.json"
    path.write_text(json.dumps(document))

    # When it is imported from the workflow list
    editor.open(page)
    page.get_by_test_id("import-file").set_input_files(str(path))

    # Then the editor opens it, laid out, with the if's branches as visible handles
    expect(page.get_by_role("heading", name="Imported greeting", level=1)).to_be_visible()
    for node_id in ("greet", "check", "yes", "no"):
        expect(node(page, node_id)).to_be_visible()
    expect(page.get_by_test_id("handle-check-true")).to_be_visible()
    expect(page.get_by_test_id("handle-check-false")).to_be_visible()
    expect(page.locator(".react-flow__edge:not(.edge-implicit)")).to_have_count(3)
    screenshot(page, "05-imported-workflow")

    # And the API has it as written
    stored = httpx.get(
        f"{editor.api_url}/workflows/{workflow_id}", headers={"Authorization": f"Bearer {editor.token}"}
    ).json()
    assert [n["id"] for n in stored["document"]["nodes"]] == ["greet", "check", "yes", "no"]


def test_a_stale_save_shows_both_sides_and_merging_keeps_every_change(editor: Editor, page: Page) -> None:
    # Given a workflow open in the editor
    workflow_id = f"conflict-{uuid.uuid4().hex[:6]}"
    api = httpx.Client(base_url=editor.api_url, headers={"Authorization": f"Bearer {editor.token}"})
    document = {
        "id": workflow_id,
        "name": "Shared workflow",
        "trigger": {"type": "manual"},
        "nodes": [
            {"id": "first", "type": "data.set", "params": {"fields": {"a": 1}}, "position": {"x": 0, "y": 0}},
            {
                "id": "second",
                "type": "data.set",
                "params": {"fields": {"b": 2}},
                "position": {"x": 300, "y": 0},
            },
        ],
        "edges": [{"source": "first", "target": "second"}],
    }
    assert api.post("/workflows", json=document).status_code == 201
    editor.open(page, f"#/workflows/{workflow_id}")
    expect(node(page, "first")).to_be_visible()

    # And someone else saves a change to one node meanwhile
    theirs = json.loads(json.dumps(document))
    theirs["nodes"][1]["params"]["fields"] = {"b": 20}
    assert api.put(f"/workflows/{workflow_id}", json=theirs, headers={"If-Match": '"1"'}).status_code == 200

    # When I change the other node and save
    node(page, "first").click()
    page.locator("#param-first-fields").fill('{"a": 10}')
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")

    # Then I see what they changed and what I changed, and nothing was overwritten
    dialog = page.get_by_test_id("conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("their-changes")).to_contain_text("changed second: params.fields")
    expect(dialog.get_by_test_id("my-changes")).to_contain_text("changed first: params.fields")
    assert api.get(f"/workflows/{workflow_id}").json()["version"] == 2
    screenshot(page, "06-conflict")

    # And merging saves a version with both changes
    dialog.get_by_role("button", name="Merge and save").click()
    expect(page.get_by_test_id("conflict-dialog")).to_have_count(0)
    expect(page.get_by_text("v3", exact=True)).to_be_visible()
    saved = {n["id"]: n["params"] for n in api.get(f"/workflows/{workflow_id}").json()["document"]["nodes"]}
    assert saved == {"first": {"fields": {"a": 10}}, "second": {"fields": {"b": 20}}}
