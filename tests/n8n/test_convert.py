"""The importer on small hand-written n8n exports: triggers, nodes, branches, reports."""

from __future__ import annotations

import pytest

from n8n.helpers import CATALOG, imported, links, n8n_node, node_by_name, workflow
from state_machines.compiler import compile_workflow
from state_machines.model import Workflow
from state_machines.n8n import InvalidN8nDocumentError, convert

MANUAL = n8n_node("Start", "manualTrigger")


def if_v2(
    name: str, left: str, operation: str, right: object, value_type: str = "number"
) -> dict[str, object]:
    condition = {
        "leftValue": left,
        "rightValue": right,
        "operator": {"type": value_type, "operation": operation},
    }
    return n8n_node(
        name, "if", {"conditions": {"combinator": "and", "conditions": [condition]}}, typeVersion=2
    )


def test_webhook_if_and_slack_become_native_nodes_with_branches_and_positions() -> None:
    result = imported(
        workflow(
            n8n_node("Order Hook", "webhook", {"path": "orders", "httpMethod": "POST"}),
            if_v2("Is Large?", "={{ $json.body.total }}", "gt", "100"),
            n8n_node(
                "Tell Sales",
                "slack",
                {"channel": "#sales", "text": "=Big order {{ $('Order Hook').item.json.body.id }}"},
                position=[400, 120],
                credentials={"slackApi": {"id": "7", "name": "Team Slack"}},
            ),
            n8n_node("Ignore", "noOp"),
            connections=links(
                ("Order Hook", "Is Large?"), ("Is Large?", "Tell Sales", 0), ("Is Large?", "Ignore", 1)
            ),
        )
    )
    document = result.workflow
    assert document["trigger"] == {
        "type": "webhook",
        "path": "orders",
        "method": "POST",
        "response_mode": "on_received",
        "response_timeout_seconds": 10,
    }
    assert node_by_name(result, "Is Large?")["params"] == {"condition": "{{ $input.total > 100 }}"}
    slack = node_by_name(result, "Tell Sales")
    assert slack["type"] == "slack.post_message"
    assert slack["params"] == {"channel": "#sales", "text": "Big order {{ $trigger.id }}"}
    assert slack["position"] == {"x": 400, "y": 120}
    assert "credential" not in slack
    assert {(e["source"], e["target"], e.get("branch")) for e in document["edges"]} == {
        ("trigger", "is_large", None),
        ("is_large", "tell_sales", "true"),
        ("is_large", "ignore", "false"),
    }
    assert result.report.nodes == result.report.converted == 4
    assert result.report.placeholders == []
    assert any("Team Slack" in note and "slackApi" in note for note in result.report.notes)
    compile_workflow(Workflow.model_validate(document), CATALOG)


def test_switch_outputs_become_named_cases_and_the_fallback_the_default() -> None:
    rule = {
        "renameOutput": True,
        "outputKey": "Paid Orders",
        "conditions": {
            "conditions": [
                {
                    "leftValue": "={{ $json.status }}",
                    "rightValue": "paid",
                    "operator": {"type": "string", "operation": "equals"},
                }
            ]
        },
    }
    switch = n8n_node(
        "Route",
        "switch",
        {"rules": {"values": [rule]}, "options": {"fallbackOutput": "extra"}},
        typeVersion=3,
    )
    result = imported(
        workflow(
            MANUAL,
            switch,
            n8n_node("Paid", "noOp"),
            n8n_node("Other", "noOp"),
            connections=links(("Start", "Route"), ("Route", "Paid", 0), ("Route", "Other", 1)),
        )
    )
    assert node_by_name(result, "Route")["params"] == {
        "cases": [{"name": "Paid_Orders", "condition": '{{ $input.status = "paid" }}'}]
    }
    branches = {e["target"]: e.get("branch") for e in result.workflow["edges"] if e["source"] == "route"}
    assert branches == {"paid": "Paid_Orders", "other": "default"}


def test_an_unwired_if_output_ends_the_flow_with_a_stop_node() -> None:
    result = imported(
        workflow(
            MANUAL,
            if_v2("Check", "={{ $json.ok }}", "true", "", "boolean"),
            n8n_node("Go", "noOp"),
            connections=links(("Start", "Check"), ("Check", "Go", 0)),
        )
    )
    stop = next(n for n in result.workflow["nodes"] if n["type"] == "logic.stop")
    assert {"source": "check", "target": stop["id"], "branch": "false"} in result.workflow["edges"]


