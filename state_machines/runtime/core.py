"""Shared building blocks of the interpreter: failures, variable scopes, branch frames, the
per-visit state record and AWS's I/O processing steps (InputPath → Parameters → ResultSelector →
ResultPath → OutputPath for JSONPath; Assign/Output for JSONata).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from .jsonata_eval import evaluate_template
from .jsonpath import read_path, write_result_path
from .payload import evaluate_payload

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from .interpreter import Run

__all__ = [
    "JSONATA",
    "NO_RESULT",
    "Failure",
    "FatalFailure",
    "Frame",
    "Scope",
    "StateVisit",
    "TaskHost",
    "TaskRequest",
    "dumps",
    "finish_jsonata",
    "finish_jsonpath",
    "input_path",
    "is_integral",
    "iso_millis",
    "jsonata_value",
    "next_state",
    "output_path",
    "plain_text",
    "without_none",
]

JSONATA = "JSONata"


def dumps(value: Any) -> str:
    """Compact JSON as Step Functions writes it in outputs and events."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def iso_millis(moment: datetime) -> str:
    """``2026-01-01T00:00:00.000Z``: the timestamp format of the context object."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Failure(Exception):
    """A state failed with ``error``/``cause``: Retry and Catch may handle it."""

    def __init__(self, error: str | None, cause: str | None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


class FatalFailure(Failure):
    """A ``States.Runtime`` failure: no Retry or Catch handles it, the execution fails."""


class Scope:
    """Workflow variables of one branch; inner scopes (Map/Parallel) read the outer ones."""

    __slots__ = ("_flat", "parent", "values")

    def __init__(self, parent: Scope | None = None, values: dict[str, Any] | None = None) -> None:
        self.parent = parent
        self.values: dict[str, Any] = values or {}
        self._flat: dict[str, Any] | None = None

    def flat(self) -> dict[str, Any]:
        """Every visible variable, inner ones shadowing outer ones."""
        if self._flat is None:
            merged = dict(self.parent.flat()) if self.parent is not None else {}
            merged.update(self.values)
            self._flat = merged
        return self._flat

    def assign(self, values: Mapping[str, Any]) -> None:
        """Set variables in this scope (after the state that assigns them completes)."""
        if values:
            self.values.update(values)
            self._flat = None


@dataclass(slots=True)
class Frame:
    """One sequential thread of states: the main program, a Parallel branch or a Map iteration."""

    path: str
    scope: Scope
    previous_event: int
    visits: dict[str, int] = field(default_factory=dict)
    in_child_execution: bool = False


@dataclass(slots=True)
class TaskRequest:
    """A Task state's call, handed to the :class:`TaskHost`."""

    resource: str
    arguments: Any
    state_name: str
    key: str
    attempt: int
    token: str | None
    heartbeat: asyncio.Event | None
    last_beat: datetime | None = None
    submitted: Callable[[Any], None] | None = None
    expires: datetime | None = None
    """When TimeoutSeconds or HeartbeatSeconds would fail the task next (auto-advance stops short)."""


class TaskHost(Protocol):
    """Runs Task states' resources for a :class:`Run` (Lambda, nested executions, services)."""

    async def call_task(self, run: Run, request: TaskRequest) -> Any:
        """Return the task's result, or raise ``StatesError`` with the task's error and cause."""
        ...

    def register_token(self, run: Run, token: str, request: TaskRequest) -> None:
        """Start accepting SendTask* calls for ``token``."""
        ...

    def release_token(self, token: str, *, timed_out: bool = False) -> None:
        """Stop accepting SendTask* calls for ``token``."""
        ...


@dataclass(slots=True)
class StateVisit:
    """The per-visit facts of one state: name, definition, language, input, context."""

    name: str
    spec: dict[str, Any]
    jsonata: bool
    raw_input: Any
    context: dict[str, Any]
    frame: Frame
    key: str
    entered_id: int
    rng: random.Random
    retry_count: int = 0
    pending_assign: dict[str, Any] | None = None


def without_none(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v is not None}


def jsonata_value(
    value: Any, states: Mapping[str, Any], variables: Mapping[str, Any], field_name: str, rng: random.Random
) -> Any:
    if value is None:
        return None
    return evaluate_template(value, states=states, variables=variables, field=field_name, rng=rng)


# --------------------------------------------------------------------------- I/O processing
def input_path(st: StateVisit) -> Any:
    """JSONPath ``InputPath`` (null means ``{}``)."""
    spec = st.spec
    if "InputPath" not in spec:
        return st.raw_input
    path = spec["InputPath"]
    if path is None:
        return {}
    return read_path(
        path, st.raw_input, context=st.context, variables=st.frame.scope.flat(), field="InputPath"
    )


def finish_jsonpath(st: StateVisit, result: Any, *, result_path_default: str | None = "$") -> Any:
    """ResultSelector (caller) → Assign → ResultPath → OutputPath, as AWS orders them."""
    spec = st.spec
    variables = st.frame.scope.flat()
    if "Assign" in spec:
        st.pending_assign = evaluate_payload(
            spec["Assign"], result, context=st.context, variables=variables, field="Assign", rng=st.rng
        )
    output = write_result_path(st.raw_input, spec.get("ResultPath", result_path_default), result)
    if "OutputPath" in spec:
        path = spec["OutputPath"]
        output = (
            {}
            if path is None
            else read_path(path, output, context=st.context, variables=variables, field="OutputPath")
        )
    return output


def finish_jsonata(st: StateVisit, result: Any, *, default_output: Any) -> Any:
    """JSONata ``Assign`` and ``Output`` (both see the variables as they were before the state)."""
    spec = st.spec
    variables = st.frame.scope.flat()
    states: dict[str, Any] = {"input": st.raw_input, "context": st.context}
    if result is not NO_RESULT:
        states["result"] = result
    if "Assign" in spec:
        st.pending_assign = jsonata_value(spec["Assign"], states, variables, "Assign", st.rng)
    if "Output" in spec:
        return jsonata_value(spec["Output"], states, variables, "Output", st.rng)
    return default_output


NO_RESULT = object()


def next_state(spec: Mapping[str, Any]) -> str | None:
    return None if spec.get("End") else spec.get("Next")


def output_path(st: StateVisit, value: Any, variables: Mapping[str, Any]) -> Any:
    if "OutputPath" not in st.spec:
        return value
    path = st.spec["OutputPath"]
    if path is None:
        return {}
    return read_path(path, value, context=st.context, variables=variables, field="OutputPath")


def is_integral(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return bool(isinstance(value, int))


def plain_text(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value)
