"""``{{ }}`` templates become JSONata; free variables are found by walking the parse tree."""

from __future__ import annotations

import pytest
from jsonata import Jsonata

from state_machines.compiler.jsonata_build import block, template_expression, template_value
from state_machines.model.expressions import (
    free_variables,
    iter_templates,
    jsonata_syntax_error,
    template_to_jsonata,
)


@pytest.mark.parametrize(
    ("template", "data", "expected"),
    [
        ("{{ $trigger.n * 2 }}", {"n": 21}, 42),
        ("Hello {{ $trigger.name }}!", {"name": "Ada"}, "Hello Ada!"),
        ("{{ $trigger.a }}-{{ $trigger.b }}", {"a": 1, "b": True}, "1-true"),
        ("no expressions", {}, "no expressions"),
    ],
)
def test_templates_evaluate_like_their_jsonata(template: str, data: object, expected: object) -> None:
    expression = f"($trigger := $; {template_to_jsonata(template)})"
    assert Jsonata(expression).evaluate(data) == expected


def test_a_json_template_becomes_one_object_expression() -> None:
    expression = template_expression({"b": "{{ $x + 1 }}", "a": [1, "{{ $x }}"], "c": {"d": None}})
    assert Jsonata(f"($x := 1; {expression})").evaluate(None) == {"a": [1, 1], "b": 2, "c": {"d": None}}


def test_free_variables_exclude_local_bindings_and_lambda_parameters() -> None:
    expression = "($t := $trigger.total; $map($input.items, function($v) { $v.price * $t + $rate }))"
    assert free_variables(expression) == {"trigger", "input", "map", "rate"}


def test_free_variables_inside_predicates_conditions_and_objects() -> None:
    assert free_variables("$a ? $b : $c") == {"a", "b", "c"}
    assert free_variables("$orders[total > $limit].id") == {"orders", "limit"}
    assert free_variables('{"k": $key}') == {"key"}


def test_syntax_errors_are_reported_not_raised() -> None:
    assert jsonata_syntax_error("$a +") is not None
    assert jsonata_syntax_error("$a + 1") is None


def test_iter_templates_names_each_field() -> None:
    params = {"headers": {"Authorization": "Bearer {{ $trigger.token }}"}, "items": ["x", "{{ $input }}"]}
    assert list(iter_templates(params, "params")) == [
        ("params.headers.Authorization", "Bearer {{ $trigger.token }}"),
        ("params.items[1]", "{{ $input }}"),
    ]


def test_block_keeps_only_the_bindings_the_result_needs() -> None:
    bindings = [("trigger", "$states.input"), ("input", "$states.input"), ("a", "$input.x")]
    assert block("$a + 1", bindings) == "($input := $states.input; $a := $input.x; $a + 1)"
    assert block("$trigger", bindings) == "$states.input"
    assert block("42", bindings) == "42"


def test_multi_line_literals_are_emitted_as_jsonata_strings() -> None:
    assert template_value({"code": "a\nb", "plain": "x"}, []) == {"code": '{% "a\\nb" %}', "plain": "x"}