def test_loop_over_items_maps_done_and_each_and_the_body_leads_back() -> None:
    result = imported(
        workflow(
            MANUAL,
            n8n_node("Loop", "splitInBatches", {"batchSize": 10}, typeVersion=3),
            n8n_node("Call", "httpRequest", {"url": "={{ $json.url }}"}, typeVersion=4.2),
            n8n_node("After", "noOp"),
            connections=links(("Start", "Loop"), ("Loop", "After", 0), ("Loop", "Call", 1), ("Call", "Loop")),
        )
    )
    loop = node_by_name(result, "Loop")
    assert loop["type"] == "logic.loop" and loop["params"]["batch_size"] == 10
    edges = {(e["source"], e["target"], e.get("branch")) for e in result.workflow["edges"]}
    assert {
        ("loop", "after", "done"),
        ("loop", "call_call", "each"),
        ("call_call", "call", None),
        ("call", "loop", None),
    } <= edges
    assert node_by_name(result, "Call")["params"] == {"method": "GET", "url": "{{ $input.url }}"}
    # n8n's HTTP node outputs the response body: a data step gives the action's result that shape
    assert node_by_name(result, "Call (n8n output)") == {
        "id": "call",
        "type": "data.transform",
        "name": "Call (n8n output)",
        "version": 1,
        "params": {"output": "{{ $input.body }}"},
        "notes": "Added on import: gives the result of 'call_call' the shape the n8n node had.",
        "on_error": "stop",
    }


def test_http_request_json_body_with_embedded_expressions_becomes_json() -> None:
    http = n8n_node(
        "Create",
        "httpRequest",
        {
            "method": "POST",
            "url": "https://api.example.com/items",
            "sendBody": True,
            "specifyBody": "json",
            "jsonBody": '={"name": "{{ $json.name }}", "count": {{ $json.n }}, "fixed": true}',
            "sendHeaders": True,
            "headerParameters": {"parameters": [{"name": "X-Trace", "value": "={{ $json.id }}"}]},
        },
        typeVersion=4.2,
    )
    result = imported(workflow(MANUAL, http, connections=links(("Start", "Create"))))
    assert node_by_name(result, "Create")["params"] == {
        "method": "POST",
        "url": "https://api.example.com/items",
        "body": {"name": "{{ $input.name }}", "count": "{{ $input.n }}", "fixed": True},
        "headers": {"X-Trace": "{{ $input.id }}"},
    }


def test_literal_secrets_typed_into_an_http_request_are_not_imported() -> None:
    # A workflow's params end up in the state machine definition and its execution history.
    http = n8n_node(
        "Call",
        "httpRequest",
        {
            "method": "GET",
            "url": "https://api.example.com/items?api_key=sk-literal-1&page=2",
            "sendQuery": True,
            "queryParameters": {"parameters": [{"name": "token", "value": "tok-literal-2"}]},
            "sendHeaders": True,
            "headerParameters": {
                "parameters": [
                    {"name": "Authorization", "value": "Bearer sk-literal-3"},
                    {"name": "X-Api-Key", "value": "={{ $json.key }}"},
                    {"name": "Accept", "value": "application/json"},
                ]
            },
        },
        typeVersion=4.2,
    )
    converted = convert(workflow(MANUAL, http, connections=links(("Start", "Call"))))

    params = node_by_name(converted, "Call")["params"]
    text = converted.model_dump_json()
    for secret in ("sk-literal-1", "tok-literal-2", "sk-literal-3"):
        assert secret not in text
    assert params["headers"]["X-Api-Key"] == "{{ $input.key }}"  # an expression is not a literal secret
    assert params["headers"]["Accept"] == "application/json"
    assert "page=2" in params["url"]
    assert sum("held a literal secret" in note for note in converted.report.notes) == 3


def test_python_code_runs_in_code_python_and_javascript_becomes_a_placeholder_keeping_the_code() -> None:
    python = n8n_node(
        "Py",
        "code",
        {"language": "python", "pythonCode": "return [{'json': {'n': len(_input.all())}}]"},
        typeVersion=2,
    )
    js = n8n_node("Js", "code", {"jsCode": "return items.map(i => i);"}, typeVersion=2)
    result = imported(workflow(MANUAL, python, js, connections=links(("Start", "Py"), ("Py", "Js"))))
    code = node_by_name(result, "Py")["params"]["code"]
    namespace: dict[str, object] = {}
    exec(code, namespace)  # the generated module runs as the sandbox would run it
    main = namespace["main"]
    assert callable(main) and main([{"a": 1}, {"a": 2}]) == [{"n": 2}]
    placeholder = node_by_name(result, "Js")
    assert placeholder["type"] == "data.transform" and placeholder["params"] == {"output": "{{ $input }}"}
    assert "return items.map(i => i);" in placeholder["notes"]
    assert [(p.node, p.n8n_type) for p in result.report.placeholders] == [("js", "n8n-nodes-base.code")]
    assert result.report.converted == 2 and result.report.nodes == 3 and not result.report.complete


