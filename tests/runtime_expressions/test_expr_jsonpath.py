"""JSONPath reads and ResultPath writes, with the error sentences AWS (Jayway JsonPath) produces."""

from __future__ import annotations

import pytest

from state_machines.runtime.errors import StatesError
from state_machines.runtime.jsonpath import (
    compact_json,
    is_context_path,
    is_path,
    is_reference_path,
    is_variable_path,
    read_path,
    write_result_path,
)

DATA = {"a": {"b": [10, 20, 30], "c": "x"}, "items": [{"v": 1}, {"v": 2}, {"w": 3}], "k y": 5}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", DATA),
        ("$.a.c", "x"),
        ("$.a.b[1]", 20),
        ("$.a.b[-1]", 30),
        ("$['a']['c']", "x"),
        ('$["a"].b[0]', 10),
        ("$.k y", 5),
        ("$.items[0].v", 1),
    ],
)
def test_definite_paths_return_one_value(path: str, expected: object) -> None:
    assert read_path(path, DATA) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.items[*].v", [1, 2]),
        ("$.a.b[0:2]", [10, 20]),
        ("$.a.b[1:]", [20, 30]),
        ("$.items[?(@.v > 1)]", [{"v": 2}]),
        ("$..v", [1, 2]),
        ("$.a.b[*]", [10, 20, 30]),
        ("$.missing[*]", []),
        ("$.missing[1:5].x", []),
    ],
)
def test_indefinite_paths_return_lists(path: str, expected: object) -> None:
    assert read_path(path, DATA) == expected


def test_a_bracket_key_keeps_backslashes_as_aws_does() -> None:
    data = {'Test\\""Name"': 'Value"\\'}
    assert read_path('$[\'Test\\""Name"\']', data, field="value.$") == 'Value"\\'


def test_context_and_variable_roots() -> None:
    context = {"Execution": {"Id": "arn:x", "Input": {"q": 1}}}
    variables = {"counter": 3, "cfg": {"limits": [5, 6]}}
    assert read_path("$$.Execution.Id", {}, context=context) == "arn:x"
    assert read_path("$$", {}, context=context) == context
    assert read_path("$counter", {}, variables=variables) == 3
    assert read_path("$cfg.limits[1]", {}, variables=variables) == 6


