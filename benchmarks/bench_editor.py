"""Figures for the editor in headless Chromium with a 1,000-node workflow.

- ``editor_open_1000_nodes_ms``: from asking for the workflow's editor route (list page already
  loaded) until all 1,001 nodes (with the trigger) are in the page, measured and fitted in view —
  fetching, laying out the React Flow graph and the first paints. Median of 3.
- ``editor_open_1000_nodes_autolayout_ms``: the same for a copy without positions, so the editor
  lays it out (dagre) first. Median of 3.
- ``editor_pan_frame_ms_median`` / ``editor_pan_frame_ms_p95``: time between animation frames
  while the canvas is dragged (panned) across, with every node in view (zoomed out to fit).
- ``editor_pan_fps``: frames per second over the same drag.
- ``editor_pan_zoom1_frame_ms_median`` / ``..._p95`` / ``editor_pan_zoom1_fps``: the same at
  zoom 1, where a few dozen nodes are in view at full detail — how people usually work.

The editor is built into a temporary folder and served by the local platform (in-process, no
examples seeded). Chromium is Debian's (``/usr/bin/chromium``, or ``WFAIB_CHROMIUM``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["run"]

REPO_ROOT = Path(__file__).resolve().parents[1]
NODES = 1000
CHAIN = 25
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Resolves with the milliseconds until every node is drawn with its size and the view is fitted.
_OPEN = """async ([route, expected]) => {
  const start = performance.now();
  window.location.hash = route;
  return await new Promise((resolve, reject) => {
    const check = () => {
      const nodes = document.querySelectorAll('.react-flow__node');
      const viewport = document.querySelector('.react-flow__viewport');
      const fitted = viewport && /scale\\((0\\.\\d+)/.test(viewport.style.transform);
      const drawn = nodes.length === expected && [...nodes].every((n) => n.style.visibility !== 'hidden');
      if (drawn && fitted) resolve(performance.now() - start);
      else if (performance.now() - start > 60000) reject(new Error(`not drawn after 60 s: ${nodes.length} nodes`));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}"""

_RECORD = """() => {
  window.__frames = [];
  let last = performance.now();
  window.__recording = true;
  const tick = (now) => {
    window.__frames.push(now - last);
    last = now;
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


_VIEWPORT = "() => document.querySelector('.react-flow__viewport').style.transform"

# A point of the canvas with no node under it (the pane), searched on a grid, for a drag that pans.
_EMPTY_POINT = """() => {
  const box = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
  for (let y = box.top + 8; y < box.bottom - 150; y += 7) {
    for (let x = box.left + box.width / 2; x < box.right - 250; x += 11) {
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.classList.contains('react-flow__pane')) return [x, y];
    }
  }
  return null;
}"""


def _pan(page: Any) -> list[float]:
    """Drag the canvas across (120 pointer moves) and return the times between animation frames."""
    point = page.evaluate(_EMPTY_POINT)
    if point is None:
        raise RuntimeError("no empty point on the canvas to drag from")
    x, y = point
    before = page.evaluate(_VIEWPORT)
    page.evaluate(_RECORD)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 121):
        page.mouse.move(x - step * 3, y + step * 2)
    page.mouse.up()
    frames: list[float] = page.evaluate(
        "() => { window.__recording = false; return window.__frames.slice(1); }"
    )
    if page.evaluate(_VIEWPORT) == before:
        raise RuntimeError("the drag did not pan the canvas")
    return [frame for frame in frames if frame > 0]


def _zoom_to_one(page: Any) -> None:
    """Zoom in with the mouse wheel over the middle of the canvas until the scale is about 1."""
    box = page.get_by_test_id("canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(40):
        scale = float(page.evaluate(_VIEWPORT + ".match(/scale\\(([\\d.]+)/)[1]"))
        if scale >= 0.95:
            return
        page.mouse.wheel(0, -120 if scale > 0.8 else -300)
        page.wait_for_timeout(50)
    raise RuntimeError(f"the canvas did not zoom in (scale {scale})")


def _frame_figures(prefix: str, frames: list[float]) -> dict[str, float]:
    ordered = sorted(frames)
    return {
        f"{prefix}_frame_ms_median": round(statistics.median(ordered), 2),
        f"{prefix}_frame_ms_p95": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        f"{prefix}_fps": round(1000 * len(frames) / sum(frames), 1),
    }


def _workflow(workflow_id: str, *, positions: bool) -> dict[str, Any]:
    """1,000 data steps in 40 parallel chains of 25 (a shape that fits on one screen)."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []
    for index in range(NODES):
        chain, step = divmod(index, CHAIN)
        node: dict[str, Any] = {"id": f"n{index}", "type": "data.set", "params": {"fields": {"i": index}}}
        if positions:
            node["position"] = {"x": step * 280, "y": chain * 110}
        nodes.append(node)
        if step:
            edges.append({"source": f"n{index - 1}", "target": f"n{index}"})
    return {
        "id": workflow_id,
        "name": workflow_id,
        "trigger": {"type": "manual"},
        "nodes": nodes,
        "edges": edges,
    }


def _build(out_dir: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to build the editor")
    web = REPO_ROOT / "web"
    if not (web / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=web, check=True)
    subprocess.run(
        [npm, "exec", "--", "vite", "build", "--outDir", str(out_dir), "--emptyOutDir", "--logLevel", "warn"],
        cwd=web,
        check=True,
    )


def run() -> dict[str, float]:
    import httpx
    from playwright.sync_api import sync_playwright

    from wfaib.dev import LocalPlatform

    with tempfile.TemporaryDirectory(prefix="wfaib-bench-editor-") as scratch:
        root = Path(scratch)
        _build(root / "dist")
        with LocalPlatform(root / "data", port=0, seed_examples=False, static_root=root / "dist") as platform:
            headers = {"Authorization": f"Bearer {platform.demo_token}"}
            for workflow_id, positions in (("big", True), ("big-unplaced", False)):
                created = httpx.post(
                    f"{platform.api_url}/workflows",
                    json=_workflow(workflow_id, positions=positions),
                    headers=headers,
                    timeout=120,
                )
                created.raise_for_status()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("WFAIB_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.set_default_timeout(120_000)

                def open_ms(workflow_id: str) -> float:
                    page.goto(f"{platform.url}/#token={platform.demo_token}")
                    page.get_by_role("heading", name="Workflows").wait_for()
                    return float(page.evaluate(_OPEN, [f"#/workflows/{workflow_id}", NODES + 1]))

                placed = [open_ms("big") for _ in range(3)]
                unplaced = [open_ms("big-unplaced") for _ in range(3)]

                open_ms("big")
                fitted = _pan(page)
                _zoom_to_one(page)
                zoomed = _pan(page)
                browser.close()
    return {
        "editor_open_1000_nodes_ms": round(statistics.median(placed), 1),
        "editor_open_1000_nodes_autolayout_ms": round(statistics.median(unplaced), 1),
        **_frame_figures("editor_pan", fitted),
        **_frame_figures("editor_pan_zoom1", zoomed),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
