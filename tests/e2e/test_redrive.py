"""Redrive a failed run from its run page: it goes on from the failed step and turns green."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Page, expect
from support.flaky_upstream import FlakyUpstream, stock_check_workflow

from e2e.conftest import Editor, screenshot


def test_a_failed_run_is_redriven_from_its_page(editor: Editor, page: Page) -> None:
    upstream = FlakyUpstream()
    try:
        client = httpx.Client(base_url=editor.api_url, headers={"Authorization": f"Bearer {editor.token}"})
        workflow_id = f"redrive-{uuid.uuid4().hex[:6]}"
        assert (
            client.post("/workflows", json=stock_check_workflow(workflow_id, upstream.url)).status_code == 201
        )
        assert (
            client.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).status_code == 200
        )
        run_id = client.post(f"/workflows/{workflow_id}/runs", json={"input": {}}).json()["id"]

        editor.open(page, f"#/runs/{run_id}")
        redrive = page.get_by_role("button", name="Redrive from the failed step")
        expect(redrive).to_be_visible()
        upstream.healthy = True
        redrive.click()

        expect(page.get_by_text('"stock": 7').first).to_be_visible()
        # The failed attempt stays in the timeline, followed by the redriven one that succeeded.
        expect(page.get_by_role("group").filter(has_text="succeeded stock, answer")).to_have_count(1)
        expect(page.get_by_role("group").filter(has_text="failed stock, answer")).to_have_count(1)
        expect(redrive).to_be_hidden()
        screenshot(page, "21-run-redriven")
    finally:
        upstream.close()
