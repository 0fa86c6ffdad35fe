"""The ASL interpreter: walks states, applies I/O processing, Retry/Catch, Map and Parallel.

One :class:`Run` is one execution. It is a coroutine on the runtime's event loop; every effect
that leaves the interpreter (a task call, a timer) goes through :meth:`Run.effect` /
:meth:`Run.sleep_until`, which record their outcome in a journal keyed by a deterministic path
(branch + state + visit + attempt). Replaying a run with its journal re-creates the same states
without calling any completed task again; that is how executions survive a restart.

Events follow GetExecutionHistory: ``{timestamp, type, id, previousEventId, <x>EventDetails}``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from .choice import evaluate_rule, parse_timestamp
from .clock import Clock
from .errors import StatesError
from .jsonata_eval import evaluate_expression, evaluate_template, is_jsonata_template, template_expression
from .jsonpath import read_path, write_result_path
from .payload import evaluate_payload

__all__ = [
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
class _State:
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


_TYPE_PREFIX = {
    "Pass": "Pass",
    "Task": "Task",
    "Choice": "Choice",
    "Wait": "Wait",
    "Succeed": "Succeed",
    "Fail": "Fail",
    "Parallel": "Parallel",
    "Map": "Map",
}


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
            return event_id
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

    # ----------------------------------------------------------------- the execution
    async def execute(self) -> tuple[str, Any, str | None, str | None]:
        """Run to the end: ``(status, output, error, cause)``."""
        if not self.replayed_events:
            self.emit(
                None,
                "ExecutionStarted",
                {
                    "input": dumps(self.input_value),
                    "inputDetails": {"truncated": False},
                    "roleArn": self.execution_context["RoleArn"],
                },
            )
        else:
            self.next_event_id = 2
        if self.silent:
            self.next_event_id = 2
        frame = Frame(path="", scope=Scope(), previous_event=1)
        try:
            output = await self.run_program(self.definition, self.input_value, frame, self.language)
        except Failure as failure:
            self.go_live()
            self.emit(
                frame, "ExecutionFailed", _without_none({"error": failure.error, "cause": failure.cause})
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
            spec = states[name]
            value, name = await self.run_state(name, spec, value, frame, language)
        return value

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
        prefix = _TYPE_PREFIX.get(kind)
        if prefix is None:
            raise FatalFailure("States.Runtime", f"Unknown state type '{kind}' in state '{name}'.")
        entered = self.clock.now()
        entered_id = self.emit(
            frame,
            f"{prefix}StateEntered",
            {"name": name, "input": dumps(raw_input), "inputDetails": {"truncated": False}},
        )
        visit = frame.visits.get(name, 0) + 1
        frame.visits[name] = visit
        st = _State(
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
                        f"{prefix}StateExited",
                        {"name": name, "output": dumps(output), "outputDetails": {"truncated": False}},
                    )
                return output, next_state
            if isinstance(failure, FatalFailure):
                raise failure
            st.pending_assign = None
            delay = self.retry_delay(st, retriers, attempts, failure)
            if delay is not None:
                await self.sleep_until_key(f"{st.key}@retry{st.retry_count}", self.clock.now() + delay)
                st.retry_count += 1
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
                f"{prefix}StateExited",
                {"name": name, "output": dumps(output), "outputDetails": {"truncated": False}},
            )
            return output, next_state

    def state_error(self, st: _State, exc: StatesError) -> Failure:
        """Turn an evaluation error into AWS's failure, prefixed with the state and event id."""
        cause = (
            f"An error occurred while executing the state '{st.name}' "
            f"(entered at the event id #{st.entered_id}). {exc.cause or ''}".rstrip()
        )
        if exc.error == "States.Runtime":
            return FatalFailure(exc.error, cause)
        if exc.error == "States.QueryEvaluationError":
            self.emit(
                st.frame,
                "EvaluationFailed",
                {"error": exc.error, "cause": cause, "state": st.name},
            )
        return Failure(exc.error, cause)

    def retry_delay(
        self, st: _State, retriers: list[dict[str, Any]], attempts: list[int], failure: Failure
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
            seconds = float(interval) * math.pow(float(backoff), attempts[index])
            max_delay = retrier.get("MaxDelaySeconds")
            if max_delay is not None:
                seconds = min(seconds, float(max_delay))
            if retrier.get("JitterStrategy") == "FULL":
                seconds = self.rng.uniform(0, seconds)
            attempts[index] += 1
            return timedelta(seconds=seconds)
        return None

    def catch(self, st: _State, failure: Failure) -> tuple[Any, str] | None:
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
                    assign = _jsonata(catcher.get("Assign"), states, variables, "Assign", st.rng)
                    output = (
                        _jsonata(catcher["Output"], states, variables, "Output", st.rng)
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


def _details_key(event_type: str) -> str:
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


def _without_none(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v is not None}


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


def _jsonata(
    value: Any, states: Mapping[str, Any], variables: Mapping[str, Any], field_name: str, rng: random.Random
) -> Any:
    if value is None:
        return None
    return evaluate_template(value, states=states, variables=variables, field=field_name, rng=rng)


# --------------------------------------------------------------------------- I/O processing
def _input_path(st: _State) -> Any:
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


def _finish_jsonpath(st: _State, result: Any, *, result_path_default: str | None = "$") -> Any:
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


def _finish_jsonata(st: _State, result: Any, *, default_output: Any) -> Any:
    """JSONata ``Assign`` and ``Output`` (both see the variables as they were before the state)."""
    spec = st.spec
    variables = st.frame.scope.flat()
    states: dict[str, Any] = {"input": st.raw_input, "context": st.context}
    if result is not _NO_RESULT:
        states["result"] = result
    if "Assign" in spec:
        st.pending_assign = _jsonata(spec["Assign"], states, variables, "Assign", st.rng)
    if "Output" in spec:
        return _jsonata(spec["Output"], states, variables, "Output", st.rng)
    return default_output


_NO_RESULT = object()


# --------------------------------------------------------------------------- state bodies
Body = Callable[[Run, _State], Awaitable[tuple[Any, str | None]]]


def _next(spec: Mapping[str, Any]) -> str | None:
    return None if spec.get("End") else spec.get("Next")


async def _pass(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    if st.jsonata:
        return _finish_jsonata(st, _NO_RESULT, default_output=st.raw_input), _next(spec)
    effective = _input_path(st)
    if "Parameters" in spec:
        result = evaluate_payload(
            spec["Parameters"],
            effective,
            context=st.context,
            variables=st.frame.scope.flat(),
            field="Parameters",
            rng=st.rng,
        )
    elif "Result" in spec:
        result = spec["Result"]
    else:
        result = effective
    return _finish_jsonpath(st, result), _next(spec)


async def _succeed(run: Run, st: _State) -> tuple[Any, str | None]:
    if st.jsonata:
        return _finish_jsonata(st, _NO_RESULT, default_output=st.raw_input), None
    effective = _input_path(st)
    st.raw_input = effective
    return _finish_jsonpath(st, effective, result_path_default="$"), None


async def _fail(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    error: Any = spec.get("Error")
    cause: Any = spec.get("Cause")
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        variables = st.frame.scope.flat()
        error = _jsonata(error, states, variables, "Error", st.rng)
        cause = _jsonata(cause, states, variables, "Cause", st.rng)
    else:
        variables = st.frame.scope.flat()
        if "ErrorPath" in spec:
            error = _path_or_intrinsic(spec["ErrorPath"], st, variables, "ErrorPath")
        if "CausePath" in spec:
            cause = _path_or_intrinsic(spec["CausePath"], st, variables, "CausePath")
    raise Failure(
        error if isinstance(error, str) or error is None else dumps(error),
        cause if isinstance(cause, str) or cause is None else dumps(cause),
    )


def _path_or_intrinsic(expression: str, st: _State, variables: Mapping[str, Any], field_name: str) -> Any:
    if expression.startswith("States."):
        template = evaluate_payload(
            {"v.$": expression},
            st.raw_input,
            context=st.context,
            variables=variables,
            field=field_name,
            rng=st.rng,
        )
        return template["v"]
    return read_path(expression, st.raw_input, context=st.context, variables=variables, field=field_name)


async def _choice(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    variables = st.frame.scope.flat()
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        for rule in spec.get("Choices", []):
            condition = rule.get("Condition")
            matched = (
                evaluate_expression(
                    template_expression(condition) or "",
                    states=states,
                    variables=variables,
                    field="Condition",
                    expected="boolean",
                    rng=st.rng,
                )
                if is_jsonata_template(condition)
                else condition
            )
            if matched is True:
                if "Assign" in rule:
                    st.pending_assign = _jsonata(rule["Assign"], states, variables, "Assign", st.rng)
                output_template = rule["Output"] if "Output" in rule else spec.get("Output")
                output = (
                    st.raw_input
                    if output_template is None
                    else _jsonata(output_template, states, variables, "Output", st.rng)
                )
                return output, rule["Next"]
        if "Default" not in spec:
            raise _no_choice(st)
        return _finish_jsonata(st, _NO_RESULT, default_output=st.raw_input), spec["Default"]
    effective = _input_path(st)
    for rule in spec.get("Choices", []):
        if evaluate_rule(rule, effective, context=st.context, variables=variables):
            if "Assign" in rule:
                st.pending_assign = evaluate_payload(
                    rule["Assign"],
                    effective,
                    context=st.context,
                    variables=variables,
                    field="Assign",
                    rng=st.rng,
                )
            return _output_path(st, effective, variables), rule["Next"]
    if "Default" not in spec:
        raise _no_choice(st)
    if "Assign" in spec:
        st.pending_assign = evaluate_payload(
            spec["Assign"], effective, context=st.context, variables=variables, field="Assign", rng=st.rng
        )
    return _output_path(st, effective, variables), spec["Default"]


def _output_path(st: _State, value: Any, variables: Mapping[str, Any]) -> Any:
    if "OutputPath" not in st.spec:
        return value
    path = st.spec["OutputPath"]
    if path is None:
        return {}
    return read_path(path, value, context=st.context, variables=variables, field="OutputPath")


def _no_choice(st: _State) -> Failure:
    return Failure(
        "States.NoChoiceMatched",
        f"An error occurred while executing the state '{st.name}' (entered at the event id "
        f"#{st.entered_id}). No Choice rule matched and no Default is specified.",
    )


async def _wait(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    now = run.clock.now()
    variables = st.frame.scope.flat()
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        if "Seconds" in spec:
            seconds = spec["Seconds"]
            if is_jsonata_template(seconds):
                seconds = evaluate_expression(
                    template_expression(seconds) or "",
                    states=states,
                    variables=variables,
                    field="Seconds",
                    expected="integer",
                    rng=st.rng,
                )
            due = now + timedelta(seconds=_non_negative_seconds(seconds, st, "Seconds", jsonata=True))
        else:
            stamp = spec.get("Timestamp")
            if isinstance(stamp, str) and is_jsonata_template(stamp):
                stamp = evaluate_expression(
                    template_expression(stamp) or "",
                    states=states,
                    variables=variables,
                    field="Timestamp",
                    rng=st.rng,
                )
            parsed = parse_timestamp(stamp)
            if parsed is None:
                raise StatesError(
                    "States.QueryEvaluationError",
                    "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                    f"format string: {stamp if isinstance(stamp, str) else dumps(stamp)}",
                )
            due = parsed
        await run.sleep_until_key(f"{st.key}@wait", due)
        return _finish_jsonata(st, _NO_RESULT, default_output=st.raw_input), _next(spec)
    effective = _input_path(st)
    if "Seconds" in spec:
        due = now + timedelta(seconds=spec["Seconds"])
    elif "SecondsPath" in spec:
        path = spec["SecondsPath"]
        value = read_path(path, effective, context=st.context, variables=variables, field="SecondsPath")
        if not _is_integral(value):
            raise StatesError(
                "States.Runtime",
                f"The SecondsPath parameter cannot be parsed as a long value: {path} == {dumps(value)}",
            )
        if value < 0:
            raise StatesError(
                "States.Runtime",
                f"The SecondsPath parameter references a negative value: {path} == {dumps(value)}",
            )
        due = now + timedelta(seconds=int(value))
    elif "Timestamp" in spec:
        parsed = parse_timestamp(spec["Timestamp"])
        due = parsed if parsed is not None else now
    else:
        path = spec["TimestampPath"]
        value = read_path(path, effective, context=st.context, variables=variables, field="TimestampPath")
        parsed = parse_timestamp(value)
        if parsed is None:
            raise StatesError(
                "States.Runtime",
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                f"date-time format string: {path} == {value if isinstance(value, str) else dumps(value)}",
            )
        due = parsed
    await run.sleep_until_key(f"{st.key}@wait", due)
    st.raw_input = st.raw_input if "InputPath" not in spec else effective
    return _finish_jsonpath(st, effective, result_path_default="$"), _next(spec)


def _is_integral(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return bool(isinstance(value, int))


def _non_negative_seconds(value: Any, st: _State, field_name: str, *, jsonata: bool) -> int:
    if not _is_integral(value) and not (isinstance(value, float) and value.is_integer()):
        raise StatesError(
            "States.QueryEvaluationError" if jsonata else "States.Runtime",
            f"The {field_name} field must be a non-negative integer, but was: {dumps(value)}",
        )
    if value < 0:
        raise StatesError(
            "States.QueryEvaluationError" if jsonata else "States.Runtime",
            f"The {field_name} field must be a non-negative integer, but was: {dumps(value)}",
        )
    return int(value)


# --------------------------------------------------------------------------- Task
async def _task(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    resource: str = spec["Resource"]
    token = None
    if resource.endswith(".waitForTaskToken"):
        token = _token(run, st)
        st.context = {**st.context, "Task": {"Token": token}}
    variables = st.frame.scope.flat()
    states: dict[str, Any] = {"input": st.raw_input, "context": st.context}
    if st.jsonata:
        arguments = _jsonata(spec.get("Arguments"), states, variables, "Arguments", st.rng)
        if "Arguments" not in spec:
            arguments = st.raw_input
        timeout = _jsonata(spec.get("TimeoutSeconds"), states, variables, "TimeoutSeconds", st.rng)
        heartbeat = _jsonata(spec.get("HeartbeatSeconds"), states, variables, "HeartbeatSeconds", st.rng)
    else:
        effective = _input_path(st)
        arguments = (
            evaluate_payload(
                spec["Parameters"],
                effective,
                context=st.context,
                variables=variables,
                field="Parameters",
                rng=st.rng,
            )
            if "Parameters" in spec
            else effective
        )
        timeout = spec.get("TimeoutSeconds")
        if "TimeoutSecondsPath" in spec:
            timeout = read_path(
                spec["TimeoutSecondsPath"],
                effective,
                context=st.context,
                variables=variables,
                field="TimeoutSecondsPath",
            )
        heartbeat = spec.get("HeartbeatSeconds")
        if "HeartbeatSecondsPath" in spec:
            heartbeat = read_path(
                spec["HeartbeatSecondsPath"],
                effective,
                context=st.context,
                variables=variables,
                field="HeartbeatSecondsPath",
            )
    frame = st.frame
    lambda_function = _is_lambda_function(resource)
    resource_type, resource_name = _resource_parts(resource)
    base = {"resourceType": resource_type, "resource": resource_name}
    if lambda_function:
        scheduled = {"resource": resource, "input": dumps(arguments), "inputDetails": {"truncated": False}}
        if timeout is not None:
            scheduled["timeoutInSeconds"] = timeout
        run.emit(frame, "LambdaFunctionScheduled", scheduled)
        run.emit(frame, "LambdaFunctionStarted")
    else:
        scheduled = {**base, "region": run.region, "parameters": dumps(arguments)}
        if timeout is not None:
            scheduled["timeoutInSeconds"] = timeout
        if heartbeat is not None:
            scheduled["heartbeatInSeconds"] = heartbeat
        run.emit(frame, "TaskScheduled", scheduled)
        run.emit(frame, "TaskStarted", base)
    heartbeat_event = asyncio.Event() if heartbeat is not None and token is not None else None
    request = TaskRequest(
        resource=resource,
        arguments=arguments,
        state_name=st.name,
        key=st.key,
        attempt=st.retry_count,
        token=token,
        heartbeat=heartbeat_event,
    )
    if token is not None:

        def _submitted(output: Any) -> None:
            run.emit(
                frame,
                "TaskSubmitted",
                {**base, "output": dumps(output), "outputDetails": {"truncated": False}},
            )

        request.submitted = _submitted
    call_key = f"{st.key}@task{st.retry_count}"
    try:
        result = await run.effect(
            call_key, lambda: _call_with_timeouts(run, request, call_key, timeout, heartbeat)
        )
    except Failure as failure:
        details = _without_none({"error": failure.error, "cause": failure.cause})
        if lambda_function:
            kind = "LambdaFunctionTimedOut" if failure.error == "States.Timeout" else "LambdaFunctionFailed"
            run.emit(frame, kind, details)
        else:
            kind = (
                "TaskTimedOut"
                if failure.error in ("States.Timeout", "States.HeartbeatTimeout")
                else "TaskFailed"
            )
            run.emit(frame, kind, {**base, **details})
        raise
    output_details = {"output": dumps(result), "outputDetails": {"truncated": False}}
    if lambda_function:
        run.emit(frame, "LambdaFunctionSucceeded", output_details)
    else:
        run.emit(frame, "TaskSucceeded", {**base, **output_details})
    if st.jsonata:
        return _finish_jsonata(st, result, default_output=result), _next(spec)
    if "ResultSelector" in spec:
        result = evaluate_payload(
            spec["ResultSelector"],
            result,
            context=st.context,
            variables=variables,
            field="ResultSelector",
            rng=st.rng,
        )
    return _finish_jsonpath(st, result), _next(spec)


def _token(run: Run, st: _State) -> str:
    """A task token that stays the same when the execution is replayed after a restart."""
    raw = f"{run.execution_arn}|{st.key}@task{st.retry_count}"
    token: str = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return token


def token_execution_arn(token: str) -> str | None:
    """The execution a task token belongs to, or ``None`` for a token we did not issue."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    arn, separator, _ = raw.partition("|")
    return arn if separator else None


async def _call_with_timeouts(run: Run, request: TaskRequest, key: str, timeout: Any, heartbeat: Any) -> Any:
    """Await the task, failing it with States.Timeout / States.HeartbeatTimeout on the clock."""
    if request.token is not None:
        run.host.register_token(run, request.token, request)
    timed_out = False
    try:
        call = asyncio.ensure_future(run.host.call_task(run, request))
        if timeout is None and heartbeat is None:
            return await call
        start_key = f"{key}@scheduled"
        if start_key in run.journal:
            started = datetime.fromisoformat(run.journal[start_key]["due"])
        else:
            started = run.clock.now()
            run.record(start_key, {"due": started.isoformat()})
        deadline = started + timedelta(seconds=float(timeout)) if timeout is not None else None
        beat_window = timedelta(seconds=float(heartbeat)) if heartbeat is not None else None
        while True:
            waiters: dict[asyncio.Future[Any], str] = {call: "call"}
            if deadline is not None:
                waiters[asyncio.ensure_future(run.clock.sleep_until(deadline))] = "timeout"
            if beat_window is not None and request.heartbeat is not None:
                beat_deadline = (request.last_beat or started) + beat_window
                waiters[asyncio.ensure_future(run.clock.sleep_until(beat_deadline))] = "heartbeat"
                waiters[asyncio.ensure_future(request.heartbeat.wait())] = "beat"
            done, _ = await asyncio.wait(list(waiters), return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                if waiter is not call and waiter not in done:
                    waiter.cancel()
            kinds = {waiters[d] for d in done}
            if "call" in kinds:
                return call.result()
            if "timeout" in kinds:
                call.cancel()
                timed_out = True
                raise Failure("States.Timeout", None)
            if request.heartbeat is not None:
                request.heartbeat.clear()
            if (
                "heartbeat" in kinds
                and beat_window is not None
                and run.clock.now() >= (request.last_beat or started) + beat_window
            ):
                call.cancel()
                timed_out = True
                raise Failure("States.HeartbeatTimeout", None)
    finally:
        if request.token is not None:
            run.host.release_token(request.token, timed_out=timed_out)


def _is_lambda_function(resource: str) -> bool:
    return resource.startswith("arn:") and ":lambda:" in resource and ":function:" in resource


def _resource_parts(resource: str) -> tuple[str, str]:
    """``arn:aws:states:::lambda:invoke`` → ``("lambda", "invoke")`` as history events show it."""
    if resource.startswith("arn:") and ":::" in resource:
        rest = resource.split(":::", 1)[1]
        if rest.startswith("aws-sdk:"):
            parts = rest.split(":")
            return ":".join(parts[:2]), ":".join(parts[2:])
        service, _, action = rest.partition(":")
        return service, action
    if _is_lambda_function(resource):
        return "lambda", resource
    return "activity", resource


# --------------------------------------------------------------------------- Parallel
async def _parallel(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    variables = st.frame.scope.flat()
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        branch_input = (
            _jsonata(spec["Arguments"], states, variables, "Arguments", st.rng)
            if "Arguments" in spec
            else st.raw_input
        )
    else:
        effective = _input_path(st)
        branch_input = (
            evaluate_payload(
                spec["Parameters"],
                effective,
                context=st.context,
                variables=variables,
                field="Parameters",
                rng=st.rng,
            )
            if "Parameters" in spec
            else effective
        )
    frame = st.frame
    run.emit(frame, "ParallelStateStarted")
    language = JSONATA if st.jsonata else "JSONPath"
    branches = spec["Branches"]
    children = [
        Frame(
            path=f"{st.key}@{st.retry_count}/b{index}/",
            scope=Scope(frame.scope),
            previous_event=frame.previous_event,
            in_child_execution=frame.in_child_execution,
        )
        for index in range(len(branches))
    ]
    tasks = [
        asyncio.ensure_future(run.run_program(branch, _copy(branch_input), child, language))
        for branch, child in zip(branches, children, strict=True)
    ]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    frame.previous_event = max(child.previous_event for child in children)
    if st.jsonata:
        return _finish_jsonata(st, results, default_output=results), _next(spec)
    result: Any = results
    if "ResultSelector" in spec:
        result = evaluate_payload(
            spec["ResultSelector"],
            result,
            context=st.context,
            variables=variables,
            field="ResultSelector",
            rng=st.rng,
        )
    return _finish_jsonpath(st, result), _next(spec)


def _copy(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value))
    return value


# --------------------------------------------------------------------------- Map
async def _map(run: Run, st: _State) -> tuple[Any, str | None]:
    spec = st.spec
    variables = st.frame.scope.flat()
    states = {"input": st.raw_input, "context": st.context}
    if st.jsonata:
        effective = st.raw_input
        if "Items" in spec:
            items = spec["Items"]
            if isinstance(items, list):
                items = _jsonata(items, states, variables, "Items", st.rng)
            elif is_jsonata_template(items):
                items = evaluate_expression(
                    template_expression(items) or "",
                    states=states,
                    variables=variables,
                    field="Items",
                    expected="array",
                    rng=st.rng,
                )
        else:
            items = effective
        if not isinstance(items, list):
            raise StatesError(
                "States.QueryEvaluationError", f"Map state input must be an array but was: {dumps(items)}"
            )
        max_concurrency = _jsonata_number(
            spec.get("MaxConcurrency", 0), states, variables, "MaxConcurrency", st.rng
        )
    else:
        effective = _input_path(st)
        items_path = spec.get("ItemsPath", "$")
        items = read_path(items_path, effective, context=st.context, variables=variables, field="ItemsPath")
        if not isinstance(items, list):
            raise StatesError(
                "States.QueryEvaluationError", f"Map state input must be an array but was: {dumps(items)}"
            )
        max_concurrency = spec.get("MaxConcurrency", 0)
        if "MaxConcurrencyPath" in spec:
            max_concurrency = _path_integer(
                spec["MaxConcurrencyPath"], "MaxConcurrencyPath", effective, st, variables
            )
    frame = st.frame
    run.emit(frame, "MapStateStarted", {"length": len(items)})
    tolerated_count, tolerated_percentage = _tolerance(spec, st, effective, states, variables)
    processor = spec.get("ItemProcessor") or spec.get("Iterator") or {}
    distributed = (processor.get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"
    if distributed:
        map_run_arn = _map_run_arn(run, st)
        run.emit(frame, "MapRunStarted", {"mapRunArn": map_run_arn})
    batcher = spec.get("ItemBatcher")
    inputs = _item_inputs(st, spec, items, effective, variables)
    if batcher is not None:
        inputs = _batches(batcher, inputs, st, effective, variables)
    language = JSONATA if st.jsonata else "JSONPath"
    limit = int(max_concurrency or 0)
    semaphore = asyncio.Semaphore(limit) if limit > 0 else None
    failures: list[Failure] = []
    stopped = False
    results: list[Any] = [None] * len(inputs)
    base_path = f"{st.key}@{st.retry_count}/"

    async def iterate(index: int, value: Any) -> None:
        child = Frame(
            path=f"{base_path}{index}/",
            scope=Scope(frame.scope),
            previous_event=frame.previous_event,
            in_child_execution=distributed or frame.in_child_execution,
        )
        if semaphore is not None:
            await semaphore.acquire()
        try:
            if stopped:
                return
            if distributed:
                results[index] = await run.run_program(processor, value, child, language)
                return
            run.emit(child, "MapIterationStarted", {"name": st.name, "index": index})
            try:
                results[index] = await run.run_program(processor, value, child, language)
            except FatalFailure:
                raise
            except Failure:
                run.emit(child, "MapIterationFailed", {"name": st.name, "index": index})
                raise
            run.emit(child, "MapIterationSucceeded", {"name": st.name, "index": index})
        finally:
            if semaphore is not None:
                semaphore.release()

    async def guarded(index: int, value: Any) -> None:
        nonlocal stopped
        try:
            await iterate(index, value)
        except FatalFailure:
            stopped = True
            raise
        except Failure as failure:
            failures.append(failure)
            if not _tolerated(len(failures), len(inputs), tolerated_count, tolerated_percentage):
                stopped = True
                raise
            results[index] = {"Error": failure.error, "Cause": failure.cause}

    tasks = [asyncio.ensure_future(guarded(index, value)) for index, value in enumerate(inputs)]
    try:
        if tasks:
            await asyncio.gather(*tasks)
    except Failure as failure:
        for task in tasks:
            task.cancel()
        if distributed:
            run.emit(frame, "MapRunFailed", {"error": failure.error, "cause": failure.cause})
        if failures and len(failures) > 0 and (tolerated_count or tolerated_percentage):
            raise Failure(
                "States.ExceedToleratedFailureThreshold",
                "The specified tolerated failure threshold was exceeded",
            ) from None
        raise
    if distributed:
        run.emit(frame, "MapRunSucceeded")
    run.emit(frame, "MapStateSucceeded")
    if st.jsonata:
        return _finish_jsonata(st, results, default_output=results), _next(spec)
    result: Any = results
    if "ResultSelector" in spec:
        result = evaluate_payload(
            spec["ResultSelector"],
            result,
            context=st.context,
            variables=variables,
            field="ResultSelector",
            rng=st.rng,
        )
    return _finish_jsonpath(st, result), _next(spec)


def _map_run_arn(run: Run, st: _State) -> str:
    machine = run.state_machine_arn.replace(":stateMachine:", ":mapRun:")
    return f"{machine}/{st.name}:{run.rng.getrandbits(64):016x}"


def _item_inputs(
    st: _State, spec: Mapping[str, Any], items: list[Any], effective: Any, variables: Mapping[str, Any]
) -> list[Any]:
    selector_key = (
        "ItemSelector" if "ItemSelector" in spec else "Parameters" if "Parameters" in spec else None
    )
    if selector_key is None:
        return list(items)
    selector = spec[selector_key]
    inputs = []
    for index, item in enumerate(items):
        context = {**st.context, "Map": {"Item": {"Index": index, "Value": item}}}
        if st.jsonata:
            states = {"input": st.raw_input, "context": context}
            inputs.append(_jsonata(selector, states, variables, "ItemSelector", st.rng))
        else:
            inputs.append(
                evaluate_payload(
                    selector, effective, context=context, variables=variables, field=selector_key, rng=st.rng
                )
            )
    return inputs


def _batches(
    batcher: Mapping[str, Any], inputs: list[Any], st: _State, effective: Any, variables: Mapping[str, Any]
) -> list[Any]:
    size = batcher.get("MaxItemsPerBatch")
    if "MaxItemsPerBatchPath" in batcher:
        size = read_path(batcher["MaxItemsPerBatchPath"], effective, context=st.context, variables=variables)
    max_bytes = batcher.get("MaxInputBytesPerBatch")
    batch_input = batcher.get("BatchInput")
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        size = _jsonata(size, states, variables, "MaxItemsPerBatch", st.rng) if size is not None else None
        batch_input = (
            _jsonata(batch_input, states, variables, "BatchInput", st.rng)
            if batch_input is not None
            else None
        )
    elif batch_input is not None:
        batch_input = evaluate_payload(
            batch_input, effective, context=st.context, variables=variables, field="BatchInput", rng=st.rng
        )
    batches: list[list[Any]] = []
    current: list[Any] = []
    current_bytes = 0
    for item in inputs:
        item_bytes = len(dumps(item).encode())
        full = (size and len(current) >= int(size)) or (
            max_bytes and current and current_bytes + item_bytes > int(max_bytes)
        )
        if full:
            batches.append(current)
            current, current_bytes = [], 0
        current.append(item)
        current_bytes += item_bytes
    if current:
        batches.append(current)
    out = []
    for batch in batches:
        entry: dict[str, Any] = {}
        if batch_input is not None:
            entry["BatchInput"] = batch_input
        entry["Items"] = batch
        out.append(entry)
    return out


def _jsonata_number(
    value: Any, states: Mapping[str, Any], variables: Mapping[str, Any], field_name: str, rng: random.Random
) -> Any:
    if is_jsonata_template(value):
        return evaluate_expression(
            template_expression(value) or "",
            states=states,
            variables=variables,
            field=field_name,
            expected="integer",
            rng=rng,
        )
    return value


def _path_integer(path: str, field_name: str, data: Any, st: _State, variables: Mapping[str, Any]) -> int:
    value = read_path(path, data, context=st.context, variables=variables, field=field_name)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not _is_integral(value):
        raise StatesError(
            "States.Runtime",
            f'The {field_name} field refers to value "{_plain(value)}" which is not a valid integer: {path}',
        )
    return int(value)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value)


def _tolerance(
    spec: Mapping[str, Any],
    st: _State,
    effective: Any,
    states: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> tuple[int | None, float | None]:
    count = spec.get("ToleratedFailureCount")
    percentage = spec.get("ToleratedFailurePercentage")
    if st.jsonata:
        if count is not None:
            count = _jsonata_number(count, states, variables, "ToleratedFailureCount", st.rng)
        if percentage is not None and is_jsonata_template(percentage):
            percentage = evaluate_expression(
                template_expression(percentage) or "",
                states=states,
                variables=variables,
                field="ToleratedFailurePercentage",
                expected="number",
                rng=st.rng,
            )
    else:
        if "ToleratedFailureCountPath" in spec:
            count = _path_integer(
                spec["ToleratedFailureCountPath"], "ToleratedFailureCountPath", effective, st, variables
            )
        if "ToleratedFailurePercentagePath" in spec:
            path = spec["ToleratedFailurePercentagePath"]
            value = read_path(
                path,
                effective,
                context=st.context,
                variables=variables,
                field="ToleratedFailurePercentagePath",
            )
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = float(value)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StatesError(
                    "States.Runtime",
                    f'The ToleratedFailurePercentagePath field refers to value "{_plain(value)}" '
                    f"which is not a valid float: {path}",
                )
            percentage = value
    if percentage is not None and not 0 <= float(percentage) <= 100:
        raise StatesError("States.Runtime", "ToleratedFailurePercentage must be between 0 and 100.")
    return (int(count) if count is not None else None), (
        float(percentage) if percentage is not None else None
    )


def _tolerated(failed: int, total: int, count: int | None, percentage: float | None) -> bool:
    if count is None and percentage is None:
        return False
    if count is not None and failed <= count:
        return True
    return percentage is not None and total > 0 and failed * 100.0 / total <= percentage


_BODIES: dict[str, Body] = {
    "Pass": _pass,
    "Task": _task,
    "Choice": _choice,
    "Wait": _wait,
    "Succeed": _succeed,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
}
