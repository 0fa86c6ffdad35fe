"""The published workflow JSON Schema is current, and histories turn into step timelines."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from state_machines.model import Workflow
from state_machines.timeline import build_timeline

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "workflow.schema.json"


def test_the_committed_json_schema_matches_the_model() -> None:
    committed = json.loads(SCHEMA_FILE.read_text())
    assert committed == json.loads(json.dumps(Workflow.model_json_schema(by_alias=True))), "run `make golden`"


def test_timeline_pairs_entries_with_exits_and_counts_attempts() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        {"type": "ExecutionStarted", "timestamp": start},
        {
            "type": "TaskStateEntered",
            "timestamp": start,
            "stateEnteredEventDetails": {"name": "a", "input": "{}"},
        },
        {"type": "TaskScheduled", "timestamp": start},
        {
            "type": "TaskFailed",
            "timestamp": start,
            "taskFailedEventDetails": {"error": "RateLimitedError", "cause": "x"},
        },
        {"type": "TaskScheduled", "timestamp": start + timedelta(seconds=2)},
        {"type": "TaskSucceeded", "timestamp": start + timedelta(seconds=2)},
        {
            "type": "TaskStateExited",
            "timestamp": start + timedelta(seconds=2),
            "stateExitedEventDetails": {"name": "a", "output": '{"ok": true}'},
        },
        {
            "type": "PassStateEntered",
            "timestamp": start,
            "stateEnteredEventDetails": {"name": "b", "input": "{}"},
        },
        {
            "type": "ExecutionFailed",
            "timestamp": start,
            "executionFailedEventDetails": {"error": "E", "cause": "C"},
        },
    ]
    first, second = build_timeline(events, {"a": ["a", "shape"]})
    assert (first.nodes, first.attempts, first.output, first.duration_ms) == (
        ["a", "shape"],
        2,
        {"ok": True},
        2000,
    )
    assert (first.status, first.error) == ("succeeded", None)  # a retried failure, then success
    assert (second.status, second.error, second.cause) == ("failed", "E", "C")
