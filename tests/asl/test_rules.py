"""One focused test per validator rule: the code, the JSON pointer and the sentence a user sees."""

from __future__ import annotations

import json
from typing import Any

import pytest

from state_machines.asl import Diagnostic, validate_asl
from state_machines.asl.choice import COMPARISON_OPERATORS


def machine(states: dict[str, Any], start: str | None = None, **top: Any) -> dict[str, Any]:
    return {"StartAt": start or next(iter(states)), "States": states, **top}


def errors(definition: str | dict[str, Any]) -> list[Diagnostic]:
    return [d for d in validate_asl(definition) if d.severity == "ERROR"]


def warnings(definition: str | dict[str, Any]) -> list[Diagnostic]:
    return [d for d in validate_asl(definition) if d.severity == "WARNING"]


def only_error(definition: str | dict[str, Any]) -> Diagnostic:
    found = errors(definition)
    assert len(found) == 1, found
    return found[0]


PASS_END = {"Type": "Pass", "End": True}
DONE = {"Type": "Succeed"}


# ---- JSON text ---------------------------------------------------------------------------


def test_a_minimal_definition_is_valid() -> None:
    assert validate_asl(json.dumps(machine({"Done": DONE}))) == []


def test_text_that_is_not_json_is_invalid_json_description() -> None:
    found = only_error('{"StartAt": ')
    assert found.code == "INVALID_JSON_DESCRIPTION"
    assert "not valid JSON" in found.message


def test_an_empty_definition_is_missing_description() -> None:
    assert only_error("   ").code == "MISSING_DESCRIPTION"


def test_a_duplicate_json_key_is_reported_where_it_is() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "End": true}}}'
    found = only_error(text)
    assert found.location == "/States/A/End"
    assert "'End' more than once" in found.message


def test_a_definition_must_be_an_object() -> None:
    assert "must be a JSON object" in only_error("[]").message


def test_a_parsed_mapping_is_accepted_too() -> None:
    assert validate_asl(machine({"Done": DONE})) == []


# ---- top level and graph -----------------------------------------------------------------


def test_unknown_top_level_field() -> None:
    found = only_error(machine({"Done": DONE}, Foo=1))
    assert (found.location, found.code) == ("/Foo", "SCHEMA_VALIDATION_FAILED")


def test_top_level_query_language_must_be_known() -> None:
    assert only_error(machine({"Done": DONE}, QueryLanguage="XPath")).location == "/QueryLanguage"


def test_top_level_timeout_must_be_positive() -> None:
    assert "between 1 and 99999999" in only_error(machine({"Done": DONE}, TimeoutSeconds=0)).message


def test_missing_start_at_target() -> None:
    found = only_error(machine({"Done": DONE}, start="Nope"))
    assert (found.code, found.location) == ("MISSING_TRANSITION_TARGET", "/StartAt")


def test_missing_next_target_names_the_state() -> None:
    found = errors(machine({"A": {"Type": "Pass", "Next": "B"}, "Done": DONE}))
    assert found[0].code == "MISSING_TRANSITION_TARGET"
    assert found[0].location == "/States/A/Next"
    assert found[0].message == "State 'A' moves to 'B', which is not a state."


def test_unreachable_state() -> None:
    found = only_error(machine({"A": PASS_END, "Lost": PASS_END}))
    assert (found.code, found.location) == ("UNREACHABLE_STATE", "/States/Lost")


def test_states_reached_only_through_catch_and_default_are_reachable() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Next": "C",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}],
            },
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Done"}],
                "Default": "D",
            },
            "D": PASS_END,
            "Handler": {"Type": "Fail", "Error": "E"},
            "Done": DONE,
        }
    )
    assert errors(definition) == []


def test_no_terminal_state() -> None:
    found = only_error(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}))
    assert (found.code, found.location) == ("MISSING_END_STATE", "/States")


