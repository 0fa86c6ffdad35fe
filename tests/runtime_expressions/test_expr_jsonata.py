"""JSONata templates as Step Functions evaluates them, with AWS's error sentences."""

from __future__ import annotations

import random
import re
import threading
from typing import Any

import pytest
from jsonata.jexception import JException

from state_machines.runtime import jsonata_eval
from state_machines.runtime.errors import StatesError
from state_machines.runtime.jsonata_eval import (
    check_jsonata_syntax,
    evaluate_expression,
    evaluate_template,
    is_jsonata_template,
    json_type,
    template_expression,
)

STATES = {"input": {"a": 1, "items": [{"name": "x"}, {"name": "y"}], "n": None}, "context": {"Execution": {}}}


def ev(expression: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return evaluate_expression(expression, states=STATES, variables=variables or {}, field="Output", **kwargs)


def error_of(expression: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> StatesError:
    with pytest.raises(StatesError) as raised:
        ev(expression, variables, **kwargs)
    assert raised.value.error == "States.QueryEvaluationError"
    return raised.value


class TestTemplateDetection:
    @pytest.mark.parametrize(
        ("value", "expected"), [("{% $x %}", True), ("{%$x%}", True), (" {% $x %} ", False)]
    )
    def test_is_jsonata_template(self, value: str, expected: bool) -> None:
        assert is_jsonata_template(value) is expected

    def test_not_templates(self) -> None:
        assert not is_jsonata_template("$states.input")
        assert not is_jsonata_template(1)
        assert template_expression("literal") is None
        assert template_expression("{%  $a + 1 %}") == "$a + 1"

    def test_syntax_check(self) -> None:
        assert check_jsonata_syntax("$states.input.a + 1") is None
        message = check_jsonata_syntax("$foo(")
        assert message is not None and message.startswith("S0")


class TestResults:
    def test_paths_arithmetic_and_variables(self) -> None:
        assert ev("$states.input.a + $v", {"v": 2}) == 3
        assert ev("$states.input.items.name") == ["x", "y"]
        assert ev("$states.input.items[0].name") == "x"
        assert ev("$merge([{'a': 1}, {'b': 2}])") == {"a": 1, "b": 2}
        assert ev('$contains("hello$world", /^hello\\ /)') is False

    def test_null_is_not_undefined(self) -> None:
        assert ev("null") is None
        assert ev("$states.input.n") is None
        assert ev("$v", {"v": None}) is None
        assert ev("[$v, 1]", {"v": None}) == [None, 1]
        assert ev("{'a': null}") == {"a": None}

    def test_numbers_come_back_as_aws_writes_them(self) -> None:
        assert ev("1e21") == 1e21 and isinstance(ev("1e21"), float)
        assert ev("2/2") == 1
        assert ev("0.1 + 0.2") == pytest.approx(0.3)

    def test_undefined_result(self) -> None:
        error = error_of("$doesNotExist")
        assert error.cause == (
            "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."
        )

    def test_evaluation_error_carries_the_code(self) -> None:
        error = error_of("$randomSeeded($states.input.a)")
        assert error.cause == (
            "The JSONata expression '$randomSeeded($states.input.a)' specified for the field 'Output' threw an "
            "error during evaluation. T1006: Attempted to invoke a non-function"
        )

    def test_a_function_is_not_a_result(self) -> None:
        assert "threw an error" in (error_of("function($x){$x}").cause or "")

    @pytest.mark.parametrize(
        ("expression", "actual", "shown"),
        [
            ("true", "boolean", "true"),
            ("null", "null", "null"),
            ("1", "number", "1"),
            ("'string'", "string", '"string"'),
            ("{'foo': 'bar'}", "object", '{"foo":"bar"}'),
        ],
    )
    def test_unexpected_result_type(self, expression: str, actual: str, shown: str) -> None:
        with pytest.raises(StatesError) as raised:
            evaluate_expression(expression, states=STATES, field="Items", expected="array")
        assert raised.value.cause == (
            f"The JSONata expression '{expression}' specified for the field 'Items' returned an unexpected result "
            f"type. Expected 'array', but was '{actual}' for value: {shown}"
        )

    def test_integer_expectation(self) -> None:
        assert ev("2.0 * 1", expected="integer") == 2
        assert "Expected 'integer'" in (error_of("1.5", expected="integer").cause or "")

    def test_json_type_names(self) -> None:
        assert [json_type(v) for v in (None, True, 1, 1.5, "s", [], {})] == [
            "null",
            "boolean",
            "number",
            "number",
            "string",
            "array",
            "object",
        ]


class TestStepFunctionsFunctions:
    def test_partition(self) -> None:
        assert ev("$partition([0, 1, 2], 2)") == [[0, 1], [2]]
        assert ev("$partition([0], 1)") == [[0]]
        assert "positive" in (error_of("$partition([1], 0)").cause or "")

    def test_range_returns_a_sequence(self) -> None:
        assert ev("$range(0, 10, 3)") == [0, 3, 6, 9]
        assert ev("$range(1, 9, 9)") == 1
        assert "step" in (error_of("$range(1, 2, 0)").cause or "")

    def test_hash(self) -> None:
        assert ev("$hash('input data', 'SHA-256')") == (
            "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"
        )
        assert "$hash" in (error_of("$hash('x', 'CRC')").cause or "")

    def test_random_and_uuid(self) -> None:
        value = ev("$random()")
        assert isinstance(value, float) and 0 <= value < 1
        assert ev("$random(7)") == ev("$random(7)")
        assert ev("$random()", rng=random.Random(5)) == ev("$random()", rng=random.Random(5))
        uuid_text = ev("$uuid()")
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", uuid_text)
        assert ev("$uuid()", rng=random.Random(2)) == ev("$uuid()", rng=random.Random(2))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("-0", 0), ("1.1", 1.1), ('"HelloWorld"', "HelloWorld"), ('{"A": []}', {"A": []})],
    )
    def test_parse(self, text: str, expected: Any) -> None:
        assert ev("$parse($t)", {"t": text}) == expected

    def test_parse_rejects_bad_json(self) -> None:
        assert "valid JSON" in (error_of("$parse('{')").cause or "")


