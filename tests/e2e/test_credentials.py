"""Credentials: the value goes in once and never comes back; nodes pick a credential by name."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import Editor, screenshot
from e2e.helpers import node


def test_a_stored_credential_is_never_shown_back_and_a_node_can_use_it(editor: Editor, page: Page) -> None:
    secret = f"xoxb-{uuid.uuid4().hex}"
    name = f"Team {uuid.uuid4().hex[:4]}"
    editor.open(page, "#/credentials")
    page.get_by_label("Connector").select_option("slack")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Token *").fill(secret)
    page.get_by_role("button", name="Save credential").click()

    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("slack")
    expect(page.get_by_label("Token *")).to_have_value("")
    assert secret not in page.content()
    screenshot(page, "16-credentials")
    credential_id = row.locator("code").inner_text()
    headers = {"Authorization": f"Bearer {editor.token}"}
    assert secret not in httpx.get(f"{editor.api_url}/credentials", headers=headers).text

    workflow_id = f"slack-{uuid.uuid4().hex[:6]}"
    document = {
        "id": workflow_id,
        "name": "Post to Slack",
        "trigger": {"type": "manual"},
        "nodes": [{"id": "post", "type": "slack.post_message", "params": {"channel": "C1", "text": "hi"}}],
        "edges": [],
    }
    assert httpx.post(f"{editor.api_url}/workflows", json=document, headers=headers).status_code == 201
    editor.open(page, f"#/workflows/{workflow_id}")
    node(page, "post").click()
    page.get_by_label("Credential (bearer)").select_option(credential_id)
    page.keyboard.press("Control+s")
    expect(page.get_by_text("v2", exact=True)).to_be_visible()
    stored = httpx.get(f"{editor.api_url}/workflows/{workflow_id}", headers=headers).json()
    assert stored["document"]["nodes"][0]["credential"] == credential_id