def test_state_names_are_unique_across_nested_scopes() -> None:
    definition = machine(
        {
            "P": {"Type": "Parallel", "End": True, "Branches": [machine({"Done": DONE})]},
            "Done": DONE,
        }
    )
    codes = {d.code for d in errors(definition)}
    assert "DUPLICATE_STATE_NAME" in codes


def test_state_name_longer_than_80_characters() -> None:
    name = "x" * 81
    assert only_error(machine({name: DONE})).code == "INVALID_STATE_NAME"


def test_a_nested_state_cannot_move_to_an_outer_state() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Next": "Outer",
                "Branches": [machine({"In": {"Type": "Pass", "Next": "Outer"}})],
            },
            "Outer": DONE,
        }
    )
    found = [d for d in errors(definition) if d.code == "MISSING_TRANSITION_TARGET"]
    assert found[0].location == "/States/P/Branches/0/States/In/Next"
    assert "outside" in found[0].message


# ---- state shape -------------------------------------------------------------------------


def test_unknown_state_type() -> None:
    found = only_error(machine({"A": {"Type": "Sleep", "End": True}}))
    assert found.location == "/States/A/Type"
    assert "one of Task, Pass" in found.message


@pytest.mark.parametrize(
    ("state", "location", "phrase"),
    [
        ({"Type": "Pass", "Next": "Done", "End": True}, "/States/A/End", "both 'Next' and 'End'"),
        ({"Type": "Pass"}, "/States/A", "neither 'Next' nor 'End'"),
        ({"Type": "Pass", "End": False}, "/States/A/End", "must be true"),
        ({"Type": "Succeed", "Next": "Done"}, "/States/A/Next", "cannot have 'Next'"),
        ({"Type": "Fail", "End": True}, "/States/A/End", "cannot have 'End'"),
    ],
)
def test_next_and_end_rules(state: dict[str, Any], location: str, phrase: str) -> None:
    found = [d for d in errors(machine({"A": state, "Done": DONE})) if d.location == location]
    assert found and phrase in found[0].message


def test_unknown_field_in_a_state() -> None:
    found = only_error(machine({"A": {"Type": "Pass", "End": True, "bugInputPath": "$"}}))
    assert found.message == "State 'A' has the field 'bugInputPath', which a Pass state does not accept."


def test_succeed_and_fail_cannot_assign() -> None:
    found = only_error(machine({"A": {"Type": "Succeed", "Assign": {"x": 1}}}))
    assert found.location == "/States/A/Assign"


# ---- query languages ---------------------------------------------------------------------


def test_jsonpath_field_in_a_jsonata_state_suggests_the_replacement() -> None:
    found = only_error(
        machine({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "OutputPath": "$.x", "End": True}})
    )
    assert found.location == "/States/A/OutputPath"
    assert (
        "JSONata state, so it cannot use the JSONPath field 'OutputPath'; use 'Output' instead"
        in found.message
    )


def test_top_level_jsonata_applies_to_every_state() -> None:
    found = only_error(
        machine({"A": {"Type": "Pass", "Parameters": {"a": 1}, "End": True}}, QueryLanguage="JSONata")
    )
    assert found.location == "/States/A/Parameters"


def test_jsonata_field_in_a_jsonpath_state_says_how_to_switch() -> None:
    found = only_error(machine({"A": {"Type": "Pass", "Output": {"a": 1}, "End": True}}))
    assert 'set "QueryLanguage": "JSONata"' in found.message


def test_a_state_can_switch_to_jsonata() -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "End": True}
    assert errors(machine({"A": state})) == []


def test_state_query_language_must_be_known() -> None:
    found = only_error(machine({"A": {"Type": "Pass", "QueryLanguage": "SQL", "End": True}}))
    assert found.location == "/States/A/QueryLanguage"


