"""Choice rules: comparisons on a ``Variable`` (JSONPath) or a ``Condition`` (JSONata).

A top-level rule needs ``Next``; rules nested in ``And``/``Or``/``Not`` must not have one. A
JSONPath comparison has exactly one operator; ``…Path`` operators take a path, the others a
literal of the operator's type.
"""

from __future__ import annotations

from typing import Any

from state_machines.asl.jsonata_syntax import is_jsonata
from state_machines.asl.paths import path_error
from state_machines.asl.reporting import Parts, Reporter, describe
from state_machines.asl.values import check_assign, check_jsonata_template, check_timestamp

__all__ = ["COMPARISON_OPERATORS", "check_choice_rules"]


def _operators() -> dict[str, str]:
    table: dict[str, str] = {}
    suffixes = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
    for family, kind in (("String", "string"), ("Numeric", "number"), ("Timestamp", "timestamp")):
        for suffix in suffixes:
            table[family + suffix] = kind
            table[family + suffix + "Path"] = "path"
    table["StringMatches"] = "string"
    table["BooleanEquals"] = "boolean"
    table["BooleanEqualsPath"] = "path"
    for test in ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"):
        table[test] = "boolean"
    return table


# operator -> the kind of value it compares with.
COMPARISON_OPERATORS = _operators()
_BOOLEAN_OPERATORS = ("And", "Or", "Not")


def check_choice_rules(
    report: Reporter, parts: Parts, owner: str, choices: Any, language: str
) -> list[tuple[Parts, str]]:
    """Check a Choice state's ``Choices``; return the ``Next`` targets with their pointers."""
    targets: list[tuple[Parts, str]] = []
    if not isinstance(choices, list) or not choices:
        report.error(parts, f"{owner} field 'Choices' must be a non-empty array of choice rules.")
        return targets
    for index, rule in enumerate(choices):
        here = (*parts, index)
        rule_owner = f"{owner} choice rule {index}"
        if not isinstance(rule, dict):
            report.error(here, f"{rule_owner} must be a JSON object, not {describe(rule)}.")
            continue
        if "Next" not in rule:
            report.error(here, f"{rule_owner} has no 'Next': every top-level choice rule needs one.")
        elif report.string((*here, "Next"), rule_owner, "Next", rule["Next"]):
            targets.append(((*here, "Next"), rule["Next"]))
        if "End" in rule:
            report.error(
                (*here, "End"),
                f"{rule_owner} has 'End', which a choice rule cannot have; point 'Next' at a Succeed state.",
            )
        if "Assign" in rule:
            check_assign(report, (*here, "Assign"), rule_owner, rule["Assign"], language)
        if language == "JSONata":
            _check_jsonata_rule(report, here, rule_owner, rule)
        else:
            _check_jsonpath_rule(report, here, rule_owner, rule, top_level=True)
    return targets


def _check_jsonata_rule(report: Reporter, parts: Parts, owner: str, rule: dict[str, Any]) -> None:
    allowed = {"Condition", "Next", "Assign", "Output", "Comment"}
    for key in rule:
        if key == "End":
            continue
        if key not in allowed:
            hint = (
                " (JSONata rules use 'Condition')"
                if key in COMPARISON_OPERATORS
                or key
                in (
                    "Variable",
                    *_BOOLEAN_OPERATORS,
                )
                else ""
            )
            report.error(
                (*parts, key),
                f"{owner} has the field '{key}', which a JSONata choice rule cannot have{hint}.",
            )
    if "Output" in rule:
        check_jsonata_template(report, (*parts, "Output"), owner, "Output", rule["Output"])
    if "Condition" not in rule:
        report.error(parts, f"{owner} has no 'Condition': a JSONata choice rule needs one.")
        return
    condition = rule["Condition"]
    if isinstance(condition, bool):
        return
    if not is_jsonata(condition):
        report.error(
            (*parts, "Condition"),
            f"{owner} field 'Condition' must be a JSONata expression '{{% … %}}' or a boolean, not "
            f"{describe(condition)}.",
        )
        return
    check_jsonata_template(report, (*parts, "Condition"), owner, "Condition", condition)


