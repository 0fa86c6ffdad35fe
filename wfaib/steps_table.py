"""The step timeline as a rich table: one look for local runs (``wfaib run``) and platform runs (``wfaib runs``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rich.table import Table

__all__ = ["STATUS_COLOURS", "steps_table"]

STATUS_COLOURS = {"succeeded": "green", "failed": "red", "caught": "yellow"}
_PREVIEW = 80


def steps_table(steps: Iterable[dict[str, Any]], title: str | None = None) -> Table:
    """Rows of ``Step.to_dict()`` documents (``state_machines.timeline``), output or error previewed."""
    table = Table("step", "nodes", "status", "attempts", "duration", "output", title=title)
    for step in steps:
        colour = STATUS_COLOURS.get(step["status"], "blue")
        preview = json.dumps(step["output"] if step.get("error") is None else {"error": step["error"]})
        duration = step.get("duration_ms")
        table.add_row(
            step["state"],
            ", ".join(step.get("nodes") or []),
            f"[{colour}]{step['status']}[/]",
            str(step.get("attempts") or ""),
            f"{duration:.0f} ms" if duration is not None else "",
            preview[:_PREVIEW] + ("…" if len(preview) > _PREVIEW else ""),
        )
    return table