# ---- JSONPath values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("InputPath", "bug$.x", "must start with '$'"),
        ("OutputPath", "$...", "not valid JSONPath"),
        ("ResultPath", "$foo", "cannot refer to a variable"),
        ("ResultPath", "$$.Execution", "cannot refer to the context object"),
        ("ResultPath", "$.a[*]", "must name a single node"),
    ],
)
def test_path_fields(field: str, value: str, phrase: str) -> None:
    found = only_error(machine({"A": {"Type": "Pass", field: value, "End": True}}))
    assert found.location == f"/States/A/{field}"
    assert phrase in found.message


@pytest.mark.parametrize(
    "path",
    ["$", "$.a.b[0]", "$$.Execution.Input", "$var.field", "$.items[?(@.price < 10)]", "$.[0]", "$.a[1:3]"],
)
def test_valid_paths(path: str) -> None:
    assert errors(machine({"A": {"Type": "Pass", "InputPath": path, "End": True}})) == []


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("ipsum", "neither an intrinsic function nor a valid path"),
        ("States.Nope($.a)", "'States.Nope' is not an intrinsic function"),
        ("States.MathAdd(1)", "States.MathAdd takes 2 argument(s), got 1"),
        ("States.MathAdd(1, '-1')", "argument 2 of States.MathAdd must be a number or a path"),
        ("States.Format('{}', $.a", "missing its closing ')'"),
        ("States.Format('{}', bad)", "unexpected 'b'"),
        ("States.UUID() extra", "unexpected text after the call"),
    ],
)
def test_dynamic_parameter_values(value: str, phrase: str) -> None:
    found = only_error(machine({"A": {"Type": "Pass", "Parameters": {"x.$": value}, "End": True}}))
    assert found.location == "/States/A/Parameters/x.$"
    assert phrase in found.message


@pytest.mark.parametrize(
    "value",
    [
        "States.Format('Hello {}, \\'quoted\\'', $.name)",
        "States.Array(1, 'two', true, null, $.x)",
        "States.JsonMerge($.a, $.b, false)",
        "States.MathRandom(1, 10)",
        "States.ArrayGetItem(States.Array(1, 2), 0)",
        "States.StringToJson(States.JsonToString($.x))",
        "States.UUID()",
        "$$.Map.Item.Value",
    ],
)
def test_valid_dynamic_parameter_values(value: str) -> None:
    assert errors(machine({"A": {"Type": "Pass", "Parameters": {"x.$": value}, "End": True}})) == []


def test_fields_equal_after_removing_dollar_suffix() -> None:
    found = only_error(machine({"A": {"Type": "Pass", "Parameters": {"x": 1, "x.$": "$.x"}, "End": True}}))
    assert "same field 'x' once the '.$' suffix is removed" in found.message


def test_a_path_without_dollar_suffix_is_a_no_dollar_warning() -> None:
    found = warnings(machine({"A": {"Type": "Pass", "Parameters": {"x": "$.x"}, "End": True}}))
    assert [d.code for d in found] == ["NO_DOLLAR"]


def test_dollar_keys_in_a_pass_result_warn_that_result_is_static() -> None:
    found = warnings(machine({"A": {"Type": "Pass", "Result": {"x.$": "$.x"}, "End": True}}))
    assert [d.code for d in found] == ["PASS_RESULT_IS_STATIC"]


# ---- JSONata values ----------------------------------------------------------------------


