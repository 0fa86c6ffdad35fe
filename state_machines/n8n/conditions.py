"""n8n conditions (IF, Switch, Filter) → one JSONata boolean expression.

Two shapes exist: the ``filter`` parameter of IF v2+/Switch v3+/Filter v2+
(``{conditions: [{leftValue, rightValue, operator: {type, operation}}], combinator}``) and the
older per-type lists of IF v1 (``{string: [{value1, operation, value2}], number: [...]}``).
"""

from __future__ import annotations

from typing import Any

from state_machines.n8n.expressions import UntranslatableError
from state_machines.n8n.nodes import NodeContext

__all__ = ["filter_condition", "legacy_condition", "legacy_rule"]

# (type, operation) → JSONata with {l} and {r}; the type is only a hint, so most are shared.
_OPERATIONS: dict[str, str] = {
    "equals": "{l} = {r}",
    "notEquals": "{l} != {r}",
    "contains": '($type({l}) = "array" ? {r} in {l} : $contains($string({l}), $string({r})))',
    "notContains": '$not($type({l}) = "array" ? {r} in {l} : $contains($string({l}), $string({r})))',
    "startsWith": "$substring($string({l}), 0, $length($string({r}))) = $string({r})",
    "notStartsWith": "$substring($string({l}), 0, $length($string({r}))) != $string({r})",
    "endsWith": "$substring($string({l}), -$length($string({r}))) = $string({r})",
    "notEndsWith": "$substring($string({l}), -$length($string({r}))) != $string({r})",
    "exists": "$exists({l})",
    "notExists": "$not($exists({l}))",
    "empty": '($not($exists({l})) or {l} = "" or {l} = null or $count({l}) = 0)',
    "notEmpty": '($exists({l}) and {l} != "" and {l} != null and $count({l}) > 0)',
    "gt": "{l} > {r}",
    "lt": "{l} < {r}",
    "gte": "{l} >= {r}",
    "lte": "{l} <= {r}",
    "true": "{l} = true",
    "false": "{l} = false",
    "lengthEquals": "$count({l}) = {r}",
    "lengthNotEquals": "$count({l}) != {r}",
    "lengthGt": "$count({l}) > {r}",
    "lengthLt": "$count({l}) < {r}",
    "lengthGte": "$count({l}) >= {r}",
    "lengthLte": "$count({l}) <= {r}",
    "after": "$toMillis({l}) > $toMillis({r})",
    "before": "$toMillis({l}) < $toMillis({r})",
    "afterOrEquals": "$toMillis({l}) >= $toMillis({r})",
    "beforeOrEquals": "$toMillis({l}) <= $toMillis({r})",
}
_OBJECT_OPERATIONS = {
    "empty": "$count($keys({l})) = 0",
    "notEmpty": "$count($keys({l})) > 0",
}
# IF v1 / Switch v1-v2 operation names → the names above.
_LEGACY = {
    "equal": "equals",
    "notEqual": "notEquals",
    "contains": "contains",
    "notContains": "notContains",
    "startsWith": "startsWith",
    "notStartsWith": "notStartsWith",
    "endsWith": "endsWith",
    "notEndsWith": "notEndsWith",
    "isEmpty": "empty",
    "isNotEmpty": "notEmpty",
    "larger": "gt",
    "smaller": "lt",
    "largerEqual": "gte",
    "smallerEqual": "lte",
    "after": "after",
    "before": "before",
}
_LEGACY_DEFAULT = {"string": "equal", "number": "smaller", "boolean": "equal", "dateTime": "after"}


def filter_condition(context: NodeContext, spec: Any) -> str:
    """The JSONata of an n8n ``filter`` parameter (``{conditions: [...], combinator}``)."""
    if not isinstance(spec, dict):
        raise UntranslatableError("the conditions are not in a known shape")
    options: dict[str, Any] = spec["options"] if isinstance(spec.get("options"), dict) else {}
    case_sensitive = options.get("caseSensitive", True) is not False
    parts = []
    for condition in spec.get("conditions") or []:
        operator = condition.get("operator") or {}
        parts.append(
            _compare(
                context,
                str(operator.get("operation", "equals")),
                str(operator.get("type", "string")),
                condition.get("leftValue", ""),
                condition.get("rightValue", ""),
                case_sensitive,
            )
        )
    if not parts:
        return "true"
    joiner = " or " if spec.get("combinator") == "or" else " and "
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def legacy_condition(context: NodeContext, conditions: Any, combine: str) -> str:
    """The JSONata of IF v1's ``conditions`` (``{string: [...], number: [...], boolean: [...]}``)."""
    if not isinstance(conditions, dict):
        raise UntranslatableError("the conditions are not in a known shape")
    parts = []
    for value_type, rules in conditions.items():
        for rule in rules or []:
            operation = rule.get("operation") or _LEGACY_DEFAULT.get(value_type, "equal")
            parts.append(
                legacy_rule(context, value_type, str(operation), rule.get("value1", ""), rule.get("value2"))
            )
    if not parts:
        return "true"
    joiner = " or " if combine == "any" else " and "
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def legacy_rule(context: NodeContext, value_type: str, operation: str, left: Any, right: Any) -> str:
    """One IF v1 / Switch v1-v2 comparison (``regex`` included) as JSONata."""
    operation = operation.lstrip("=")
    if operation == "regex":
        return _compare(context, "regex", value_type, left, right, True)
    if operation not in _LEGACY:
        raise UntranslatableError(f"the comparison '{operation}' is not supported")
    if right is None:
        right = {"number": 0, "boolean": False}.get(value_type, "")
    return _compare(context, _LEGACY[operation], value_type, left, right, True)


def _compare(
    context: NodeContext, operation: str, value_type: str, left: Any, right: Any, case_sensitive: bool
) -> str:
    left_expr = context.jsonata(left)
    if operation in ("regex", "notRegex"):
        if not isinstance(right, str) or right.startswith("=") or "/" in right:
            raise UntranslatableError("only a literal regular expression without '/' can be matched")
        flags = "" if case_sensitive else "i"
        test = f"$contains($string({left_expr}), /{right}/{flags})"
        return test if operation == "regex" else f"$not({test})"
    template = (_OBJECT_OPERATIONS if value_type == "object" else {}).get(operation) or _OPERATIONS.get(
        operation
    )
    if template is None:
        raise UntranslatableError(f"the comparison '{value_type}: {operation}' is not supported")
    right_expr = context.jsonata(_typed(right, value_type)) if "{r}" in template else ""
    if not case_sensitive and value_type == "string":
        left_expr, right_expr = f"$lowercase({left_expr})", f"$lowercase({right_expr})" if right_expr else ""
    return template.format(l=left_expr, r=right_expr)


def _typed(value: Any, value_type: str) -> Any:
    """A literal right-hand value in the type the comparison expects (n8n stores many as text)."""
    if not isinstance(value, str) or value.startswith("="):
        return value
    if value_type == "number":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if value_type == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