def test_unknown_node_types_become_placeholders_that_still_validate() -> None:
    result = imported(
        workflow(
            MANUAL,
            n8n_node("Sheet", "googleSheets", {"operation": "append"}),
            n8n_node("Done", "noOp"),
            connections=links(("Start", "Sheet"), ("Sheet", "Done")),
        )
    )
    sheet = node_by_name(result, "Sheet")
    assert sheet["type"] == "data.transform"
    assert "Placeholder for the n8n node 'Sheet'" in sheet["notes"]
    [entry] = result.report.placeholders
    assert entry.name == "Sheet" and "googleSheets" in entry.reason


def test_untranslatable_expressions_are_marked_and_reported() -> None:
    set_node = n8n_node(
        "Fields",
        "set",
        {
            "assignments": {
                "assignments": [
                    {"name": "ids", "type": "string", "value": "={{ $json.rows.map(r => r.id) }}"},
                    {"name": "n", "type": "number", "value": "3"},
                ]
            }
        },
        typeVersion=3.4,
    )
    result = imported(workflow(MANUAL, set_node, connections=links(("Start", "Fields"))))
    fields = node_by_name(result, "Fields")["params"]["fields"]
    assert fields["n"] == 3
    assert fields["ids"].startswith("[n8n expression not translated]")
    assert any("$json.rows.map(r => r.id)" in note for note in result.report.notes)
    assert [p.name for p in result.report.placeholders] == ["Fields"]


def test_a_reference_to_a_node_on_another_branch_is_replaced_by_a_marker() -> None:
    result = imported(
        workflow(
            MANUAL,
            if_v2("Check", "={{ $json.n }}", "gt", "1"),
            n8n_node("A", "noOp"),
            n8n_node(
                "B",
                "set",
                {
                    "assignments": {
                        "assignments": [{"name": "x", "type": "string", "value": "={{ $('A').item.json.x }}"}]
                    }
                },
                typeVersion=3.4,
            ),
            connections=links(("Start", "Check"), ("Check", "A", 0), ("Check", "B", 1)),
        )
    )
    assert node_by_name(result, "B")["params"]["fields"]["x"].startswith("[n8n expression not translated]")


def test_ai_chain_with_its_model_sub_node_becomes_one_llm_chat_node() -> None:
    chain = n8n_node(
        "Summarise",
        "@n8n/n8n-nodes-langchain.chainLlm",
        {"promptType": "define", "text": "=Summarise: {{ $json.text }}"},
    )
    model = n8n_node(
        "Model",
        "@n8n/n8n-nodes-langchain.lmChatOpenAi",
        {"model": "gpt-4o-mini", "options": {"temperature": 0.2}},
    )
    connections = links(("Start", "Summarise"))
    connections["Model"] = {
        "ai_languageModel": [[{"node": "Summarise", "type": "ai_languageModel", "index": 0}]]
    }
    result = imported(workflow(MANUAL, chain, model, connections=connections))
    assert [(n["id"], n["type"]) for n in result.workflow["nodes"]] == [
        ("summarise_call", "llm.chat"),
        ("summarise", "data.transform"),
    ]
    assert result.workflow["nodes"][1]["params"] == {"output": {"text": "{{ $input.content }}"}}
    assert result.workflow["nodes"][0]["params"] == {
        "model": "gpt-4o-mini",
        "prompt": "Summarise: {{ $input.text }}",
        "temperature": 0.2,
    }
    assert result.report.converted == result.report.nodes == 3