def jsonata_pass(output: Any) -> dict[str, Any]:
    return machine({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": output, "End": True}})


def test_invalid_jsonata_is_reported_with_the_parser_message() -> None:
    found = only_error(jsonata_pass({"a": ["{% $sum($states.input %}"]}))
    assert found.location == "/States/A/Output/a/0"
    assert "invalid JSONata expression" in found.message
    assert "Expected )" in found.message


@pytest.mark.parametrize("value", ["{% 10 %", "10 %}"])
def test_a_half_delimited_expression_is_an_error(value: str) -> None:
    assert "not a JSONata expression" in only_error(jsonata_pass(value)).message


@pytest.mark.parametrize("value", [" {% x %} ", "plain text", 3, None, ["{% 1 + 1 %}"], "{%$uuid()%}"])
def test_literals_and_expressions_in_jsonata_output(value: Any) -> None:
    assert errors(jsonata_pass(value)) == []


def test_empty_jsonata_expression() -> None:
    assert "is empty" in only_error(jsonata_pass("{%  %}")).message


# ---- Assign --------------------------------------------------------------------------------


def test_assign_in_jsonpath_evaluates_dollar_keys() -> None:
    found = only_error(machine({"A": {"Type": "Pass", "Assign": {"x.$": "nope"}, "End": True}}))
    assert found.location == "/States/A/Assign/x.$"


def test_odd_variable_name_is_a_warning() -> None:
    found = warnings(machine({"A": {"Type": "Pass", "Assign": {"1x": 1}, "End": True}}))
    assert [d.code for d in found] == ["INVALID_VARIABLE_NAME"]


def test_assign_jsonata_expressions_are_parsed() -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"x": "{% 420. %}"}, "End": True}
    assert only_error(machine({"A": state})).location == "/States/A/Assign/x"


# ---- Choice --------------------------------------------------------------------------------


def choice(rules: list[Any], language: str = "JSONPath") -> dict[str, Any]:
    state = {"Type": "Choice", "QueryLanguage": language, "Choices": rules, "Default": "Done"}
    return machine({"C": state, "Done": DONE})


def test_every_comparison_operator_is_accepted() -> None:
    samples = {
        "string": "a",
        "number": 1,
        "boolean": True,
        "timestamp": "2024-01-01T00:00:00Z",
        "path": "$.b",
    }
    rules = [
        {"Variable": "$.a", operator: samples[kind], "Next": "Done"}
        for operator, kind in COMPARISON_OPERATORS.items()
    ]
    assert len(rules) == 39
    assert errors(choice(rules)) == []


def test_boolean_rules_nest() -> None:
    rule = {
        "And": [
            {"Not": {"Variable": "$.a", "IsNull": True}},
            {"Or": [{"Variable": "$.b", "NumericGreaterThan": 1}]},
        ],
        "Next": "Done",
    }
    assert errors(choice([rule])) == []


@pytest.mark.parametrize(
    ("rule", "location", "phrase"),
    [
        ({"Variable": "$.a", "IsPresent": True}, "/States/C/Choices/0", "has no 'Next'"),
        (
            {"Variable": "$.a", "IsPresent": True, "End": True, "Next": "Done"},
            "/States/C/Choices/0/End",
            "'End'",
        ),
        (
            {"Variable": "$.a", "StringEquals": 1, "Next": "Done"},
            "/States/C/Choices/0/StringEquals",
            "string",
        ),
        (
            {"Variable": "$.a", "NumericEquals": "1", "Next": "Done"},
            "/States/C/Choices/0/NumericEquals",
            "number",
        ),
        (
            {"Variable": "$.a", "BooleanEquals": 1, "Next": "Done"},
            "/States/C/Choices/0/BooleanEquals",
            "true or false",
        ),
        (
            {"Variable": "$.a", "TimestampEquals": "today", "Next": "Done"},
            "/States/C/Choices/0/TimestampEquals",
            "RFC 3339",
        ),
        (
            {"Variable": "$.a", "StringEqualsPath": "b", "Next": "Done"},
            "/States/C/Choices/0/StringEqualsPath",
            "valid path",
        ),
        (
            {"Variable": "x", "IsNull": True, "Next": "Done"},
            "/States/C/Choices/0/Variable",
            "not a valid path",
        ),
        ({"IsNull": True, "Next": "Done"}, "/States/C/Choices/0", "no 'Variable'"),
        ({"Variable": "$.a", "Next": "Done"}, "/States/C/Choices/0", "no comparison operator"),
        (
            {"Variable": "$.a", "IsNull": True, "IsString": True, "Next": "Done"},
            "/States/C/Choices/0",
            "several operators",
        ),
        ({"And": [], "Next": "Done"}, "/States/C/Choices/0/And", "non-empty array"),
        (
            {"Not": {"Variable": "$.a", "IsNull": True, "Next": "Done"}, "Next": "Done"},
            "/States/C/Choices/0/Not/Next",
            "only a top-level",
        ),
        (
            {"Condition": "{% true %}", "Next": "Done"},
            "/States/C/Choices/0/Condition",
            "only a JSONata choice rule",
        ),
    ],
)
def test_jsonpath_choice_rule_errors(rule: dict[str, Any], location: str, phrase: str) -> None:
    found = [d for d in errors(choice([rule])) if d.location == location]
    assert found, errors(choice([rule]))
    assert phrase in found[0].message


