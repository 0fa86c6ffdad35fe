"""Browser tests of the editor: the built editor and the local platform in-process, driven in headless Chromium.

One platform (in its own process) and one browser per session (per xdist worker). The editor is
built with Vite into a temporary folder and served by the platform as its static root, so the
tests never write ``web/dist``. Every test makes its own workflows. Screenshots go to ``test-artifacts/screenshots``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB = REPO_ROOT / "web"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("WFAIB_CHROMIUM", "/usr/bin/chromium")
# A shared 2-core machine can be slow: wait up to 20 s for what a person would wait for.
expect.set_options(timeout=20_000)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Editor:
    """Where the editor is and who signs in to it."""

    url: str
    api_url: str
    token: str

    def open(self, page: Page, route: str = "#/workflows") -> None:
        """Open the editor signed in as the demo owner (the token arrives in the address, as `wfaib dev` hands it
        over); a workflow's route returns once its canvas is drawn and fitted to the view."""
        page.goto(f"{self.url}/#token={self.token}")
        page.get_by_role("heading", name="Workflows").wait_for()
        if route != "#/workflows":
            page.evaluate("route => { window.location.hash = route }", route)
        if route.startswith("#/workflows/"):
            wait_for_canvas(page)


def wait_for_canvas(page: Page) -> None:
    """Wait until the editor has drawn the workflow and fitted it to the view (it marks the canvas
    ``data-fitted``): positions are final and its keyboard shortcuts listen to the loaded workflow,
    which a visible heading alone does not promise."""
    page.locator('[data-testid="canvas"][data-fitted="true"]').wait_for()


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: the editor cannot be built for the browser tests.")
    return npm


@pytest.fixture(scope="session")
def npm() -> str:
    """npm, with the editor's packages installed (npm ci when web/node_modules is missing)."""
    found = _npm()
    if not (WEB / "node_modules").is_dir():
        subprocess.run([found, "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
    return found


@pytest.fixture(scope="session")
def editor_build(tmp_path_factory: pytest.TempPathFactory, npm: str) -> Path:
    """The editor built into a temporary folder."""
    out_dir = tmp_path_factory.mktemp("web-dist")
    subprocess.run(
        [npm, "exec", "--", "vite", "build", "--outDir", str(out_dir), "--emptyOutDir", "--logLevel", "warn"],
        cwd=WEB,
        check=True,
    )
    return out_dir


@pytest.fixture(scope="session")
def editor(tmp_path_factory: pytest.TempPathFactory, editor_build: Path) -> Iterator[Editor]:
    """The local platform serving the built editor, in its own process (see platform_process)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "tests"), str(REPO_ROOT)])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "e2e.platform_process",
            str(tmp_path_factory.mktemp("wfaib-data")),
            str(editor_build),
        ],
        cwd=REPO_ROOT,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=30)
        pytest.fail(f"The local platform did not start (exit code {process.returncode}).")
    started = json.loads(line)
    try:
        yield Editor(started["url"], started["api_url"], started["token"])
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module: Playwright's sync API keeps an event loop running in this
    thread while it is open, which would break ``asyncio.run`` in later tests of the same worker."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"The page raised: {errors}"


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot for people to look at (test-artifacts/ is git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
