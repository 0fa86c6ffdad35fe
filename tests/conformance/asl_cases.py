"""Run one recorded AWS Step Functions case on the local runtime and compare it as the README says.

Each case folder holds ``definition.json``, ``input.json`` and ``expected.json`` (status, output,
error, cause, event types, placeholders). :func:`check_case` returns a list of mismatch
sentences (empty when the case passes).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from state_machines.runtime import LocalRuntime

__all__ = ["case_names", "check_case", "load_known_failures"]

_MISSING = object()
_PARALLEL_END = {"ParallelStateExited", "ParallelStateFailed", "ParallelStateAborted"}


def case_names(cases_dir: Path) -> list[str]:
    """Every case folder name, sorted."""
    return sorted(p.name for p in cases_dir.iterdir() if p.is_dir())


def load_known_failures(path: Path) -> dict[str, str]:
    """``<case> — <reason>`` lines → {case: reason}; blank lines and ``#`` comments are ignored."""
    known: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        case, _, reason = line.partition(" — ")
        known[case.strip()] = reason.strip()
    return known


def _compare(
    expected: Any, actual: Any, path: str, skip: set[str], patterns: dict[str, str], out: list[str]
) -> None:
    if path in skip:
        return
    if path in patterns:
        if not isinstance(actual, str) or re.fullmatch(patterns[path], actual) is None:
            out.append(f"{path}: {actual!r} does not match {patterns[path]!r}")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(f"{path}: expected an object, got {json.dumps(actual)[:200]}")
            return
        for key in expected.keys() | actual.keys():
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            elif key not in expected:
                out.append(f"{path}.{key}: unexpected {json.dumps(actual[key])[:200]}")
            else:
                _compare(expected[key], actual[key], f"{path}.{key}", skip, patterns, out)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(f"{path}: expected {json.dumps(expected)[:300]}, got {json.dumps(actual)[:300]}")
            return
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _compare(e, a, f"{path}[{index}]", skip, patterns, out)
        return
    same_type = isinstance(expected, bool) == isinstance(actual, bool)
    if not same_type or expected != actual:
        out.append(f"{path}: expected {json.dumps(expected)[:300]}, got {json.dumps(actual)[:300]}")


def _normalise_parallel(types: list[str]) -> list[Any]:
    """Replace each outermost Parallel's inner events by a sorted multiset, as the recording did."""
    out: list[Any] = []
    index = 0
    while index < len(types):
        kind = types[index]
        out.append(kind)
        index += 1
        if kind != "ParallelStateStarted":
            continue
        depth = 1
        inner: list[str] = []
        while index < len(types) and depth:
            current = types[index]
            if current == "ParallelStateStarted":
                depth += 1
            elif current in _PARALLEL_END:
                depth -= 1
                if depth == 0:
                    break
            inner.append(current)
            index += 1
        out.append(sorted(Counter(inner).items()))
    return out


def check_case(case_dir: Path, runtime: LocalRuntime) -> list[str]:
    """Run the case and return its mismatches (empty list: the case passes)."""
    expected = json.loads((case_dir / "expected.json").read_text(encoding="utf-8"))
    definition = (case_dir / "definition.json").read_text(encoding="utf-8")
    input_text = (case_dir / "input.json").read_text(encoding="utf-8")
    machine_arn = f"arn:aws:states:us-east-1:111111111111:stateMachine:{case_dir.name[-70:]}"
    if expected.get("state_machine_type") == "EXPRESS":
        info = runtime.start_sync_execution(
            state_machine_arn=machine_arn, definition=definition, input=input_text, type="EXPRESS"
        )
    else:
        started = runtime.start_execution(
            state_machine_arn=machine_arn, definition=definition, input=input_text
        )
        info = runtime.wait(started.execution_arn, timeout=30)
    problems: list[str] = []
    skip = set(expected.get("placeholders") or [])
    patterns = dict(expected.get("placeholder_patterns") or {})
    if info.status != expected["status"]:
        problems.append(
            f"status: expected {expected['status']}, got {info.status} ({info.error}: {info.cause})"
        )
    if "output" in expected and info.status == expected["status"]:
        actual_output = json.loads(info.output) if info.output is not None else None
        _compare(expected["output"], actual_output, "$.output", skip, patterns, problems)
    if "error" in expected and expected["error"] != info.error:
        problems.append(f"error: expected {expected['error']!r}, got {info.error!r}")
    if "cause" in expected:
        actual_cause: Any = info.cause
        if expected.get("cause_is_parsed_json") and isinstance(actual_cause, str):
            with contextlib.suppress(ValueError):
                actual_cause = json.loads(actual_cause)
        _compare(expected["cause"], actual_cause, "$.cause", skip, patterns, problems)
    if expected.get("event_types") is not None:
        actual_types = [event["type"] for event in runtime.get_execution_history(info.execution_arn)]
        want: list[Any] = list(expected["event_types"])
        got: list[Any] = actual_types
        if expected.get("parallel_events_sorted"):
            want, got = _normalise_parallel(want), _normalise_parallel(got)
        if want != got:
            problems.append(f"event_types: expected {expected['event_types']}, got {actual_types}")
    return problems
