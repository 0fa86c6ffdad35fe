"""States.* intrinsic functions: parsing, AWS's results (from the recorded cases) and failures."""

from __future__ import annotations

import random
import re

import pytest

from state_machines.runtime.errors import StatesError
from state_machines.runtime.intrinsics import evaluate_intrinsic, is_intrinsic, json_equal, parse_intrinsic

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def run(expression: str, data: object = None, **kwargs: object) -> object:
    return evaluate_intrinsic(expression, data, **kwargs)  # type: ignore[arg-type]


def fails(expression: str, data: object = None) -> str:
    with pytest.raises(StatesError) as raised:
        run(expression, data)
    assert raised.value.error == "States.Runtime"
    return raised.value.cause or ""


class TestParsing:
    def test_is_intrinsic(self) -> None:
        assert is_intrinsic("States.Format('x')")
        assert is_intrinsic("  States.UUID()")
        assert not is_intrinsic("$.a")
        assert not is_intrinsic("States.Format")
        assert not is_intrinsic(1)

    def test_literals_of_every_kind(self) -> None:
        assert run("States.Array('a', 1, -2.5, true, false, null, 1e2)") == [
            "a",
            1,
            -2.5,
            True,
            False,
            None,
            100.0,
        ]

    def test_string_escapes(self) -> None:
        assert run(r"States.Array('it\'s', 'a\\b', 'x\{y\}')") == ["it's", "a\\b", "x{y}"]
        assert run("States.StringSplit('Hello\\nWorld', '\\n')") == ["Hello", "World"]

    def test_paths_of_every_root(self) -> None:
        result = run(
            "States.Array($.a, $$.Execution.Name, $v.x, $.l[1], $['k'])",
            {"a": 1, "l": [5, 6], "k": "K"},
            context={"Execution": {"Name": "n"}},
            variables={"v": {"x": True}},
        )
        assert result == [1, "n", True, 6, "K"]

    def test_nested_calls_and_whitespace(self) -> None:
        assert run("States.ArrayGetItem( States.StringSplit( $.s , '-' ) , 0 )", {"s": "ab-cd"}) == "ab"

    def test_parse_is_cached(self) -> None:
        assert parse_intrinsic("States.UUID()") is parse_intrinsic("States.UUID()")

    @pytest.mark.parametrize(
        "text",
        ["States.Format('x'", "States.Array('unterminated)", "States.Array(1) tail", "States.Array(@)"],
    )
    def test_malformed_expressions_fail(self, text: str) -> None:
        assert "could not be parsed" in fails(text)

    def test_unknown_function(self) -> None:
        assert "does not exist" in fails("States.Nope(1)")


class TestFormat:
    def test_values_render_like_aws(self) -> None:
        data = {"o": {"Arg1": 1, "Arg2": []}, "n": None, "f": 1.1, "b": True, "l": [1, "a"]}
        result = run("States.Format('{} {} {} {} {}', $.o, $.n, $.f, $.b, $.l)", data)
        assert result == "{Arg1=1, Arg2=[]} null 1.1 true [1, a]"

    def test_escaped_braces_are_literal(self) -> None:
        assert run(r"States.Format('\{\} {}', 'x')") == "{} x"

    def test_placeholder_count_must_match(self) -> None:
        assert "does not match" in fails("States.Format('{} {}', 1)")


class TestJson:
    @pytest.mark.parametrize(
        ("text", "expected"), [(" ", None), ("-0", 0), ("1.1", 1.1), ('{"a":[1]}', {"a": [1]})]
    )
    def test_string_to_json(self, text: str, expected: object) -> None:
        assert run("States.StringToJson($.s)", {"s": text}) == expected

    def test_string_to_json_rejects_bad_text(self) -> None:
        assert "not valid JSON" in fails("States.StringToJson('{')")
        assert "must be a string" in fails("States.StringToJson(1)")

    def test_json_to_string_is_compact(self) -> None:
        assert run("States.JsonToString($.o)", {"o": {"Arg1": 1, "Arg2": []}}) == '{"Arg1":1,"Arg2":[]}'

    def test_json_merge_is_shallow(self) -> None:
        data = {"a": {"x": {"p": 1}, "b": 2}, "b": {"x": {"q": 1}, "c": 3}}
        assert run("States.JsonMerge($.a, $.b, false)", data) == {"x": {"q": 1}, "b": 2, "c": 3}

    def test_json_merge_refuses_deep_mode_and_non_objects(self) -> None:
        assert "shallow" in fails("States.JsonMerge($.a, $.a, true)", {"a": {}})
        assert "JSON object" in fails("States.JsonMerge($.a, 1, false)", {"a": {}})