def _check_jsonpath_rule(
    report: Reporter, parts: Parts, owner: str, rule: dict[str, Any], *, top_level: bool
) -> None:
    allowed = {"Variable", "Comment", *COMPARISON_OPERATORS, *_BOOLEAN_OPERATORS}
    if top_level:
        allowed |= {"Next", "Assign"}
    for key in rule:
        if key == "End" and top_level:
            continue
        if key not in allowed:
            if key == "Next":
                message = f"{owner} has 'Next', which only a top-level choice rule can have."
            elif key in ("Condition", "Output"):
                message = (
                    f"{owner} has '{key}', which only a JSONata choice rule can have; "
                    "set QueryLanguage to JSONata."
                )
            else:
                message = f"{owner} has the field '{key}', which a choice rule cannot have."
            report.error((*parts, key), message)
    operators = [key for key in rule if key in COMPARISON_OPERATORS or key in _BOOLEAN_OPERATORS]
    if len(operators) != 1:
        if operators:
            listed = ", ".join(f"'{op}'" for op in operators)
            report.error(parts, f"{owner} has several operators ({listed}); a rule has exactly one.")
        else:
            report.error(
                parts,
                f"{owner} has no comparison operator (such as 'StringEquals' or 'IsPresent') and no 'And', "
                "'Or' or 'Not'.",
            )
        return
    operator = operators[0]
    here = (*parts, operator)
    operand = rule[operator]
    if operator in ("And", "Or"):
        if "Variable" in rule:
            report.error((*parts, "Variable"), f"{owner} uses '{operator}', which takes no 'Variable'.")
        if not isinstance(operand, list) or not operand:
            report.error(here, f"{owner} field '{operator}' must be a non-empty array of choice rules.")
            return
        for index, nested in enumerate(operand):
            _check_nested(report, (*here, index), f"{owner} '{operator}' rule {index}", nested)
        return
    if operator == "Not":
        if "Variable" in rule:
            report.error((*parts, "Variable"), f"{owner} uses 'Not', which takes no 'Variable'.")
        _check_nested(report, here, f"{owner} 'Not' rule", operand)
        return
    if "Variable" not in rule:
        report.error(parts, f"{owner} uses '{operator}' but has no 'Variable' to compare.")
    else:
        variable = rule["Variable"]
        if report.string((*parts, "Variable"), owner, "Variable", variable):
            problem = path_error(variable)
            if problem:
                report.error(
                    (*parts, "Variable"),
                    f"{owner} field 'Variable' is not a valid path: {describe(variable)}: {problem}.",
                )
    _check_operand(report, here, owner, operator, operand)


def _check_nested(report: Reporter, parts: Parts, owner: str, rule: Any) -> None:
    if not isinstance(rule, dict):
        report.error(parts, f"{owner} must be a JSON object, not {describe(rule)}.")
        return
    _check_jsonpath_rule(report, parts, owner, rule, top_level=False)


def _check_operand(report: Reporter, parts: Parts, owner: str, operator: str, operand: Any) -> None:
    kind = COMPARISON_OPERATORS[operator]
    if kind == "path":
        if not isinstance(operand, str) or path_error(operand):
            detail = path_error(operand) if isinstance(operand, str) else "it must be a string"
            report.error(
                parts, f"{owner} field '{operator}' must be a valid path, not {describe(operand)} ({detail})."
            )
    elif kind == "string":
        report.string(parts, owner, operator, operand)
    elif kind == "boolean":
        if not isinstance(operand, bool):
            report.error(parts, f"{owner} field '{operator}' must be true or false, not {describe(operand)}.")
    elif kind == "number":
        if isinstance(operand, bool) or not isinstance(operand, int | float):
            report.error(parts, f"{owner} field '{operator}' must be a number, not {describe(operand)}.")
    else:
        check_timestamp(report, parts, owner, operator, operand)
