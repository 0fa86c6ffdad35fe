"""Turn an execution history (``GetExecutionHistory`` events) into the run's step timeline.

The same function serves AWS and local runs, so the CLI, the API and the editor show a run the
same way wherever it ran. A step is one entry into a state; a state that runs several folded
nodes reports them all (``nodes``), and a state inside a loop appears once per iteration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Step", "build_timeline"]

_FAILURE_EVENTS = {
    "TaskFailed",
    "TaskTimedOut",
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "ExecutionAborted",
    "MapStateFailed",
    "ParallelStateFailed",
    "ChildWorkflowExecutionFailed",
}
_ATTEMPT_EVENTS = {"TaskScheduled", "LambdaFunctionScheduled"}


@dataclass
class Step:
    """One state entry of a run."""

    state: str
    state_type: str
    nodes: list[str]
    status: str = "running"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    input: Any = None
    output: Any = None
    error: str | None = None
    cause: str | None = None
    attempts: int = 0
    children: list[Step] = field(default_factory=list)

    @property
    def duration_ms(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() * 1000

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "type": self.state_type,
            "nodes": self.nodes,
            "status": self.status,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "duration_ms": self.duration_ms,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "attempts": self.attempts,
        }


def build_timeline(
    events: list[dict[str, Any]], state_nodes: dict[str, list[str]] | None = None
) -> list[Step]:
    """Steps in the order they started.

    Example:
        >>> events = [
        ...     {"type": "PassStateEntered", "timestamp": datetime(2026, 1, 1), "stateEnteredEventDetails": {"name": "a", "input": "{}"}},
        ...     {"type": "PassStateExited", "timestamp": datetime(2026, 1, 1), "stateExitedEventDetails": {"name": "a", "output": "1"}},
        ... ]
        >>> [(s.state, s.status, s.output) for s in build_timeline(events)]
        [('a', 'succeeded', 1)]
    """
    state_nodes = state_nodes or {}
    steps: list[Step] = []
    open_steps: list[Step] = []
    for event in events:
        kind = event.get("type", "")
        timestamp = _timestamp(event.get("timestamp"))
        if kind.endswith("StateEntered"):
            details = event.get("stateEnteredEventDetails", {})
            name = details.get("name", "")
            step = Step(
                state=name,
                state_type=kind.removesuffix("StateEntered"),
                nodes=list(state_nodes.get(name, [name])),
                started_at=timestamp,
                input=_json(details.get("input")),
            )
            steps.append(step)
            open_steps.append(step)
        elif kind.endswith("StateExited"):
            details = event.get("stateExitedEventDetails", {})
            step_or_none = _innermost(open_steps, details.get("name"))
            if step_or_none is not None:
                step_or_none.ended_at = timestamp
                step_or_none.output = _json(details.get("output"))
                if step_or_none.status == "running":
                    step_or_none.status = "succeeded" if step_or_none.error is None else "caught"
                open_steps.remove(step_or_none)
        elif kind in _ATTEMPT_EVENTS and open_steps:
            open_steps[-1].attempts += 1
            open_steps[-1].error = open_steps[-1].cause = (
                None  # a retry: only the last attempt's error counts
            )
        elif kind in _FAILURE_EVENTS:
            failure: dict[str, Any] = (
                next((v for k, v in event.items() if k.endswith("EventDetails")), {}) or {}
            )
            target = open_steps[-1] if open_steps else None
            if target is not None:
                target.error = failure.get("error")
                target.cause = failure.get("cause")
                if kind.startswith("Execution"):
                    for step in open_steps:
                        step.status = "failed"
                        step.ended_at = timestamp
                    open_steps.clear()
    return steps


def _innermost(open_steps: list[Step], name: str | None) -> Step | None:
    for step in reversed(open_steps):
        if step.state == name:
            return step
    return None


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value)
    return None
