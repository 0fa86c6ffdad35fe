"""The ASL interpreter: walks states, applies I/O processing, Retry/Catch, Map and Parallel.

One :class:`Run` is one execution. It is a coroutine on the runtime's event loop; every effect
that leaves the interpreter (a task call, a timer) goes through :meth:`Run.effect` /
:meth:`Run.sleep_until_key`, which record their outcome in a journal keyed by a deterministic path
(branch + state + visit + attempt). Replaying a run with its journal re-creates the same states
without calling any completed task again; that is how executions survive a restart.

Events follow GetExecutionHistory: ``{timestamp, type, id, previousEventId, <x>EventDetails}``.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from .branch_states import map_state, parallel_state
from .clock import Clock
from .core import (
    JSONATA,
    Failure,
    FatalFailure,
    Frame,
    Scope,
    StateVisit,
    TaskHost,
    TaskRequest,
    dumps,
    iso_millis,
    jsonata_value,
    without_none,
)
from .errors import StatesError
from .flow_states import choice_state, fail_state, pass_state, succeed_state, wait_state
from .jsonpath import write_result_path
from .payload import evaluate_payload
from .task_state import task_state, token_execution_arn

__all__ = [
    "HISTORY_LIMIT",
    "Failure",
    "Frame",
    "Run",
    "Scope",
    "TaskHost",
    "TaskRequest",
    "dumps",
    "iso_millis",
    "token_execution_arn",
]

Body = Callable[["Run", StateVisit], Awaitable[tuple[Any, str | None]]]

HISTORY_LIMIT = 25_000
"""AWS's hard quota of events in one execution's history: the event with this number must be
ExecutionSucceeded, anything else fails the execution instead."""

YIELD_EVERY = 32
"""State transitions between two cooperative yields to the event loop. Pass and Choice states
never await, so without this a loop of them would starve every other execution (and
``stop_execution``); 32 transitions keep the cost off short runs (a few µs per yield)."""

_EXECUTION_ENDS = frozenset(
    ("ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut")
)


class Run:
    """One execution of a state machine definition."""

    def __init__(
        self,
        *,
        execution_arn: str,
        state_machine_arn: str,
        state_machine_name: str,
        name: str,
        definition: dict[str, Any],
        input_value: Any,
        express: bool,
        role_arn: str,
        start: datetime,
        clock: Clock,
        host: TaskHost,
        region: str,
        redrive_count: int = 0,
        journal: dict[str, Any] | None = None,
        events: list[dict[str, Any]] | None = None,
        on_effect: Callable[[Run], None] | None = None,
        rng: random.Random | None = None,
        history_limit: int = HISTORY_LIMIT,
    ) -> None:
        self.execution_arn = execution_arn
        self.state_machine_arn = state_machine_arn
        self.definition = definition
        self.input_value = input_value
        self.express = express
        self.clock = clock
        self.host = host
        self.region = region
        self.journal: dict[str, Any] = journal if journal is not None else {}
        self.new_journal: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = events if events is not None else []
        self.replayed_events = len(self.events)
        self.persisted_events = len(self.events)
        self.next_event_id = 1
        self.on_effect = on_effect
        self.silent = False
        self.silent_entry: list[tuple[Frame | None, str, dict[str, Any] | None]] = []
        self.started = False
        self.history_limit = history_limit
        self.transitions = 0
        self.rng = rng or random.Random(execution_arn)
        self.language = definition.get("QueryLanguage", "JSONPath")
        execution: dict[str, Any] = {
            "Id": execution_arn,
            "Input": input_value,
            "StartTime": iso_millis(start),
            "Name": name,
            "RoleArn": role_arn,
        }
        if not express:
            execution["RedriveCount"] = redrive_count
        self.execution_context = execution
        self.state_machine_context = {"Id": state_machine_arn, "Name": state_machine_name}

    # ----------------------------------------------------------------- events and effects
    def emit(self, frame: Frame | None, event_type: str, details: dict[str, Any] | None = None) -> int:
        """Append one history event (or skip it when it was already persisted before a restart)."""
        if frame is not None and frame.in_child_execution:
            return 0
        event_id = self.next_event_id
        self.next_event_id += 1
        if self.silent:
            # What a redrive replays silently of the state it goes live in is emitted again then:
            # the redriven state is entered anew, as Step Functions shows it.
            if event_type.endswith("StateEntered"):
                self.silent_entry = []
            self.silent_entry.append((frame, event_type, details))
            return event_id
        if event_id >= self.history_limit and event_type not in _EXECUTION_ENDS:
            # The quota's last event is the ExecutionFailed that execute() emits for this failure
            # (persisted histories never reach the quota, so a replay never gets here).
            self.next_event_id = self.history_limit
            raise FatalFailure(
                "States.Runtime",
                f"The execution reached the maximum number of history events ({self.history_limit}).",
            )
        previous = frame.previous_event if frame is not None else event_id - 1
        if frame is not None:
            frame.previous_event = event_id
        if event_id <= self.replayed_events:
            return event_id
        event: dict[str, Any] = {
            "timestamp": self.clock.now(),
            "type": event_type,
            "id": event_id,
            "previousEventId": previous,
        }
        if details is not None:
            event[_details_key(event_type)] = details
        self.events.append(event)
        return event_id

    async def effect(self, key: str, produce: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``produce`` once per ``key`` across restarts; replays serve the recorded outcome."""
        if key in self.journal:
            return _replay_outcome(self.journal[key])
        self.go_live()
        try:
            value = await produce()
        except Failure as failure:
            self.record(key, {"error": failure.error, "cause": failure.cause})
            raise
        except StatesError as exc:
            self.record(key, {"error": exc.error, "cause": exc.cause})
            raise Failure(exc.error, exc.cause) from None
        self.record(key, {"ok": value})
        return value

    def record(self, key: str, outcome: Any) -> None:
        """Store an effect's outcome and persist it (with the events before it) at once."""
        self.journal[key] = outcome
        self.new_journal[key] = outcome
        if self.on_effect is not None:
            self.on_effect(self)

    async def sleep_until_key(self, key: str, due: datetime) -> None:
        """Sleep until ``due``; after a restart the originally computed due time is kept."""
        recorded = self.journal.get(key)
        if recorded is not None:
            due = datetime.fromisoformat(recorded["due"])
        else:
            self.go_live()
            self.record(key, {"due": due.isoformat()})
        await self.clock.sleep_until(due)

    def go_live(self) -> None:
        """End a silent replay (redrive): from here on events are new and appended."""
        if self.silent:
            self.silent = False
            self.next_event_id = len(self.events) + 1
            entry, self.silent_entry = self.silent_entry, []
            for frame, event_type, details in entry:
                if frame is not None:
                    frame.previous_event = len(self.events)  # follows ExecutionRedriven
                self.emit(frame, event_type, details)

    # ----------------------------------------------------------------- the execution
    def begin(self) -> None:
        """Emit ExecutionStarted, once (a replay after a restart or a redrive already has it).

        ``execute`` calls it first; ``stop_execution`` calls it too, for a run stopped before
        its first step, so that its history still starts with ExecutionStarted.
        """
        if self.started:
            return
        self.started = True
        if self.replayed_events or self.silent:
            self.next_event_id = 2
            return
        self.emit(
            None,
            "ExecutionStarted",
            {
                "input": dumps(self.input_value),
                "inputDetails": {"truncated": False},
                "roleArn": self.execution_context["RoleArn"],
            },
        )

    async def execute(self) -> tuple[str, Any, str | None, str | None]:
        """Run to the end: ``(status, output, error, cause)``."""
        self.begin()
        frame = Frame(path="", scope=Scope(), previous_event=1)
        try:
            output = await self.run_program(self.definition, self.input_value, frame, self.language)
        except Failure as failure:
            self.go_live()
            self.emit(
                frame, "ExecutionFailed", without_none({"error": failure.error, "cause": failure.cause})
            )
            return "FAILED", None, failure.error, failure.cause
        self.go_live()
        self.emit(
            frame, "ExecutionSucceeded", {"output": dumps(output), "outputDetails": {"truncated": False}}
        )
        return "SUCCEEDED", output, None, None

    async def run_program(self, program: Mapping[str, Any], value: Any, frame: Frame, language: str) -> Any:
        """Run a StartAt/States program (the machine, a branch or a Map's ItemProcessor)."""
        states = program["States"]
        name: str | None = program["StartAt"]
        language = program.get("QueryLanguage", language)
        while name is not None:
            spec = states.get(name)
            if not isinstance(spec, dict) or "Type" not in spec:
                raise FatalFailure(
                    "States.Runtime", f"The state '{name}' is not defined in the state machine."
                )
            value, name = await self.run_state(name, spec, value, frame, language)
            await self.transitioned()
        return value

    async def transitioned(self) -> None:
        """Count a state transition (or a retry) and yield to the event loop every so often."""
        self.transitions += 1
        if not self.transitions % YIELD_EVERY:
            await asyncio.sleep(0)

    def context_for(
        self, name: str, entered: datetime, extra: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The context object (``$$`` / ``$states.context``) for a state."""
        context: dict[str, Any] = {
            "Execution": self.execution_context,
            "StateMachine": self.state_machine_context,
            "State": {"Name": name, "EnteredTime": iso_millis(entered)},
        }
        if extra:
            context.update(extra)
        return context

    async def run_state(
        self, name: str, spec: dict[str, Any], raw_input: Any, frame: Frame, language: str
    ) -> tuple[Any, str | None]:
        """Run one state visit with its Retry/Catch; return ``(output, next state or None)``."""
        kind = spec["Type"]
        if kind not in _BODIES:
            raise FatalFailure("States.Runtime", f"Unknown state type '{kind}' in state '{name}'.")
        entered = self.clock.now()
        entered_id = self.emit(
            frame,
            f"{kind}StateEntered",
            {"name": name, "input": dumps(raw_input), "inputDetails": {"truncated": False}},
        )
        visit = frame.visits.get(name, 0) + 1
        frame.visits[name] = visit
        st = StateVisit(
            name=name,
            spec=spec,
            jsonata=spec.get("QueryLanguage", language) == JSONATA,
            raw_input=raw_input,
            context=self.context_for(name, entered),
            frame=frame,
            key=f"{frame.path}{name}#{visit}",
            entered_id=entered_id,
            rng=self.rng,
        )
        if kind == "Task":
            # AWS adds RetryCount to the context of Task states only (Pass states show none).
            st.context["State"]["RetryCount"] = 0
        body = _BODIES[kind]
        retriers = spec.get("Retry") or []
        attempts = [0] * len(retriers)
        while True:
            try:
                output, next_state = await body(self, st)
            except StatesError as exc:
                failure = self.state_error(st, exc)
            except Failure as exc:
                failure = exc
            else:
                if st.pending_assign:
                    frame.scope.assign(st.pending_assign)
                if kind not in ("Fail",):
                    self.emit(
                        frame,
                        f"{kind}StateExited",
                        {"name": name, "output": dumps(output), "outputDetails": {"truncated": False}},
                    )
                return output, next_state
            if isinstance(failure, FatalFailure):
                raise failure
            st.pending_assign = None
            delay = self.retry_delay(st, retriers, attempts, failure)
            if delay is not None:
                await self.sleep_until_key(f"{st.key}@retry{st.retry_count}", self.clock.now() + delay)
                # A zero interval does not sleep: a long retry loop must still yield.
                await self.transitioned()
                st.retry_count += 1
                if kind == "Task":
                    st.context = {
                        **st.context,
                        "State": {**st.context["State"], "RetryCount": st.retry_count},
                    }
                continue
            if kind == "Map":
                self.emit(frame, "MapStateFailed")
            elif kind == "Parallel":
                self.emit(frame, "ParallelStateFailed")
            caught = self.catch(st, failure)
            if caught is None:
                raise failure
            output, next_state = caught
            self.emit(
                frame,
                f"{kind}StateExited",
                {"name": name, "output": dumps(output), "outputDetails": {"truncated": False}},
            )
            return output, next_state

    def state_error(self, st: StateVisit, exc: StatesError) -> Failure:
        """Turn an evaluation error into AWS's failure, prefixed with the state and event id."""
        cause = (
            f"An error occurred while executing the state '{st.name}' "
            f"(entered at the event id #{st.entered_id}). {exc.cause or ''}".rstrip()
        )
        if exc.error == "States.Runtime":
            return FatalFailure(exc.error, cause)
        if exc.error == "States.QueryEvaluationError":
            details = {"error": exc.error, "cause": cause, "state": st.name}
            located = _FIELD.search(exc.cause or "")
            if located is not None:
                details["location"] = located.group(1)
            self.emit(st.frame, "EvaluationFailed", details)
        return Failure(exc.error, cause)

    def retry_delay(
        self, st: StateVisit, retriers: list[dict[str, Any]], attempts: list[int], failure: Failure
    ) -> timedelta | None:
        """The delay before the next attempt, or ``None`` when no retrier applies any more."""
        for index, retrier in enumerate(retriers):
            if not _matches(retrier.get("ErrorEquals", []), failure.error):
                continue
            max_attempts = retrier.get("MaxAttempts", 3)
            if attempts[index] >= max_attempts:
                return None
            interval = retrier.get("IntervalSeconds", 1)
            backoff = retrier.get("BackoffRate", 2.0)
            try:
                seconds = float(interval) * math.pow(float(backoff), attempts[index])
            except OverflowError:  # past ~1,000 attempts at BackoffRate 2
                seconds = math.inf if float(interval) else 0.0
            max_delay = retrier.get("MaxDelaySeconds")
            if max_delay is not None:
                seconds = min(seconds, float(max_delay))
            seconds = min(seconds, _LONGEST_DELAY)
            if retrier.get("JitterStrategy") == "FULL":
                seconds = self.rng.uniform(0, seconds)
            attempts[index] += 1
            return timedelta(seconds=seconds)
        return None

    def catch(self, st: StateVisit, failure: Failure) -> tuple[Any, str] | None:
        """Apply the first matching catcher: ``(output, Next)``, or ``None`` when none matches."""
        for catcher in st.spec.get("Catch") or []:
            if not _matches(catcher.get("ErrorEquals", []), failure.error):
                continue
            error_output: dict[str, Any] = {"Error": failure.error}
            if failure.cause is not None:
                error_output["Cause"] = failure.cause
            variables = st.frame.scope.flat()
            try:
                if st.jsonata:
                    states = {"input": st.raw_input, "context": st.context, "errorOutput": error_output}
                    assign = jsonata_value(catcher.get("Assign"), states, variables, "Assign", st.rng)
                    output = (
                        jsonata_value(catcher["Output"], states, variables, "Output", st.rng)
                        if "Output" in catcher
                        else error_output
                    )
                else:
                    assign = (
                        evaluate_payload(
                            catcher["Assign"],
                            error_output,
                            context=st.context,
                            variables=variables,
                            field="Assign",
                            rng=st.rng,
                        )
                        if "Assign" in catcher
                        else None
                    )
                    output = write_result_path(st.raw_input, catcher.get("ResultPath", "$"), error_output)
            except StatesError as exc:
                raise self.state_error(st, exc) from None
            if assign:
                st.frame.scope.assign(assign)
            return output, catcher["Next"]
        return None


_LONGEST_DELAY = 366 * 86_400.0
"""Retry delays are capped here: a standard execution lasts at most a year, so a longer delay
never ends anyway, and an uncapped exponential overflows a timedelta."""

_FIELD = re.compile(r"specified for the field '([^']+)'")


def _details_key(event_type: str) -> str:
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


def _replay_outcome(outcome: Mapping[str, Any]) -> Any:
    if "ok" in outcome:
        return outcome["ok"]
    raise Failure(outcome["error"], outcome.get("cause"))


def _matches(names: list[str], error: str | None) -> bool:
    """AWS's ErrorEquals rules: States.ALL matches all but States.Runtime; TaskFailed not Timeout."""
    if error is None:
        return "States.ALL" in names
    for name in names:
        if name == error:
            return True
        if name == "States.ALL" and error != "States.Runtime":
            return True
        if name == "States.TaskFailed" and not error.startswith("States.") and error != "States.Timeout":
            return True
    return False


_BODIES: dict[str, Body] = {
    "Pass": pass_state,
    "Task": task_state,
    "Choice": choice_state,
    "Wait": wait_state,
    "Succeed": succeed_state,
    "Fail": fail_state,
    "Parallel": parallel_state,
    "Map": map_state,
}