class TestClock:
    def test_now_and_millis_follow_the_callers_clock(self) -> None:
        assert ev("$now()", now_ms=0) == "1970-01-01T00:00:00.000Z"
        assert ev("$millis()", now_ms=1234) == 1234
        assert ev("$fromMillis($millis() + 5000)", now_ms=1000) == "1970-01-01T00:00:06.000Z"
        assert ev("$now('[Y0001]-[M01]')", now_ms=0) == "1970-01"

    def test_without_a_clock_now_is_the_wall_clock(self) -> None:
        assert ev("$millis()") > 1_700_000_000_000


class TestTemplates:
    def test_walks_objects_and_arrays(self) -> None:
        value = {
            "lit": "$states.input",
            "not": " {% 1 %} ",
            "expr": "{% $states.input.a %}",
            "list": [None, 0.1, "{% true %}", {"k": "{% $v %}"}],
        }
        out = evaluate_template(value, states=STATES, variables={"v": "V"}, field="Output")
        assert out == {
            "lit": "$states.input",
            "not": " {% 1 %} ",
            "expr": 1,
            "list": [None, 0.1, True, {"k": "V"}],
        }

    def test_nested_field_names_in_causes(self) -> None:
        with pytest.raises(StatesError) as raised:
            evaluate_template({"result": "{% $doesNotExist %}"}, states=STATES, field="Output")
        assert raised.value.cause == (
            "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing "
            "(undefined)."
        )
        with pytest.raises(StatesError) as raised:
            evaluate_template({"l": [1, "{% $nope %}"]}, states=STATES, field="Arguments")
        assert "'Arguments/l[1]'" in (raised.value.cause or "")

    def test_expected_type_applies_to_the_whole_value(self) -> None:
        assert evaluate_template([1, "{% 2 %}"], states=STATES, field="Items", expected="array") == [1, 2]
        with pytest.raises(StatesError):
            evaluate_template("{% 'x' %}", states=STATES, field="Items", expected="array")


class TestEngine:
    @pytest.mark.parametrize(
        "expression",
        [
            "$v.a.b",
            "$v.l.b",
            "$v.missing",
            "$states.input.items.name",
            "$states.input.n",
            "(($states.input.a))",
            "($t := $states.input; $t.items)",
            "($p := $v; $q := $p; ($q.a.b))",
            "($t := $states.input; $t.missing)",
            "($t := $states.input.n; $t)",
            "($t := $states.input.items; $t.name)",
            "($t := $nope; $t.x)",
        ],
    )
    def test_plain_programs_agree_with_the_library(self, expression: str) -> None:
        bindings = {"states": STATES, "v": {"a": {"b": 2}, "l": [{"b": 1}, {"b": 3}]}}
        steps = jsonata_eval._plain_program(expression)
        assert steps is not None
        compiled, _ = jsonata_eval._compile(expression)
        jsonata_eval.Jsonata.CURRENT.jsonata = compiled
        library = compiled.evaluate(None, bindings)
        ours = jsonata_eval._run(expression, None, bindings)
        if library is None:
            assert ours is jsonata_eval._UNDEFINED
        else:
            assert ours == jsonata_eval._to_json(library, set())

    @pytest.mark.parametrize(
        "expression",
        ["$a + 1", "($a := 1; $a)", "$a := $b", "$a.b[0]", "$a.and", "($a := $b; $c := $d", "$f()"],
    )
    def test_other_expressions_are_not_plain(self, expression: str) -> None:
        assert jsonata_eval._plain_program(expression) is None

    def test_runaway_expressions_time_out(self) -> None:
        with pytest.raises(JException) as raised:
            jsonata_eval._run("($f := function(){$f()}; $f())", None, None, timeout_ms=50)
        assert raised.value.error == "D1012"

    def test_threads_evaluate_cached_expressions_independently(self) -> None:
        errors: list[BaseException] = []

        def work(offset: int) -> None:
            try:
                for i in range(200):
                    states = {"input": {"a": i + offset}}
                    assert evaluate_expression("$states.input.a * 2", states=states, field="Output") == 2 * (
                        i + offset
                    )
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n * 1000,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