class TestArrays:
    def test_partition(self) -> None:
        assert run("States.ArrayPartition($.l, 2)", {"l": [0, 1, 2]}) == [[0, 1], [2]]
        assert run("States.ArrayPartition($.l, 4)", {"l": []}) == []
        assert "positive" in fails("States.ArrayPartition($.l, 0)", {"l": [1]})

    def test_contains_uses_json_equality(self) -> None:
        assert run("States.ArrayContains($.l, $.v)", {"l": [[1, 2, 3], 2], "v": [1, 2, 3]}) is True
        assert run("States.ArrayContains($.l, 1)", {"l": [True]}) is False
        assert run("States.ArrayContains($.l, 1)", {"l": [1.0]}) is True

    def test_range(self) -> None:
        assert run("States.ArrayRange(0, 10, 3)") == [0, 3, 6, 9]
        assert run("States.ArrayRange(1, 9, 9)") == [1]
        assert run("States.ArrayRange(5, 1, -2)") == [5, 3, 1]
        assert "step" in fails("States.ArrayRange(1, 2, 0)")
        assert "1000" in fails("States.ArrayRange(0, 1000, 1)")

    def test_get_item_length_unique(self) -> None:
        assert run("States.ArrayGetItem($.l, 1)", {"l": [5, 6]}) == 6
        assert "out of bounds" in fails("States.ArrayGetItem($.l, 2)", {"l": [5, 6]})
        assert run("States.ArrayLength($.l)", {"l": [1, None]}) == 2
        assert run("States.ArrayUnique($.l)", {"l": [1, 1, True, {"a": 1}, {"a": 1}, None, None]}) == [
            1,
            True,
            {"a": 1},
            None,
        ]
        assert "array" in fails("States.ArrayLength('x')")


class TestEncodingAndHashing:
    def test_base64_round_trip(self) -> None:
        assert run("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU="
        assert run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode"
        assert "base64" in fails("States.Base64Decode('***')")

    @pytest.mark.parametrize(
        ("algorithm", "digest"),
        [("MD5", "812f45842bc6d66ee14572ce20db8e86"), ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7")],
    )
    def test_hash(self, algorithm: str, digest: str) -> None:
        assert run(f"States.Hash('input data', '{algorithm}')") == digest

    def test_hash_rejects_unknown_algorithms(self) -> None:
        assert "algorithm" in fails("States.Hash('x', 'SHA-3')")


class TestMathAndIds:
    @pytest.mark.parametrize(
        ("a", "b", "total"), [(1.49, 1.5, 3), (-1.5, -1.51, -3), (-0.5, 0, 0), (-2.5, 0, -2), (3.5, 0, 4)]
    )
    def test_add_rounds_each_argument_half_up(self, a: float, b: float, total: int) -> None:
        assert run("States.MathAdd($.a, $.b)", {"a": a, "b": b}) == total

    def test_add_overflow_and_types(self) -> None:
        assert "32-bit" in fails("States.MathAdd(2147483647, 1)")
        assert "number" in fails("States.MathAdd('1', 1)")

    def test_random_stays_in_range(self) -> None:
        values = {run("States.MathRandom(-3, 2)") for _ in range(200)}
        assert values <= {-3, -2, -1, 0, 1} and len(values) > 1

    def test_random_with_seed_or_rng_is_reproducible(self) -> None:
        assert run("States.MathRandom(0, 1000, 7)") == run("States.MathRandom(0, 1000, 7)")
        first = run("States.MathRandom(0, 1000)", rng=random.Random(3))
        assert first == run("States.MathRandom(0, 1000)", rng=random.Random(3))
        assert "less than" in fails("States.MathRandom(5, 5)")

    def test_uuid(self) -> None:
        assert UUID_RE.fullmatch(str(run("States.UUID()")))
        assert run("States.UUID()", rng=random.Random(1)) == run("States.UUID()", rng=random.Random(1))
        assert "argument" in fails("States.UUID(1)")


def test_string_split_drops_empty_pieces() -> None:
    assert run("States.StringSplit(',,a,,b,', ',')") == ["a", "b"]
    assert run("States.StringSplit('This.is+a', '.+')") == ["This", "is", "a"]


def test_missing_path_argument_names_the_field() -> None:
    with pytest.raises(StatesError) as raised:
        run("States.Array($.nope)", {}, field="x.$")
    assert (
        raised.value.cause
        == "The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{}'"
    )


def test_json_equal() -> None:
    assert json_equal({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not json_equal(True, 1)
    assert not json_equal([1], [1, 2])
    assert not json_equal("1", 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0e7, "1.0E7"), (12345678.9, "1.23456789E7"), (1e-5, "1.0E-5"), (-3e21, "-3.0E21"), (0.001, "0.001")],
)
def test_format_renders_doubles_like_java(value: float, text: str) -> None:
    assert run("States.Format('{}', $.v)", {"v": value}) == text
