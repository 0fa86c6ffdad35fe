"""An approver opens their link in a real browser (headless Chromium) and approves with the button."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from integration.helpers import Api, PlatformHandle, example, unique
from integration.test_approvals import EXPENSE, MANAGER, notification_of, pending_approval

CHROMIUM = os.environ.get("WFAIB_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for this module, stopped with it (Playwright's loop must not outlive it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def test_the_emailed_link_opens_a_page_whose_button_approves_with_a_comment(
    acme: Api, handle: PlatformHandle, browser: object
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    workflow_id = unique("expense")
    acme.create(example("expense-approval", workflow_id))
    acme.publish(workflow_id)
    run = acme.start(workflow_id, EXPENSE)
    approval = pending_approval(acme, run["id"])
    link = notification_of(handle, approval["id"]).links[MANAGER]["approve"]
    page = browser.new_page()

    page.goto(link)
    expect(page.locator("#message")).to_have_text("Approve 420 EUR for conference travel?")
    still_waiting = acme.get(f"/runs/{run['id']}").json()["status"]
    page.locator("#comment").fill("have a good trip")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#result")).to_have_text("Recorded: approved.")
    finished = acme.wait_finished(run["id"])
    page.close()

    assert still_waiting == "RUNNING", "opening the page decides nothing"
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {"status": "approved", "amount": 420, "by": MANAGER}
    decided = acme.get(f"/approvals/{approval['id']}").json()
    assert (decided["decided_via"], decided["comment"]) == ("link", "have a good trip")
