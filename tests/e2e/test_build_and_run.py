"""Build a workflow with the mouse, configure it, save, run it and watch it succeed."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot
from e2e.helpers import create_workflow, drag_connect, drop_node, node, unique


def test_build_a_workflow_by_drag_and_drop_run_it_and_read_a_steps_output(editor: Editor, page: Page) -> None:
    # Given a new, empty workflow
    editor.open(page)
    screenshot(page, "01-workflow-list")
    create_workflow(page, unique("Greeting"))

    # When two nodes are dragged from the palette and connected by their handles
    drop_node(page, "data.set", 260, 220)
    drop_node(page, "data.transform", 620, 220)
    expect(node(page, "set")).to_be_visible()
    expect(node(page, "transform")).to_be_visible()
    drag_connect(page, "set", "out", "transform")
    expect(page.locator(".react-flow__edge:not(.edge-implicit)")).to_have_count(1)

    # And each node is configured in its panel, with an expression autocompleted
    node(page, "set").click()
    page.locator("#param-set-fields").fill(json.dumps({"greeting": "Hello, {{ $trigger.name }}"}))
    node(page, "transform").click()
    output = page.locator("#param-transform-output")
    output.fill('{"message": "{{ $')
    expect(page.get_by_role("option", name="$set")).to_be_visible()
    page.get_by_role("option", name="$set").click()
    output.press_sequentially('.greeting }}!"}')
    expect(output).to_have_value('{"message": "{{ $set.greeting }}!"}')
    screenshot(page, "02-editor-node-panel")

    # And the workflow is saved
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("unsaved changes")).to_have_count(0)

    # And run with an input
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_label("Input (JSON)").fill(json.dumps({"name": "Ada"}))
    page.get_by_role("dialog").get_by_role("button", name="Run", exact=True).click()

    # Then every node turns green
    expect(node(page, "set")).to_have_attribute("data-status", "succeeded")
    expect(node(page, "transform")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded")
    screenshot(page, "03-run-view")

    # And a step's output can be opened from its node
    node(page, "transform").click()
    panel = page.get_by_test_id("node-panel")
    expect(panel.get_by_test_id("step-output")).to_contain_text('"message": "Hello, Ada!"')
    screenshot(page, "04-step-output")
