"""Canvas editing with shortcuts (copy, paste, delete, undo, redo, layout) and validation shown on nodes."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot
from e2e.helpers import node


def test_copy_paste_delete_undo_redo_and_layout_from_the_keyboard(editor: Editor, page: Page) -> None:
    editor.open(page, "#/workflows/hello-world")
    expect(node(page, "greet")).to_be_visible()
    nodes = page.locator(".react-flow__node")
    expect(nodes).to_have_count(3)  # trigger, greet, shape

    node(page, "greet").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(node(page, "greet_2")).to_be_visible()
    expect(nodes).to_have_count(4)

    page.keyboard.press("Delete")  # the pasted node is selected
    expect(node(page, "greet_2")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(node(page, "greet_2")).to_be_visible()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    expect(nodes).to_have_count(3)
    page.keyboard.press("Control+Shift+z")
    expect(nodes).to_have_count(4)
    expect(page.get_by_text("unsaved changes")).to_be_visible()

    before = node(page, "greet_2").bounding_box()
    assert before is not None
    page.keyboard.press("l")
    # Laid out and fitted again: the node is somewhere else on screen (waits for the move, not a time).
    page.wait_for_function(
        """([selector, x, y]) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return Math.abs(box.x - x) > 1 || Math.abs(box.y - y) > 1;
        }""",
        arg=['[data-testid="node-greet_2"]', before["x"], before["y"]],
    )


def test_problems_from_the_api_appear_on_the_node_and_the_field(editor: Editor, page: Page) -> None:
    workflow_id = f"problems-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "Missing a param",
        "trigger": {"type": "manual"},
        "nodes": [
            {"id": "count_items", "type": "data.aggregate", "params": {"items": "{{ $trigger.rows }}"}}
        ],
        "edges": [],
    }
    created = httpx.post(
        f"{editor.api_url}/workflows", json=document, headers={"Authorization": f"Bearer {editor.token}"}
    )
    assert created.status_code == 201

    editor.open(page, f"#/workflows/{workflow_id}")
    page.get_by_role("button", name="Validate").click()

    expect(node(page, "count_items").locator(".node-problems")).to_have_text("⚠ 1")
    node(page, "count_items").click()
    field = page.locator('[data-field="operation"]')
    expect(field.get_by_role("alert")).to_contain_text("'operation' is required.")
    screenshot(page, "15-validation-problems")

    page.get_by_label("Operation").select_option("count")
    expect(field.get_by_role("alert")).to_have_count(0)


def test_arrow_keys_move_the_focused_node_and_undo_moves_it_back(editor: Editor, page: Page) -> None:
    editor.open(page, "#/workflows/hello-world")
    expect(node(page, "greet")).to_be_visible()
    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(page.locator('.react-flow__node[data-id="greet"]')).to_be_focused()
    start = node(page, "greet").bounding_box()
    assert start is not None

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")

    moved = node(page, "greet").bounding_box()
    assert moved is not None and moved["x"] > start["x"]
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    back = node(page, "greet").bounding_box()
    assert back is not None and abs(back["x"] - start["x"]) < 1


def test_the_run_view_colours_nodes_while_the_run_waits_and_can_cancel_it(editor: Editor, page: Page) -> None:
    # Given a workflow that waits for a person's approval after its first step
    workflow_id = f"approval-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "Needs approval",
        "trigger": {"type": "manual", "sample_input": {"amount": 120}},
        "nodes": [
            {"id": "prepare", "type": "data.set", "params": {"fields": {"ok": True}}},
            {"id": "approve", "type": "logic.approval", "params": {"message": "Pay {{ $trigger.amount }}?"}},
            {"id": "paid", "type": "logic.stop"},
            {"id": "refused", "type": "logic.fail", "params": {"error": "Rejected"}},
        ],
        "edges": [
            {"source": "prepare", "target": "approve"},
            {"source": "approve", "target": "paid"},
            {"source": "approve", "target": "refused", "branch": "rejected"},
        ],
    }
    headers = {"Authorization": f"Bearer {editor.token}"}
    assert httpx.post(f"{editor.api_url}/workflows", json=document, headers=headers).status_code == 201

    # When it is run from the editor
    editor.open(page, f"#/workflows/{workflow_id}")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Run", exact=True).click()

    # Then the finished step is green and the waiting one is marked running, while the run goes on
    expect(node(page, "prepare")).to_have_attribute("data-status", "succeeded")
    expect(node(page, "approve")).to_have_attribute("data-status", "running")
    expect(node(page, "paid")).to_have_attribute("data-status", "")
    expect(page.get_by_test_id("run-status")).to_have_text("running")
    expect(page.get_by_text("dev v1", exact=True)).to_be_visible()
    screenshot(page, "17-run-in-progress")

    # And cancelling it from the run panel ends it
    page.get_by_role("button", name="Cancel the run").click()
    expect(page.get_by_test_id("run-status")).to_have_text("aborted")
