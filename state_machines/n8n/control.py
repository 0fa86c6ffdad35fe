"""Flow and data nodes: IF, Switch, Merge, Loop Over Items, Wait, Set, Code, Filter, … → built-ins.

n8n runs each node once per *item* of a list; a WFAIB node runs once on one JSON value (its
input). The mappers below therefore treat the input as the list of items where n8n would
(``$input`` in a Filter, an Aggregate, Split Out), and as one item elsewhere.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import replace
from typing import Any

from state_machines.n8n.conditions import filter_condition, legacy_condition, legacy_rule
from state_machines.n8n.expressions import ExpressionContext, UntranslatableError, is_expression
from state_machines.n8n.nodes import Mapped, NodeContext, UnsupportedNodeError, locator

__all__ = ["CONTROL_MAPPERS", "json_template", "passthrough"]

_CASE_NAME = re.compile(r"[^A-Za-z0-9_\-]+")


def passthrough(note: str | None = None) -> Mapped:
    """A node that hands its input on unchanged (n8n's No Operation, a disabled node)."""
    return Mapped("data.transform", {"output": "{{ $input }}"}, [note] if note else [])


def if_node(context: NodeContext) -> Mapped:
    node = context.node
    try:
        if node.version >= 2:
            condition = filter_condition(context, node.param("conditions"))
        else:
            condition = legacy_condition(
                context, node.param("conditions"), node.param("combineOperation", "all")
            )
    except UntranslatableError as exc:
        return Mapped(
            "logic.if",
            {"condition": "{{ false }}"},
            partial=f"condition not translated ({exc}); it is false until you rewrite it",
            outputs={0: "true", 1: "false"},
        )
    return Mapped("logic.if", {"condition": "{{ " + condition + " }}"}, outputs={0: "true", 1: "false"})


def switch_node(context: NodeContext) -> Mapped:
    node = context.node
    if node.param("mode", "rules") != "rules":
        raise UnsupportedNodeError(
            "a Switch whose output is computed by an expression has no WFAIB equivalent"
        )
    cases: list[dict[str, str]] = []
    outputs: dict[int, str | None] = {}
    failures: list[str] = []
    used: set[str] = {"default"}

    def case_name(label: Any, index: int) -> str:
        base = _CASE_NAME.sub("_", str(label or "")).strip("_")[:36] or f"output_{index}"
        name, suffix = base, 2
        while name in used:
            name, suffix = f"{base[:33]}_{suffix}", suffix + 1
        used.add(name)
        return name

    if node.version >= 3:
        rules = (node.param("rules") or {}).get("values") or []
        for index, rule in enumerate(rules):
            try:
                condition = filter_condition(context, rule.get("conditions"))
            except UntranslatableError as exc:
                failures.append(f"output {index}: {exc}")
                condition = "false"
            label = rule.get("outputKey") if rule.get("renameOutput") else None
            name = case_name(label, index)
            cases.append({"name": name, "condition": "{{ " + condition + " }}"})
            outputs[index] = name
        fallback = node.option("options", "fallbackOutput", "none")
        if fallback == "extra":
            outputs[len(rules)] = "default"
        elif isinstance(fallback, int) and fallback in outputs:
            outputs[fallback] = outputs[fallback]
    else:
        by_output: dict[int, list[str]] = {}
        labels: dict[int, Any] = {}
        value_type = str(node.param("dataType", "number"))
        for index, rule in enumerate((node.param("rules") or {}).get("rules") or []):
            output = int(rule.get("output", index))
            operation = str(rule.get("operation") or "equal")
            try:
                test = legacy_rule(context, value_type, operation, node.param("value1"), rule.get("value2"))
            except UntranslatableError as exc:
                failures.append(f"rule {index}: {exc}")
                test = "false"
            by_output.setdefault(output, []).append(test)
            labels.setdefault(output, rule.get("outputKey"))
        for output in sorted(by_output):
            name = case_name(labels[output], output)
            tests = by_output[output]
            condition = tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"
            cases.append({"name": name, "condition": "{{ " + condition + " }}"})
            outputs[output] = name
        fallback = node.param("fallbackOutput", -1)
        if isinstance(fallback, int) and fallback >= 0 and fallback not in outputs:
            outputs[fallback] = "default"
    if not cases:
        raise UnsupportedNodeError("the Switch has no rules")
    mapped = Mapped("logic.switch", {"cases": cases}, outputs=outputs)
    if node.option("options", "allMatchingOutputs"):
        mapped.notes.append("n8n sent items to every matching output; WFAIB takes the first matching case")
    if failures:
        mapped.partial = (
            "conditions not translated (" + "; ".join(failures) + "); they are false until rewritten"
        )
    return mapped


def merge_node(context: NodeContext) -> Mapped:
    mode = context.node.param("mode", "append")
    mapped = Mapped("logic.merge", {"mode": "array"})
    if mode not in ("append", "passThrough", "chooseBranch", "wait"):
        mapped.notes.append(
            f"n8n merged by '{mode}'; WFAIB's merge gives the list of branch outputs (or the branch that ran) "
            "— add a Transform after it to combine them"
        )
    return mapped


def loop_node(context: NodeContext) -> Mapped:
    node = context.node
    batch_size = node.param("batchSize", 1)
    params: dict[str, Any] = {"items": "{{ $input }}", "max_concurrency": 1}
    if isinstance(batch_size, int) and batch_size > 1:
        params["batch_size"] = batch_size
    if node.version >= 3:
        return Mapped("logic.loop", params, outputs={0: "done", 1: "each"})
    return Mapped(
        "logic.loop",
        params,
        notes=["the loop's end (n8n's 'noItemsLeft' check) becomes the loop's 'done' output"],
        outputs={0: "each"},
    )


_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def wait_node(context: NodeContext) -> Mapped:
    node = context.node
    resume = node.param("resume", "timeInterval")
    if resume == "specificTime":
        until = context.value(node.param("dateTime", ""))
        return Mapped("logic.wait", {"until": until})
    if resume != "timeInterval":
        raise UnsupportedNodeError(
            f"waiting for '{resume}' (a webhook call or a form) has no WFAIB equivalent; "
            "a logic.approval node waits for a person"
        )
    amount = node.param("amount", 1)
    unit = node.param("unit", "hours" if node.version < 1.1 else "seconds")
    if isinstance(amount, str) and is_expression(amount):
        seconds: Any = context.value(amount)
        if _SECONDS.get(str(unit), 1) != 1 and isinstance(seconds, str) and seconds.startswith("{{"):
            seconds = "{{ (" + seconds[2:-2].strip() + f") * {_SECONDS.get(str(unit), 1)} }}}}"
    else:
        try:
            seconds = max(1, round(float(amount) * _SECONDS.get(str(unit), 1)))
        except (TypeError, ValueError) as exc:
            raise UnsupportedNodeError(f"the wait amount {amount!r} is not a number") from exc
    return Mapped("logic.wait", {"seconds": seconds})


def stop_and_error(context: NodeContext) -> Mapped:
    node = context.node
    message = node.param("errorMessage", "")
    if node.param("errorType") == "errorObject":
        message = node.param("errorObject", "")
    return Mapped("logic.fail", {"error": "WorkflowFailed", "cause": context.text(message) or ""})


def execute_workflow(context: NodeContext) -> Mapped:
    node = context.node
    workflow = locator(node.param("workflowId", ""))
    if node.param("source", "database") != "database" or not workflow:
        raise UnsupportedNodeError("only a sub-workflow chosen by id can be imported")
    return Mapped(
        "logic.sub_workflow",
        {"workflow_id": str(context.text(workflow))},
        notes=[f"sub-workflow '{workflow}' is an n8n id: import that workflow too and put its WFAIB id here"],
    )


def set_node(context: NodeContext) -> Mapped:
    node = context.node
    if node.param("mode") == "raw":
        raw = node.param("jsonOutput", "{}")
        output = json_template(context, raw)
        if node.param("includeOtherFields"):
            return (
                Mapped("data.set", {"fields": output, "keep_input": True})
                if isinstance(output, dict)
                else (Mapped("data.transform", {"output": output}))
            )
        return Mapped("data.transform", {"output": output})
    fields: dict[str, Any] = {}
    if node.version >= 3.3:
        for assignment in (node.param("assignments") or {}).get("assignments") or []:
            fields[str(assignment.get("name", ""))] = _typed(
                context, assignment.get("value"), assignment.get("type")
            )
        keep_input = bool(node.param("includeOtherFields", False))
    elif node.version >= 3:
        for value in (node.param("fields") or {}).get("values") or []:
            kind = str(value.get("type", "stringValue"))
            fields[str(value.get("name", ""))] = _typed(context, value.get(kind), kind.removesuffix("Value"))
        keep_input = node.param("include", "all") != "none"
    else:
        for kind, values in (node.param("values") or {}).items():
            for value in values or []:
                fields[str(value.get("name", ""))] = _typed(context, value.get("value"), kind)
        keep_input = not node.param("keepOnlySet", False)
    fields.pop("", None)
    mapped = Mapped("data.set", {"fields": fields, "keep_input": keep_input})
    if any("." in name for name in fields) and node.option("options", "dotNotation", True):
        mapped.notes.append("n8n treated dotted field names as paths; WFAIB sets them as plain keys")
    return mapped


def _typed(context: NodeContext, value: Any, kind: Any) -> Any:
    """A Set field's value in its declared type (n8n stores literals of every type as text)."""
    if isinstance(value, str) and not is_expression(value):
        if kind == "number":
            try:
                number = float(value)
            except ValueError:
                return context.value(value)
            return int(number) if number.is_integer() else number
        if kind == "boolean" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if kind in ("array", "object", "json"):
            try:
                return context.value(json.loads(value))
            except ValueError:
                return context.value(value)
    return context.value(value)


def json_template(context: NodeContext, raw: Any) -> Any:
    """JSON text with ``{{ }}`` inside (a Set's or HTTP body's JSON) → JSON with WFAIB templates.

    The expressions are swapped for tokens, the text parsed as JSON, and the tokens swapped back
    for translated templates; JSON that still does not parse is kept as translated text.
    """
    if not isinstance(raw, str):
        return context.value(raw)
    text = raw[1:] if raw.startswith("=") else raw
    whole = re.fullmatch(r"\s*\{\{(.*)\}\}\s*", text, re.DOTALL)
    if whole and "{{" not in whole.group(1):
        return context.value("={{" + whole.group(1) + "}}")
    expressions: list[str] = []

    def token(match: re.Match[str]) -> str:
        expressions.append(match.group(0))
        name = f"__n8n_expression_{len(expressions) - 1}__"
        before = text[: match.start()].rstrip()
        return f'"{name}"' if before.endswith((":", "[", ",")) else name

    tokenized = re.sub(r"\{\{.*?\}\}", token, text, flags=re.DOTALL)
    try:
        document = json.loads(tokenized)
    except ValueError:
        return context.value(raw)

    def restore(value: Any) -> Any:
        if isinstance(value, str):
            restored = re.sub(r"__n8n_expression_(\d+)__", lambda m: expressions[int(m.group(1))], value)
            return context.value("=" + restored) if restored != value else context.value(value)
        if isinstance(value, dict):
            return {key: restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [restore(item) for item in value]
        return value

    return restore(document)


_PYTHON_SHIM = '''\
class _Obj(dict):
    """n8n's Python items allow attribute access (item.json.name); so does this."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


def _wrap(value):
    if isinstance(value, dict):
        return _Obj({key: _wrap(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_wrap(item) for item in value]
    return value


class _Input:
    def __init__(self, items):
        self._items = items

    def all(self):
        return self._items

    def first(self):
        return self._items[0]

    def last(self):
        return self._items[-1]

    @property
    def item(self):
        return self._items[0]


def _unwrap(result):
    items = result if isinstance(result, list) else [result]
    return [item["json"] if isinstance(item, dict) and "json" in item else item for item in items]


def _n8n_code(_input, _json, _items):
{body}


def main(input):
    records = input if isinstance(input, list) else [input]
    items = [_wrap({"json": record}) for record in records]
{call}
'''
_ALL_ITEMS_CALL = "    return _unwrap(_n8n_code(_Input(items), items[0].json if items else _Obj(), items))"
_EACH_ITEM_CALL = (
    "    return [out for item in items for out in _unwrap(_n8n_code(_Input([item]), item.json, [item]))]"
)


def code_node(context: NodeContext) -> Mapped:
    node = context.node
    language = node.param("language", "javaScript")
    if node.type.endswith(".code") and language in ("python", "pythonNative"):
        source = str(node.param("pythonCode", ""))
        body = textwrap.indent(source.strip("\n") or "pass", "    ")
        each = node.param("mode", "runOnceForAllItems") == "runOnceForEachItem"
        # str.replace, not str.format: the shim (and the user's code) are full of braces.
        code = _PYTHON_SHIM.replace("{body}", body).replace(
            "{call}", _EACH_ITEM_CALL if each else _ALL_ITEMS_CALL
        )
        try:
            compile(code, node.name, "exec")
        except SyntaxError as exc:
            raise UnsupportedNodeError(f"the Python code does not compile once wrapped ({exc.msg})") from exc
        return Mapped(
            "code.python",
            {"code": code},
            notes=[
                "n8n's `_input`/`_json` are provided by a small shim; check the imports the sandbox allows"
            ],
        )
    raise UnsupportedNodeError(
        "JavaScript code has no WFAIB runtime; port it to code.python (kept in the notes)"
    )


def filter_node(context: NodeContext) -> Mapped:
    node = context.node
    item_context = NodeContext(
        node, _with_item(context), context.catalog, context.attachments, context.untranslated
    )
    try:
        if node.version >= 2:
            condition = filter_condition(item_context, node.param("conditions"))
        else:
            condition = legacy_condition(
                item_context,
                node.param("conditions"),
                "any" if str(node.param("combineConditions", "AND")).upper() == "OR" else "all",
            )
    except UntranslatableError as exc:
        return Mapped(
            "data.filter",
            {"items": "{{ $input }}", "condition": "{{ true }}"},
            partial=f"condition not translated ({exc}); every item is kept until you rewrite it",
        )
    return Mapped("data.filter", {"items": "{{ $input }}", "condition": "{{ " + condition + " }}"})


def _with_item(context: NodeContext) -> ExpressionContext:
    return replace(context.expressions, item="$item", input_is_webhook=False)


def aggregate_node(context: NodeContext) -> Mapped:
    node = context.node
    if node.param("aggregate", "aggregateIndividualFields") == "aggregateAllItemData":
        name = str(node.param("destinationFieldName", "data"))
        return Mapped("data.transform", {"output": {name: "{{ $input }}"}})
    output: dict[str, str] = {}
    for field in (node.param("fieldsToAggregate") or {}).get("fieldToAggregate") or []:
        source = str(field.get("fieldToAggregate", ""))
        target = str(field.get("outputFieldName") or source) if field.get("renameField") else source
        output[target] = "{{ [" + _path(source) + "] }}"
    if not output:
        raise UnsupportedNodeError("no fields to aggregate")
    return Mapped("data.transform", {"output": output})


def split_out(context: NodeContext) -> Mapped:
    field = str(context.node.param("fieldToSplitOut", ""))
    if "," in field:
        raise UnsupportedNodeError("splitting out several fields at once cannot be imported")
    return Mapped("data.transform", {"output": "{{ [" + _path(field) + "] }}"})


def _path(field: str, root: str = "$input") -> str:
    """``a.b c`` → ``$input.a.`b c``` (n8n field names may hold spaces and other characters)."""
    steps = [step for step in field.split(".") if step]
    if not steps or any("`" in step for step in steps):
        raise UnsupportedNodeError(f"'{field}' is not a field path")
    return ".".join(
        [root, *(step if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", step) else f"`{step}`" for step in steps)]
    )


_SUMMARIES = {
    "sum": ("sum", "$sum([{path}])"),
    "average": ("average", "$average([{path}])"),
    "min": ("min", "$min([{path}])"),
    "max": ("max", "$max([{path}])"),
    "count": ("count", "$count([{path}])"),
    "countUnique": ("unique_count", "$count($distinct([{path}]))"),
    "append": ("appended", "[{path}]"),
}


def summarize_node(context: NodeContext) -> Mapped:
    node = context.node
    if node.param("fieldsToSplitBy") or node.option("options", "outputFormat") == "separateItems":
        raise UnsupportedNodeError("summarizing by groups (split by fields) cannot be imported")
    output: dict[str, str] = {}
    for entry in (node.param("fieldsToSummarize") or {}).get("values") or []:
        aggregation, field = str(entry.get("aggregation", "count")), str(entry.get("field", ""))
        if aggregation == "concatenate":
            separator = json.dumps(str(entry.get("separateBy", ",")), ensure_ascii=False)
            output[f"concatenated_{field}"] = (
                "{{ $join([" + _path(field) + "].$string($), " + separator + ") }}"
            )
        elif aggregation in _SUMMARIES:
            prefix, template = _SUMMARIES[aggregation]
            output[f"{prefix}_{field}"] = "{{ " + template.format(path=_path(field)) + " }}"
        else:
            raise UnsupportedNodeError(f"the summary '{aggregation}' cannot be imported")
    if not output:
        raise UnsupportedNodeError("nothing to summarize")
    return Mapped("data.transform", {"output": output})


def item_lists(context: NodeContext) -> Mapped:
    """The older Item Lists node: one operation of what became Split Out, Aggregate, Sort, …"""
    operation = context.node.param("operation", "splitOutItems")
    mapper = {
        "splitOutItems": split_out,
        "aggregateItems": aggregate_node,
        "concatenateItems": aggregate_node,
        "removeDuplicates": remove_duplicates,
        "sort": sort_node,
        "limit": limit_node,
        "summarize": summarize_node,
    }.get(str(operation))
    if mapper is None:
        raise UnsupportedNodeError(f"Item Lists '{operation}' cannot be imported")
    return mapper(context)


def limit_node(context: NodeContext) -> Mapped:
    count = context.node.param("maxItems", 1)
    if not isinstance(count, int) or count < 1:
        raise UnsupportedNodeError("the limit is not a number")
    if context.node.param("keep", "firstItems") == "lastItems":
        expression = f"{{{{ $filter([$input], function($v, $i, $a) {{ $i >= $count($a) - {count} }}) }}}}"
    else:
        expression = f"{{{{ $filter([$input], function($v, $i) {{ $i < {count} }}) }}}}"
    return Mapped("data.transform", {"output": expression})


def remove_duplicates(context: NodeContext) -> Mapped:
    if context.node.param("compare", "allFields") != "allFields":
        raise UnsupportedNodeError("removing duplicates by some fields only has no JSONata one-liner")
    return Mapped("data.transform", {"output": "{{ $distinct([$input]) }}"})


def sort_node(context: NodeContext) -> Mapped:
    fields = (context.node.param("sortFieldsUi") or {}).get("sortField") or []
    if context.node.param("type", "simple") != "simple" or not fields:
        raise UnsupportedNodeError("only a simple sort by fields can be imported")
    terms = []
    for field in fields:
        name = _path(str(field.get("fieldName", "")), "")[1:]
        terms.append(("<" if field.get("order", "ascending") == "ascending" else ">") + name)
    return Mapped("data.transform", {"output": "{{ [$input]^(" + ", ".join(terms) + ") }}"})


def respond_to_webhook(context: NodeContext) -> Mapped:
    node = context.node
    respond_with = node.param("respondWith", "firstIncomingItem")
    if respond_with in ("json", "text"):
        body = (
            json_template(context, node.param("responseBody", ""))
            if respond_with == "json"
            else (context.value(node.param("responseBody", "")))
        )
    elif respond_with in ("firstIncomingItem", "allIncomingItems"):
        body = "{{ $input }}"
    elif respond_with == "noData":
        body = None
    else:
        raise UnsupportedNodeError(f"responding with '{respond_with}' has no WFAIB equivalent")
    code = node.option("options", "responseCode", 200)
    headers = {
        str(entry.get("name", "")): str(context.value(entry.get("value", "")))
        for entry in (node.option("options", "responseHeaders", {}) or {}).get("entries") or []
        if entry.get("name")
    }
    output: dict[str, Any] = {"statusCode": code if isinstance(code, int) else 200, "body": body}
    if headers:
        output["headers"] = headers
    return Mapped(
        "data.transform",
        {"output": output},
        notes=[
            "the webhook answers with the run's last output: keep this node last (trigger response_mode last_node)"
        ],
    )


CONTROL_MAPPERS = {
    "n8n-nodes-base.if": if_node,
    "n8n-nodes-base.switch": switch_node,
    "n8n-nodes-base.merge": merge_node,
    "n8n-nodes-base.splitInBatches": loop_node,
    "n8n-nodes-base.wait": wait_node,
    "n8n-nodes-base.noOp": lambda context: passthrough(),
    "n8n-nodes-base.stopAndError": stop_and_error,
    "n8n-nodes-base.executeWorkflow": execute_workflow,
    "n8n-nodes-base.set": set_node,
    "n8n-nodes-base.code": code_node,
    "n8n-nodes-base.function": code_node,
    "n8n-nodes-base.functionItem": code_node,
    "n8n-nodes-base.filter": filter_node,
    "n8n-nodes-base.aggregate": aggregate_node,
    "n8n-nodes-base.splitOut": split_out,
    "n8n-nodes-base.limit": limit_node,
    "n8n-nodes-base.removeDuplicates": remove_duplicates,
    "n8n-nodes-base.sort": sort_node,
    "n8n-nodes-base.respondToWebhook": respond_to_webhook,
    "n8n-nodes-base.summarize": summarize_node,
    "n8n-nodes-base.itemLists": item_lists,
}
