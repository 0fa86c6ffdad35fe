"""Fixtures for the local runtime's integration tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from state_machines.runtime import LocalRuntime, VirtualClock

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:"
START = datetime(2026, 1, 1, tzinfo=UTC)


def asl(states: dict[str, Any], start: str | None = None, **top: Any) -> str:
    """A definition from its States (StartAt defaults to the first state)."""
    return json.dumps({"StartAt": start or next(iter(states)), "States": states, **top})


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``predicate`` (real time, for events coming from the runtime's thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.002)
    raise AssertionError("condition not reached in time")


def event_types(runtime: LocalRuntime, arn: str) -> list[str]:
    """The types of an execution's history events, in order."""
    return [event["type"] for event in runtime.get_execution_history(arn)]


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """An in-memory runtime whose clock jumps over timers when nothing else can run."""
    with LocalRuntime(clock=VirtualClock(START, auto_advance=True), seed=42) as rt:
        yield rt


@pytest.fixture
def manual_clock() -> VirtualClock:
    """A virtual clock that only moves when a test advances it."""
    return VirtualClock(START)


@pytest.fixture
def manual_runtime(manual_clock: VirtualClock) -> Iterator[LocalRuntime]:
    """An in-memory runtime on a clock the test advances by hand."""
    with LocalRuntime(clock=manual_clock, seed=42) as rt:
        yield rt
