"""The editor without a mouse: create a workflow, add and configure a node, run it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot, wait_for_canvas
from e2e.helpers import node, unique


def tab_to(page: Page, predicate: str, limit: int = 40) -> None:
    """Press Tab until the focused element satisfies a JavaScript predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({predicate}); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_create_configure_and_run_a_workflow_with_the_keyboard_alone(editor: Editor, page: Page) -> None:
    name = unique("Keyboard")
    editor.open(page)

    # Create: Tab to "New workflow", Enter, type a name, Enter
    tab_to(page, "el.textContent === 'New workflow'")
    page.keyboard.press("Enter")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    wait_for_canvas(page)  # shortcuts typed before the editor listens would be lost

    # Add a node: / searches the palette, Enter adds the first match
    page.keyboard.press("/")
    page.keyboard.type("set fields")
    page.keyboard.press("Enter")
    expect(node(page, "set")).to_be_visible()

    # Configure it: E focuses its panel, Tab reaches the field
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(node(page, "set")).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("e")
    tab_to(page, "el.id === 'param-set-fields'", limit=10)
    page.keyboard.type('{"greeting": "hello {{ $trigger.who }}"}')
    expect(page.locator("#param-set-fields")).to_have_value('{"greeting": "hello {{ $trigger.who }}"}')

    # Run: Ctrl+Enter opens the run dialog, type the input, Ctrl+Enter runs (saving and publishing first)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_label("Input (JSON)")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type('{"who": "keyboard"}')
    page.keyboard.press("Control+Enter")

    expect(node(page, "set")).to_have_attribute("data-status", re.compile(r"^(succeeded|failed)$"))
    assert node(page, "set").get_attribute("data-status") == "succeeded", page.locator("main").inner_text()
    expect(page.get_by_test_id("run-output")).to_contain_text('"greeting": "hello keyboard"')
    screenshot(page, "07-keyboard-run")