def test_choices_must_not_be_empty() -> None:
    assert "non-empty array" in only_error(choice([])).message


def test_jsonata_choice_rules() -> None:
    good = [
        {"Condition": "{% $states.input.a > 1 %}", "Next": "Done", "Output": {"x": 1}},
        {"Condition": True, "Next": "Done"},
    ]
    assert errors(choice(good, "JSONata")) == []
    assert "needs one" in only_error(choice([{"Next": "Done"}], "JSONata")).message
    assert (
        "JSONata expression" in only_error(choice([{"Condition": "yes", "Next": "Done"}], "JSONata")).message
    )
    found = errors(choice([{"Condition": "{% true %}", "Variable": "$.a", "Next": "Done"}], "JSONata"))
    assert found[0].location == "/States/C/Choices/0/Variable"


def test_choice_default_and_rule_targets_must_exist() -> None:
    state = {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "X"}], "Default": "Y"}
    locations = {d.location for d in errors(machine({"C": state}))}
    assert {"/States/C/Choices/0/Next", "/States/C/Default"} <= locations


# ---- Retry and Catch -----------------------------------------------------------------------


def task(**fields: Any) -> dict[str, Any]:
    """A Task state; with a Catch, also the handler state 'H' it can move to."""
    states: dict[str, Any] = {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True, **fields}
    }
    if "Catch" in fields:
        states["H"] = DONE
    return machine(states)


