"""The validator answers every input with diagnostics: it never raises, whatever the JSON."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from state_machines.asl import Diagnostic, validate_asl

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "$",
            "$.a",
            "$$.Map.Item.Value",
            "{% 1 + %}",
            "{% $states.input %}",
            "States.Format('{}', $.a)",
            "Succeed",
            "A",
        ]
    )
)
KEYS = st.sampled_from(
    ["StartAt", "States", "Type", "Next", "End", "Choices", "Default", "Branches", "ItemProcessor", "Iterator",
     "Retry", "Catch", "ErrorEquals", "Parameters", "Output", "Arguments", "QueryLanguage", "A", "B", "x.$",
     "Variable", "And", "Not", "Condition", "Seconds", "ProcessorConfig", "Mode", "Resource", "ItemReader"]
)  # fmt: skip
JSON = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=5)
)
STATE_TYPES = st.sampled_from(["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", 7])


def _assert_diagnostics(result: Any) -> None:
    assert isinstance(result, list)
    assert all(isinstance(d, Diagnostic) for d in result)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_any_json_value_gets_diagnostics(value: Any) -> None:
    _assert_diagnostics(validate_asl(json.dumps(value)))


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["A", "B", "C"]), st.dictionaries(KEYS, JSON, max_size=6), min_size=1),
    STATE_TYPES,
)
def test_machines_of_odd_states_get_diagnostics(states: dict[str, Any], kind: Any) -> None:
    for state in states.values():
        state["Type"] = kind
    _assert_diagnostics(validate_asl({"StartAt": "A", "States": states}))