@pytest.mark.parametrize(
    ("rule", "expression"),
    [
        ({"field": "minutes", "minutesInterval": 15}, "rate(15 minutes)"),
        ({"field": "hours", "hoursInterval": 2, "triggerAtMinute": 5}, "cron(5 */2 * * ? *)"),
        ({"field": "days", "triggerAtHour": 9}, "cron(0 9 * * ? *)"),
        ({"field": "weeks", "triggerAtDay": [1, 5], "triggerAtHour": 7}, "cron(0 7 ? * MON,FRI *)"),
        ({"field": "cronExpression", "expression": "0 8 * * 1-5"}, "cron(0 8 ? * 2-6 *)"),
    ],
)
def test_schedule_rules_become_eventbridge_expressions(rule: dict[str, object], expression: str) -> None:
    trigger = n8n_node("Every", "scheduleTrigger", {"rule": {"interval": [rule]}}, typeVersion=1.2)
    result = imported(
        workflow(
            trigger,
            n8n_node("Go", "noOp"),
            connections=links(("Every", "Go")),
            settings={"timezone": "Europe/Berlin"},
        )
    )
    assert result.workflow["trigger"]["expression"] == expression
    assert result.workflow["trigger"]["timezone"] == "Europe/Berlin"


def test_app_triggers_are_approximated_and_reported() -> None:
    result = imported(
        workflow(n8n_node("Bot", "telegramTrigger"), n8n_node("Go", "noOp"), connections=links(("Bot", "Go")))
    )
    assert result.workflow["trigger"]["type"] == "webhook"
    assert [p.node for p in result.report.placeholders] == ["trigger"]


def test_node_ids_are_unique_slugs_that_avoid_reserved_names() -> None:
    result = imported(
        workflow(
            MANUAL,
            n8n_node("Count", "noOp"),
            n8n_node("count!", "noOp"),
            n8n_node("1st step", "noOp"),
            connections=links(("Start", "Count"), ("Count", "count!"), ("count!", "1st step")),
        )
    )
    assert [n["id"] for n in result.workflow["nodes"]] == ["count_node", "count_node_2", "n_1st_step"]


def test_nodes_the_trigger_does_not_reach_are_left_out_and_reported() -> None:
    result = imported(
        workflow(
            MANUAL, n8n_node("Go", "noOp"), n8n_node("Loose", "noOp"), connections=links(("Start", "Go"))
        )
    )
    assert [n["id"] for n in result.workflow["nodes"]] == ["go"]
    assert result.report.nodes == 3 and result.report.converted == 2
    assert any("'Loose'" in note and "not reachable" in note for note in result.report.notes)


def test_a_cycle_outside_a_loop_is_cut_and_reported() -> None:
    result = imported(
        workflow(
            MANUAL,
            n8n_node("A", "noOp"),
            n8n_node("B", "noOp"),
            connections=links(("Start", "A"), ("A", "B"), ("B", "A")),
        )
    )
    assert {(e["source"], e["target"]) for e in result.workflow["edges"]} == {("trigger", "a"), ("a", "b")}
    assert any("closed a loop" in note for note in result.report.notes)


@pytest.mark.parametrize(
    "document",
    [
        [],
        "text",
        {"nodes": "x"},
        {"nodes": [{"name": "a"}]},
        {"nodes": [], "connections": []},
        {"nodes": [{"name": "a", "type": "t", "parameters": []}]},
    ],
)
def test_documents_that_are_not_n8n_exports_are_refused(document: object) -> None:
    with pytest.raises(InvalidN8nDocumentError):
        convert(document, catalog=CATALOG)


def test_the_trigger_reaching_most_nodes_is_chosen_unless_one_is_named() -> None:
    document = workflow(
        n8n_node("Hook", "webhook", {"path": "in"}),
        n8n_node("Daily", "scheduleTrigger", {"rule": {"interval": [{"field": "days"}]}}),
        n8n_node("A", "noOp"),
        n8n_node("B", "noOp"),
        connections=links(("Hook", "A"), ("A", "B"), ("Daily", "B")),
    )
    assert imported(document).workflow["trigger"]["type"] == "webhook"
    daily = convert(document, catalog=CATALOG, trigger="Daily")
    assert daily.workflow["trigger"]["type"] == "schedule"
    assert [n["id"] for n in daily.workflow["nodes"]] == ["b"]
    with pytest.raises(InvalidN8nDocumentError, match="no trigger named 'Nope'"):
        convert(document, catalog=CATALOG, trigger="Nope")


def test_a_graph_the_compiler_cannot_lower_falls_back_to_one_reported_placeholder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def compiler_gap(*_: object, **__: object) -> None:
        raise AssertionError("no state for this branch")

    monkeypatch.setattr("state_machines.n8n.converter.compile_workflow", compiler_gap)
    result = imported(workflow(MANUAL, n8n_node("Go", "noOp"), connections=links(("Start", "Go"))))
    assert [n["id"] for n in result.workflow["nodes"]] == ["imported_steps"]
    assert any("could not lower this graph" in note for note in result.report.notes)
    assert not result.report.complete
