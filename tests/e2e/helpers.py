"""Steps the browser tests share: create a workflow, drop and connect nodes, wait for a run."""

from __future__ import annotations

import uuid

from playwright.sync_api import Locator, Page, expect

from e2e.conftest import wait_for_canvas


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def create_workflow(page: Page, name: str) -> None:
    """New workflow from the list page; ends in the editor, ready for input."""
    page.get_by_role("button", name="New workflow").click()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    wait_for_canvas(page)


def drop_node(page: Page, node_type: str, x: float, y: float) -> None:
    """Drag a node type from the palette onto the canvas at (x, y) in canvas coordinates."""
    page.get_by_placeholder("Search nodes (/)").fill(node_type)
    page.get_by_test_id(f"palette-{node_type}").drag_to(
        page.get_by_test_id("canvas"), target_position={"x": x, "y": y}
    )


def node(page: Page, node_id: str) -> Locator:
    return page.get_by_test_id(f"node-{node_id}")


def drag_connect(page: Page, source: str, branch: str, target: str) -> None:
    """Connect by dragging from an output handle to a node's input handle, as a person would."""
    start = page.get_by_test_id(f"handle-{source}-{branch}").bounding_box()
    end = node(page, target).locator(".handle-in").bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 20, end["y"] + 20, steps=8)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=4)
    page.mouse.up()