def test_catch_targets_make_states_reachable() -> None:
    assert errors(task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.error"}])) == []


@pytest.mark.parametrize(
    ("fields", "location", "phrase"),
    [
        (
            {"Retry": [{"ErrorEquals": ["States.ALL", "X"]}]},
            "/States/T/Retry/0/ErrorEquals",
            "must appear alone",
        ),
        (
            {"Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]},
            "/States/T/Retry/0/ErrorEquals",
            "last",
        ),
        ({"Retry": [{"ErrorEquals": []}]}, "/States/T/Retry/0/ErrorEquals", "non-empty array"),
        ({"Retry": [{"ErrorEquals": [True]}]}, "/States/T/Retry/0/ErrorEquals/0", "error names"),
        (
            {"Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}]},
            "/States/T/Retry/0/BackoffRate",
            "at least 1.0",
        ),
        (
            {"Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0}]},
            "/States/T/Retry/0/IntervalSeconds",
            "between 1",
        ),
        (
            {"Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "SOME"}]},
            "/States/T/Retry/0/JitterStrategy",
            "FULL",
        ),
        ({"Retry": [{"Error Equals": ["X"]}]}, "/States/T/Retry/0/Error Equals", "does not accept"),
        ({"Catch": [{"ErrorEquals": ["X"]}]}, "/States/T/Catch/0", "has no 'Next'"),
        ({"Catch": [{"ErrorEquals": ["X"], "Next": "Nowhere"}]}, "/States/T/Catch/0/Next", "not a state"),
        (
            {"Catch": [{"ErrorEquals": ["X"], "Next": "H", "ResultPath": "x"}]},
            "/States/T/Catch/0/ResultPath",
            "must start",
        ),
        (
            {"Catch": [{"ErrorEquals": ["X"], "Next": "H", "Output": {}}]},
            "/States/T/Catch/0/Output",
            "JSONPath state",
        ),
    ],
)
def test_retry_and_catch_errors(fields: dict[str, Any], location: str, phrase: str) -> None:
    found = [d for d in errors(task(**fields)) if d.location == location]
    assert found, errors(task(**fields))
    assert phrase in found[0].message


def test_unknown_states_error_name_is_a_warning() -> None:
    found = warnings(task(Retry=[{"ErrorEquals": ["States.Tiemout"]}]))
    assert [d.code for d in found] == ["UNKNOWN_ERROR_NAME"]


# ---- Task ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "code"),
    [
        ("not-an-arn", "INVALID_RESOURCE"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:", "INVALID_RESOURCE"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:$*#", "INVALID_RESOURCE"),
        ("${lambdaArn", "INVALID_RESOURCE"),
    ],
)
def test_bad_resources(resource: str, code: str) -> None:
    found = only_error(task(Resource=resource))
    assert (found.code, found.location) == (code, "/States/T/Resource")


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:lambda:us-east-1:123456789012:function:f:live",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws-cn:states:::sqs:sendMessage.waitForTaskToken",
    ],
)
def test_good_resources(resource: str) -> None:
    assert validate_asl(task(Resource=resource)) == []


@pytest.mark.parametrize(
    "resource", ["${FunctionArn}", "arn:${AWS::Partition}:states:::lambda:invoke", {"Ref": "Fn"}]
)
def test_template_placeholders_warn_but_are_valid(resource: Any) -> None:
    found = validate_asl(task(Resource=resource))
    assert [d.code for d in found] == ["TEMPLATE_SUBSTITUTION"]


def test_task_needs_a_resource() -> None:
    definition = machine({"T": {"Type": "Task", "End": True}})
    assert only_error(definition).message == "State 'T' is a Task state without 'Resource'."


def test_timeouts() -> None:
    assert (
        "both 'TimeoutSeconds' and 'TimeoutSecondsPath'"
        in only_error(task(TimeoutSeconds=5, TimeoutSecondsPath="$.t")).message
    )
    assert "smaller than 'TimeoutSeconds'" in only_error(task(TimeoutSeconds=5, HeartbeatSeconds=5)).message
    assert "between 1 and" in only_error(task(TimeoutSeconds=0)).message


def test_credentials_must_be_an_object() -> None:
    assert only_error(task(Credentials=None)).location == "/States/T/Credentials"


def test_jsonata_task_takes_expressions_for_timeouts() -> None:
    state = {
        "Type": "Task",
        "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
        "TimeoutSeconds": "{% $states.input.t %}",
        "End": True,
    }
    assert errors(machine({"T": state})) == []
    state["Arguments"] = 5
    assert only_error(machine({"T": state})).location == "/States/T/Arguments"


# ---- Wait and Fail ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        ({"Seconds": 1, "SecondsPath": "$.s"}, "exactly one of"),
        ({}, "exactly one of"),
        ({"Seconds": -1}, "between 0"),
        ({"Timestamp": "tomorrow"}, "RFC 3339"),
        ({"Timestamp": "2024-02-30T00:00:00Z"}, "RFC 3339"),
    ],
)
def test_wait_errors(fields: dict[str, Any], phrase: str) -> None:
    found = errors(machine({"W": {"Type": "Wait", "End": True, **fields}}))
    assert found and phrase in found[0].message


def test_a_path_in_an_integer_field_points_to_the_path_field() -> None:
    found = only_error(machine({"W": {"Type": "Wait", "Seconds": "$.delay", "End": True}}))
    assert found.message == (
        "State 'W' field 'Seconds' must be an integer, not the path '$.delay'; "
        "use 'SecondsPath' to read it from the input."
    )


def test_jsonata_wait() -> None:
    state: dict[str, Any] = {
        "Type": "Wait",
        "QueryLanguage": "JSONata",
        "Seconds": "{% $states.input.s %}",
        "End": True,
    }
    assert errors(machine({"W": state})) == []
    state["Seconds"] = "ten"
    assert "integer or a JSONata expression" in only_error(machine({"W": state})).message


