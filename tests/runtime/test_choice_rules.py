"""JSONPath Choice operators: AWS's type rules, wildcards and timestamps."""

from __future__ import annotations

from typing import Any

import pytest

from state_machines.runtime.choice import evaluate_rule, parse_timestamp
from state_machines.runtime.errors import StatesError


def matches(rule: dict[str, Any], data: Any, variables: dict[str, Any] | None = None) -> bool:
    return evaluate_rule({"Variable": "$.v", **rule}, data, context={}, variables=variables or {})


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("log-*.txt", "log-2026.txt", True),
        ("log-*.txt", "log-2026.csv", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axxb", False),
        ("*", "", True),
    ],
)
def test_string_matches_wildcards_and_escaped_stars(pattern: str, value: str, expected: bool) -> None:
    assert matches({"StringMatches": pattern}, {"v": value}) is expected


def test_booleans_are_not_numbers_and_strings_are_not_numeric() -> None:
    assert matches({"NumericEquals": 1}, {"v": 1.0})
    assert not matches({"NumericEquals": 1}, {"v": True})
    assert not matches({"NumericEquals": 1}, {"v": "1"})
    assert not matches({"IsNumeric": True}, {"v": False})
    assert matches({"IsBoolean": True}, {"v": False})


def test_timestamps_compare_as_instants_across_offsets_and_fractions() -> None:
    assert matches({"TimestampEquals": "2026-01-01T01:00:00+01:00"}, {"v": "2026-01-01T00:00:00Z"})
    assert matches({"TimestampLessThan": "2026-01-01T00:00:00.5Z"}, {"v": "2026-01-01T00:00:00.123Z"})
    assert not matches({"IsTimestamp": True}, {"v": "2026-01-01 00:00:00Z"})
    assert parse_timestamp("2026-01-01T00:00:00") is None


def test_path_operators_read_the_other_side_from_input_or_variables() -> None:
    assert matches({"NumericGreaterThanPath": "$.limit"}, {"v": 5, "limit": 3})
    assert matches({"StringEqualsPath": "$expected"}, {"v": "ok"}, {"expected": "ok"})


def test_and_or_not_combine_rules_and_is_present_guards_missing_values() -> None:
    rule = {
        "And": [
            {"Variable": "$.v", "IsPresent": True},
            {"Not": {"Variable": "$.v", "IsNull": True}},
            {"Or": [{"Variable": "$.v", "NumericEquals": 1}, {"Variable": "$.v", "NumericEquals": 2}]},
        ]
    }
    assert evaluate_rule(rule, {"v": 2}, context={}, variables={})
    assert not evaluate_rule(rule, {}, context={}, variables={})


def test_a_missing_variable_in_a_comparison_is_a_runtime_error() -> None:
    with pytest.raises(StatesError) as failure:
        matches({"NumericEquals": 1}, {})
    assert failure.value.error == "States.Runtime"
