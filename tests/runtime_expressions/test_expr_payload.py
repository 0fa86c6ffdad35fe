"""Payload templates (Parameters, ResultSelector, ItemSelector, JSONPath Assign)."""

from __future__ import annotations

import pytest

from state_machines.runtime.errors import StatesError
from state_machines.runtime.payload import evaluate_payload, evaluate_payload_value


def test_dollar_keys_take_paths_and_intrinsics_recursively() -> None:
    template = {
        "lit": "$.not-a-path",
        "from.$": "$.a",
        "ctx.$": "$$.Execution.Name",
        "var.$": "$count",
        "fn.$": "States.Format('n={}', $.a)",
        "nested": {"deep.$": "$.l[0]", "list": [{"x.$": "$.a"}, 1, "s"]},
    }
    out = evaluate_payload(
        template,
        {"a": 1, "l": ["first"]},
        context={"Execution": {"Name": "run-1"}},
        variables={"count": 3},
    )
    assert out == {
        "lit": "$.not-a-path",
        "from": 1,
        "ctx": "run-1",
        "var": 3,
        "fn": "n=1",
        "nested": {"deep": "first", "list": [{"x": 1}, 1, "s"]},
    }


def test_scalars_and_empty_templates_pass_through() -> None:
    assert evaluate_payload({}, {"a": 1}) == {}
    assert evaluate_payload("text", {"a": 1}) == "text"
    assert evaluate_payload(None, {"a": 1}) is None


def test_output_does_not_alias_the_input() -> None:
    data = {"obj": {"k": [1]}}
    out = evaluate_payload({"copy.$": "$.obj"}, data)
    out["copy"]["k"].append(2)
    assert data == {"obj": {"k": [1]}}


def test_missing_path_names_the_innermost_key() -> None:
    with pytest.raises(StatesError) as raised:
        evaluate_payload({"outer": {"value.$": "$.no_such_jsonpath"}}, {"int-literal": 0})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == (
        "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input "
        "'{\"int-literal\":0}'"
    )


def test_a_dollar_key_needs_a_string() -> None:
    with pytest.raises(StatesError) as raised:
        evaluate_payload({"x.$": 1}, {})
    assert "x.$" in (raised.value.cause or "")


def test_single_value_helper() -> None:
    assert evaluate_payload_value("$.a", {"a": [1]}, field="Cause.$") == [1]
    assert evaluate_payload_value("States.ArrayLength($.a)", {"a": [1]}, field="n.$") == 1