def test_fail_fields() -> None:
    both = machine({"F": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}})
    assert "both 'Error' and 'ErrorPath'" in only_error(both).message
    intrinsic = machine({"F": {"Type": "Fail", "CausePath": "States.Format('bad {}', $.x)"}})
    assert errors(intrinsic) == []
    jsonata = machine({"F": {"Type": "Fail", "QueryLanguage": "JSONata", "Cause": "{% $states.input.( %}"}})
    assert only_error(jsonata).location == "/States/F/Cause"


# ---- Parallel and Map ------------------------------------------------------------------------


def test_parallel_branches_are_validated_recursively() -> None:
    branch = machine({"In": {"Type": "Pass", "InputPath": "nope", "End": True}})
    found = only_error(machine({"P": {"Type": "Parallel", "Branches": [branch], "End": True}}))
    assert found.location == "/States/P/Branches/0/States/In/InputPath"


def test_parallel_needs_branches() -> None:
    assert (
        "non-empty array"
        in only_error(machine({"P": {"Type": "Parallel", "Branches": [], "End": True}})).message
    )


def distributed_map(**fields: Any) -> dict[str, Any]:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        **machine({"In": PASS_END}),
    }
    return machine({"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}})


def test_a_distributed_map_with_reader_batcher_and_writer_is_valid() -> None:
    definition = distributed_map(
        ItemReader={
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 10},
            "Parameters": {"Bucket": "b", "Key.$": "$.key"},
        },
        ItemBatcher={"MaxItemsPerBatch": 10, "BatchInput": {"a.$": "$.a"}},
        ResultWriter={
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "b", "Prefix": "p"},
        },
        ToleratedFailurePercentage=5,
        Label="Batch",
        MaxConcurrency=100,
    )
    assert validate_asl(definition) == []


@pytest.mark.parametrize(
    ("fields", "location", "phrase"),
    [
        ({"ToleratedFailurePercentage": 105}, "/States/M/ToleratedFailurePercentage", "between 0 and 100"),
        ({"ItemReader": {"ReaderConfig": {}}}, "/States/M/ItemReader", "no 'Resource'"),
        (
            {
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.m"},
                }
            },
            "/States/M/ItemReader/ReaderConfig/MaxItemsPath",
            "at most one",
        ),
        (
            {"ItemBatcher": {"MaxInputBytesPerBatch": 300_000}},
            "/States/M/ItemBatcher/MaxInputBytesPerBatch",
            "262144",
        ),
        ({"Label": "L" * 41}, "/States/M/Label", "at most 40"),
        ({"Items": ["a"]}, "/States/M/Items", "JSONata field 'Items'"),
        ({"MaxConcurrency": -1}, "/States/M/MaxConcurrency", "at least 0"),
    ],
)
def test_map_errors(fields: dict[str, Any], location: str, phrase: str) -> None:
    found = [d for d in errors(distributed_map(**fields)) if d.location == location]
    assert found, errors(distributed_map(**fields))
    assert phrase in found[0].message


def test_map_needs_exactly_one_processor() -> None:
    missing = machine({"M": {"Type": "Map", "End": True}})
    assert "exactly one of 'ItemProcessor' and 'Iterator'" in only_error(missing).message


def test_distributed_map_needs_an_execution_type() -> None:
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, **machine({"In": PASS_END})}
    found = only_error(machine({"M": {"Type": "Map", "ItemProcessor": processor, "End": True}}))
    assert "ExecutionType" in found.message


def test_jsonata_map_items() -> None:
    processor = machine({"In": PASS_END})
    state: dict[str, Any] = {
        "Type": "Map",
        "QueryLanguage": "JSONata",
        "Items": "{% [1, 2] %}",
        "ItemProcessor": processor,
        "End": True,
    }
    assert errors(machine({"M": state})) == []
    state["Items"] = "$.items"
    assert only_error(machine({"M": state})).location == "/States/M/Items"
