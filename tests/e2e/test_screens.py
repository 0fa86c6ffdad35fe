"""The other screens: templates, version history, runs, dark mode, tablets, and WCAG checks on each."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from e2e.a11y import axe_violations
from e2e.conftest import Editor, screenshot
from e2e.helpers import node


def api(editor: Editor) -> httpx.Client:
    return httpx.Client(
        base_url=editor.api_url, headers={"Authorization": f"Bearer {editor.token}"}, timeout=30
    )


def failing_workflow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "name": "Checks a signup",
        "trigger": {"type": "manual", "sample_input": {"email": "nobody"}},
        "nodes": [
            {"id": "shape", "type": "data.set", "params": {"fields": {"checked": True}}},
            {
                "id": "valid",
                "type": "logic.if",
                "params": {"condition": "{{ $contains($trigger.email, '@') }}"},
            },
            {"id": "welcome", "type": "logic.stop"},
            {"id": "reject", "type": "logic.fail", "params": {"error": "InvalidEmail", "cause": "No @"}},
        ],
        "edges": [
            {"source": "shape", "target": "valid"},
            {"source": "valid", "target": "welcome", "branch": "true"},
            {"source": "valid", "target": "reject", "branch": "false"},
        ],
    }


def test_a_template_installs_with_one_click(editor: Editor, page: Page) -> None:
    editor.open(page, "#/templates")
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    screenshot(page, "08-templates")

    page.get_by_role("button", name="Install Route orders by value").click()

    expect(page.get_by_role("heading", name="Route orders by value", level=1)).to_be_visible()
    assert re.search(r"#/workflows/order-routing-\d+$", page.url)
    expect(node(page, "is_large")).to_be_visible()
    expect(page.get_by_test_id("handle-is_large-true")).to_be_visible()


def test_version_history_shows_what_changed_and_restores_an_old_version(editor: Editor, page: Page) -> None:
    # Given a workflow saved twice, the second time with a new node
    client = api(editor)
    workflow_id = f"history-{uuid.uuid4().hex[:6]}"
    first = {
        "id": workflow_id,
        "name": "History",
        "trigger": {"type": "manual"},
        "nodes": [{"id": "one", "type": "data.set", "params": {"fields": {"n": 1}}}],
        "edges": [],
    }
    second = {
        **first,
        "nodes": [*first["nodes"], {"id": "two", "type": "data.set", "params": {"fields": {"n": 2}}}],
        "edges": [{"source": "one", "target": "two"}],
    }
    assert client.post("/workflows", json=first).status_code == 201
    assert (
        client.put(f"/workflows/{workflow_id}", json=second, headers={"If-Match": '"1"'}).status_code == 200
    )

    # When version 1 is picked in the history
    editor.open(page, f"#/workflows/{workflow_id}")
    page.get_by_role("button", name="History").click()
    page.get_by_role("button", name=re.compile(r"^v1")).click()

    # Then the diff names the added node and the canvas marks it
    expect(page.get_by_test_id("version-diff")).to_contain_text("added node two")
    expect(page.locator(".react-flow__node.diff-added")).to_have_attribute("data-id", "two")
    screenshot(page, "09-version-history")

    # And restoring it, then saving, makes version 3 equal to version 1
    page.get_by_role("button", name="Restore v1 into the editor").click()
    expect(node(page, "two")).to_have_count(0)
    page.keyboard.press("Control+s")
    expect(page.get_by_text("v3", exact=True)).to_be_visible()
    stored = client.get(f"/workflows/{workflow_id}").json()["document"]
    assert [n["id"] for n in stored["nodes"]] == ["one"] and stored["edges"] == []


def test_runs_list_and_run_detail_show_a_failed_step_with_its_error(editor: Editor, page: Page) -> None:
    client = api(editor)
    workflow_id = f"failing-{uuid.uuid4().hex[:6]}"
    assert client.post("/workflows", json=failing_workflow(workflow_id)).status_code == 201
    assert client.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).status_code == 200
    run = client.post(f"/workflows/{workflow_id}/runs", json={"input": {"email": "nobody"}}).json()

    editor.open(page, f"#/runs?workflow={workflow_id}")
    row = page.get_by_role("row").filter(has_text=run["id"])
    expect(row).to_contain_text("failed")
    screenshot(page, "10-runs-list")

    row.get_by_role("link", name=run["id"]).click()
    expect(page.get_by_role("heading", name=f"Run {run['id']}")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("InvalidEmail")
    screenshot(page, "11-run-detail")

    page.get_by_role("link", name="Open on the canvas").click()
    expect(node(page, "shape")).to_have_attribute("data-status", "succeeded")
    expect(node(page, "reject")).to_have_attribute("data-status", "failed")
    expect(node(page, "welcome")).to_have_attribute("data-status", "")
    screenshot(page, "12-failed-run-on-canvas")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_main_screens_meet_wcag_aa_in_both_themes(editor: Editor, page: Page, theme: str) -> None:
    client = api(editor)
    workflow_id = f"a11y-{theme}-{uuid.uuid4().hex[:6]}"
    assert client.post("/workflows", json=failing_workflow(workflow_id)).status_code == 201
    assert client.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).status_code == 200
    run = client.post(f"/workflows/{workflow_id}/runs", json={"input": {"email": "nobody"}}).json()

    editor.open(page)
    if page.evaluate("document.documentElement.dataset.theme") != theme:
        page.get_by_role("button", name=f"Switch to {theme} mode").click()
    expect(page.locator("html")).to_have_attribute("data-theme", theme)

    screens: dict[str, list[dict[str, Any]]] = {"workflows": axe_violations(page)}
    editor.open(page, f"#/workflows/{workflow_id}?run={run['id']}")
    expect(node(page, "reject")).to_have_attribute("data-status", "failed")
    node(page, "shape").click()
    expect(page.get_by_test_id("node-panel")).to_be_visible()
    screens["editor with a run and a node panel"] = axe_violations(page)
    screenshot(page, f"13-editor-{theme}")
    for route in ("#/templates", "#/runs", f"#/runs/{run['id']}", "#/credentials"):
        page.evaluate("route => { window.location.hash = route }", route)
        page.locator("main h1").first.wait_for()
        # Checked once the screen has its data (every screen says "Loading…" until then), not after a quiet spell on
        # the network, which a screen that polls may never have.
        expect(page.locator("main")).not_to_contain_text("Loading")
        screens[route] = axe_violations(page)

    assert {screen: found for screen, found in screens.items() if found} == {}


def test_on_a_tablet_the_palette_is_a_drawer(editor: Editor, page: Page) -> None:
    page.set_viewport_size({"width": 820, "height": 1180})
    editor.open(page, "#/workflows/hello-world")
    expect(node(page, "greet")).to_be_visible()
    expect(page.get_by_placeholder("Search nodes (/)")).to_be_hidden()

    page.get_by_role("button", name="Nodes").click()

    expect(page.get_by_placeholder("Search nodes (/)")).to_be_visible()
    screenshot(page, "14-tablet")


def test_publish_to_an_environment_from_the_keyboard(editor: Editor, page: Page) -> None:
    client = api(editor)
    workflow_id = f"publish-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "To staging",
        "trigger": {"type": "manual"},
        "nodes": [{"id": "shape", "type": "data.set", "params": {"fields": {"ok": True}}}],
        "edges": [],
    }
    assert client.post("/workflows", json=document).status_code == 201
    editor.open(page, f"#/workflows/{workflow_id}")
    expect(node(page, "shape")).to_be_visible()

    page.keyboard.press("Control+Shift+P")
    expect(page.get_by_label("Environment")).to_be_focused()
    page.keyboard.press("ArrowDown")  # dev -> staging
    expect(page.get_by_label("Environment")).to_have_value("staging")
    page.keyboard.press("Tab")  # to Publish
    page.keyboard.press("Enter")

    expect(page.get_by_text("staging v1", exact=True)).to_be_visible()
    assert client.get(f"/workflows/{workflow_id}").json()["environments"]["staging"]["version"] == 1