def test_missing_leaf_in_input_path_uses_jaywaysentence() -> None:
    with pytest.raises(StatesError) as raised:
        read_path("$.NoSuchInputPath", {"a": 1}, field="InputPath")
    assert raised.value.error == "States.Runtime"
    assert (
        raised.value.cause == "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    )


def test_missing_intermediate_property_names_the_missing_step() -> None:
    with pytest.raises(StatesError) as raised:
        read_path("$.x.y", {"a": 1}, field="OutputPath")
    assert raised.value.cause == "Invalid path '$.x.y' : Missing property in path $['x']"


def test_index_out_of_bounds() -> None:
    with pytest.raises(StatesError) as raised:
        read_path("$.a.b[7]", DATA, field="ItemsPath")
    assert (
        raised.value.cause
        == "Invalid path '$.a.b[7]' : Index out of bounds when evaluating path $['a']['b'][7]"
    )


def test_missing_path_in_a_payload_field_quotes_the_input() -> None:
    with pytest.raises(StatesError) as raised:
        read_path("$.no_such_jsonpath", {"int-literal": 0}, field="value.$")
    assert raised.value.cause == (
        "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the "
        "input '{\"int-literal\":0}'"
    )


def test_unknown_variable_is_a_runtime_error() -> None:
    with pytest.raises(StatesError) as raised:
        read_path("$nope.x", {}, variables={"other": 1}, field="x.$")
    assert raised.value.error == "States.Runtime"
    assert "nope" in (raised.value.cause or "")


def test_path_kind_helpers() -> None:
    assert is_path("$.a") and not is_path("a") and not is_path(3)
    assert is_context_path("$$.Execution") and not is_context_path("$.a")
    assert is_variable_path("$var.x") and not is_variable_path("$.x") and not is_variable_path("$$.x")
    assert is_reference_path("$.a['b'][0]") and is_reference_path("$")
    assert (
        not is_reference_path("$.a[*]")
        and not is_reference_path("$..a")
        and not is_reference_path("$.a[0:1]")
    )


def test_compact_json_matches_aws_rendering() -> None:
    assert compact_json({"a": [1, "é"], "b": None}) == '{"a":[1,"é"],"b":null}'


class TestWriteResultPath:
    def test_null_discards_the_result(self) -> None:
        assert write_result_path({"a": 1}, None, {"r": 2}) == {"a": 1}

    def test_root_replaces_the_input(self) -> None:
        assert write_result_path({"a": 1}, "$", [1]) == [1]

    def test_creates_intermediate_objects_without_mutating_the_input(self) -> None:
        data = {"a": 1, "r": {"keep": True}}
        out = write_result_path(data, "$.r.x.y", 2)
        assert out == {"a": 1, "r": {"keep": True, "x": {"y": 2}}}
        assert data == {"a": 1, "r": {"keep": True}}

    def test_replaces_a_scalar_on_the_way(self) -> None:
        assert write_result_path({"r": 5}, "$.r.x", 1) == {"r": {"x": 1}}

    def test_writes_into_an_existing_array_item(self) -> None:
        assert write_result_path({"l": [{"a": 1}, {"a": 2}]}, "$.l[1].b", 3) == {
            "l": [{"a": 1}, {"a": 2, "b": 3}]
        }

    def test_non_object_input_cannot_take_a_field(self) -> None:
        with pytest.raises(StatesError) as raised:
            write_result_path('{"a":1}', "$.partitioned", 1)
        assert raised.value.error == "States.ResultPathMatchFailure"
        assert raised.value.cause == 'Unable to apply ReferencePath $.partitioned to input "{\\"a\\":1}"'

    def test_index_past_the_end_cannot_be_written(self) -> None:
        with pytest.raises(StatesError) as raised:
            write_result_path({"l": [1]}, "$.l[3]", 1)
        assert raised.value.error == "States.ResultPathMatchFailure"

    def test_indefinite_result_path_is_rejected(self) -> None:
        with pytest.raises(StatesError):
            write_result_path({}, "$.a[*]", 1)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.a.b.length()", 3),
        ("$.items[*].v.length()", 2),
        ("$.a.keys()", ["b", "c"]),
        ("$.a.b.sum()", 60.0),
        ("$.a.b.avg()", 20.0),
        ("$.a.b.max()", 30.0),
        ("$.a.b.first()", 10),
        ("$.a.b.last()", 30),
    ],
)
def test_jayway_path_functions(path: str, expected: object) -> None:
    assert read_path(path, DATA) == expected


def test_path_function_on_the_wrong_type() -> None:
    with pytest.raises(StatesError) as raised:
        read_path("$.a.c.sum()", DATA)
    assert raised.value.cause == "Invalid path '$.a.c.sum()' : Function sum() cannot be applied to \"x\""


def test_filters_as_aws_samples_write_them() -> None:
    # Dot before a bracket, unquoted words, and a root path inside the filter all occur in AWS's
    # published workflow collection.
    translations = [{"Lang": "es", "Text": "hola"}, {"Lang": "fr", "Text": "salut"}]
    assert read_path("$[?(@.Lang==es)].Text", translations) == ["hola"]
    assert read_path("$.[?(@.OU > 0)]", [{"OU": 1}, {"OU": 0}]) == [{"OU": 1}]
    data = {"me": "w2", "rows": [{"w": "w1", "a": 1}, {"w": "w2", "a": 2}]}
    assert read_path("$.rows[?(@.w == $.me)].a", data) == [2]
