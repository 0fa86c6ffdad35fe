"""Single-Pass-state executions recorded on AWS, replayed through the expression layer alone.

Every recorded case whose state machine is one Pass state using only data-flow fields
(``Parameters``/``ResultPath``/``OutputPath`` in JSONPath, ``Output`` in JSONata) is evaluated
here without the interpreter: the output, error and cause must be what AWS recorded. The cause
gets the prefix the interpreter adds ("An error occurred while executing the state ...").
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from state_machines.runtime.errors import StatesError
from state_machines.runtime.jsonata_eval import evaluate_template
from state_machines.runtime.jsonpath import read_path, write_result_path
from state_machines.runtime.payload import evaluate_payload

from .conftest import CASES, load_case

_PASS_FIELDS = {"Type", "End", "Comment", "QueryLanguage", "Parameters", "ResultPath", "OutputPath", "Output"}


def _single_pass_cases() -> list[str]:
    if not CASES.is_dir():
        return ["<shared data missing>"]
    names = []
    for folder in sorted(CASES.iterdir()):
        definition = json.loads((folder / "definition.json").read_text())
        states = definition["States"]
        if len(states) != 1:
            continue
        (state,) = states.values()
        if state["Type"] == "Pass" and set(state) <= _PASS_FIELDS:
            names.append(folder.name)
    return names


def _context(execution_input: Any, state_name: str) -> dict[str, Any]:
    arn = "arn:aws:states:us-east-1:111111111111"
    return {
        "Execution": {
            "Id": f"{arn}:execution:machine-name:exec-name",
            "Input": execution_input,
            "Name": "exec-name",
            "RoleArn": "arn:aws:iam::111111111111:role/role",
            "StartTime": "2026-11-21T00:00:00.000Z",
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": f"{arn}:stateMachine:machine-name", "Name": "machine-name"},
        "State": {"EnteredTime": "2026-11-21T00:00:00.000Z", "Name": state_name},
    }


def _run_pass(definition: dict[str, Any], data: Any) -> Any:
    ((name, state),) = definition["States"].items()
    context = _context(data, name)
    language = state.get("QueryLanguage", definition.get("QueryLanguage", "JSONPath"))
    if language == "JSONata":
        if "Output" not in state:
            return data
        return evaluate_template(
            state["Output"], states={"input": data, "context": context}, variables={}, field="Output"
        )
    result = data
    if "Parameters" in state:
        result = evaluate_payload(state["Parameters"], data, context=context, field="Parameters")
    output = write_result_path(data, state.get("ResultPath", "$"), result)
    if "OutputPath" in state:
        output = (
            {} if state["OutputPath"] is None else read_path(state["OutputPath"], output, field="OutputPath")
        )
    return output


def _drop(document: Any, path: str) -> None:
    """Remove the value at a ``$.a.b`` placeholder path from ``document`` (if present)."""
    keys = [k for k in re.split(r"\.|\[(\d+)\]", path[2:]) if k]
    parent = document
    for key in keys[:-1]:
        parent = parent[int(key)] if isinstance(parent, list) else parent.get(key, {})
    if isinstance(parent, dict):
        parent.pop(keys[-1], None)


def _check_patterns(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for path, pattern in expected.get("placeholder_patterns", {}).items():
        keys = [k for k in path[2:].split(".") if k]
        value: Any = actual
        for key in keys:
            value = value[key]
        assert re.fullmatch(pattern, value), (path, value)
        _drop(actual, path)
        _drop(expected, path)


@pytest.mark.parametrize("name", _single_pass_cases())
def test_recorded_single_pass_case(name: str) -> None:
    case = load_case(name)
    expected = case["expected"]
    (state_name,) = case["definition"]["States"]
    try:
        actual: dict[str, Any] = {
            "status": "SUCCEEDED",
            "output": _run_pass(case["definition"], case["input"]),
        }
    except StatesError as exc:
        prefix = f"An error occurred while executing the state '{state_name}' (entered at the event id #2). "
        actual = {"status": "FAILED", "error": exc.error, "cause": prefix + (exc.cause or "")}
    _check_patterns(actual, expected)
    for path in expected.get("placeholders", []):
        _drop(actual, path)
        _drop(expected, path)
    wanted = {key: expected[key] for key in ("status", "output", "error", "cause") if key in expected}
    assert actual == wanted


def test_selection_covers_the_intrinsic_and_jsonata_groups() -> None:
    names = _single_pass_cases()
    assert sum(n.startswith("intrinsic_functions__") for n in names) == 126
    assert sum(n.startswith("outputdecl__") for n in names) >= 7
    assert sum(n.startswith("evaluate_jsonata__") for n in names) >= 3
