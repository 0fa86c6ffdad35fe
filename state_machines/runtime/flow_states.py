"""The flow states: Pass, Succeed, Fail, Choice and Wait."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .choice import evaluate_rule, parse_timestamp
from .core import (
    NO_RESULT,
    Failure,
    StateVisit,
    dumps,
    finish_jsonata,
    finish_jsonpath,
    input_path,
    is_integral,
    jsonata_value,
    next_state,
    output_path,
)
from .errors import StatesError
from .jsonata_eval import evaluate_expression, is_jsonata_template, template_expression
from .jsonpath import read_path
from .payload import evaluate_payload

if TYPE_CHECKING:
    from .interpreter import Run

__all__ = ["choice_state", "fail_state", "pass_state", "succeed_state", "wait_state"]


async def pass_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
    spec = st.spec
    if st.jsonata:
        return finish_jsonata(st, NO_RESULT, default_output=st.raw_input), next_state(spec)
    effective = input_path(st)
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
    return finish_jsonpath(st, result), next_state(spec)


async def succeed_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
    if st.jsonata:
        return finish_jsonata(st, NO_RESULT, default_output=st.raw_input), None
    effective = input_path(st)
    st.raw_input = effective
    return finish_jsonpath(st, effective, result_path_default="$"), None


async def fail_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
    spec = st.spec
    error: Any = spec.get("Error")
    cause: Any = spec.get("Cause")
    if st.jsonata:
        states = {"input": st.raw_input, "context": st.context}
        variables = st.frame.scope.flat()
        error = jsonata_value(error, states, variables, "Error", st.rng)
        cause = jsonata_value(cause, states, variables, "Cause", st.rng)
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


def _path_or_intrinsic(expression: str, st: StateVisit, variables: Mapping[str, Any], field_name: str) -> Any:
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


async def choice_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
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
                    st.pending_assign = jsonata_value(rule["Assign"], states, variables, "Assign", st.rng)
                output_template = rule["Output"] if "Output" in rule else spec.get("Output")
                output = (
                    st.raw_input
                    if output_template is None
                    else jsonata_value(output_template, states, variables, "Output", st.rng)
                )
                return output, rule["Next"]
        if "Default" not in spec:
            raise _no_choice(st)
        return finish_jsonata(st, NO_RESULT, default_output=st.raw_input), spec["Default"]
    effective = input_path(st)
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
            return output_path(st, effective, variables), rule["Next"]
    if "Default" not in spec:
        raise _no_choice(st)
    if "Assign" in spec:
        st.pending_assign = evaluate_payload(
            spec["Assign"], effective, context=st.context, variables=variables, field="Assign", rng=st.rng
        )
    return output_path(st, effective, variables), spec["Default"]


def _no_choice(st: StateVisit) -> Failure:
    return Failure(
        "States.NoChoiceMatched",
        f"An error occurred while executing the state '{st.name}' (entered at the event id "
        f"#{st.entered_id}). No Choice rule matched and no Default is specified.",
    )


async def wait_state(run: Run, st: StateVisit) -> tuple[Any, str | None]:
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
        return finish_jsonata(st, NO_RESULT, default_output=st.raw_input), next_state(spec)
    effective = input_path(st)
    if "Seconds" in spec:
        due = now + timedelta(seconds=spec["Seconds"])
    elif "SecondsPath" in spec:
        path = spec["SecondsPath"]
        value = read_path(path, effective, context=st.context, variables=variables, field="SecondsPath")
        if not is_integral(value):
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
    return finish_jsonpath(st, effective, result_path_default="$"), next_state(spec)


def _non_negative_seconds(value: Any, st: StateVisit, field_name: str, *, jsonata: bool) -> int:
    if not is_integral(value) and not (isinstance(value, float) and value.is_integer()):
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
