"""Retire a version from the version history: it is marked, and new runs of it are refused."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot


def test_a_version_is_retired_from_the_history_and_its_runs_are_refused(editor: Editor, page: Page) -> None:
    client = httpx.Client(base_url=editor.api_url, headers={"Authorization": f"Bearer {editor.token}"})
    workflow_id = f"retire-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "Retire me",
        "trigger": {"type": "manual"},
        "nodes": [{"id": "one", "type": "data.set", "params": {"fields": {"n": 1}}}],
        "edges": [],
    }
    assert client.post("/workflows", json=document).status_code == 201
    assert client.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).status_code == 200

    editor.open(page, f"#/workflows/{workflow_id}")
    page.get_by_role("button", name="History").click()
    page.get_by_role("button", name=re.compile(r"^v1")).click()
    page.get_by_role("button", name="Retire (refuse new runs)").click()

    expect(page.get_by_role("button", name=re.compile(r"^v1 .*retired"))).to_be_visible()
    expect(page.get_by_role("button", name="Make active again")).to_be_visible()
    screenshot(page, "22-version-retired")
    refused = client.post(f"/workflows/{workflow_id}/runs", json={"input": {}})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "version_retired"
