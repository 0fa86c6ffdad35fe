"""One n8n node at a time → the WFAIB node type and params it becomes."""

from __future__ import annotations

from typing import Any

import pytest

from n8n.helpers import imported, links, n8n_node, node_by_name, workflow

START = n8n_node("Start", "manualTrigger")


def _single(node: dict[str, Any]) -> dict[str, Any]:
    result = imported(workflow(START, node, connections=links(("Start", node["name"]))))
    return node_by_name(result, node["name"])


@pytest.mark.parametrize(
    ("node", "type_", "params"),
    [
        (
            n8n_node(
                "T",
                "telegram",
                {"chatId": "42", "text": "={{ $json.msg }}", "additionalFields": {"parse_mode": "HTML"}},
                typeVersion=1.2,
            ),
            "telegram.send_message",
            {"chat_id": "42", "text": "{{ $input.msg }}", "parse_mode": "HTML"},
        ),
        (
            n8n_node(
                "E",
                "emailSend",
                {
                    "fromEmail": "bot@example.com",
                    "toEmail": "a@example.com, b@example.com",
                    "subject": "Hi",
                    "text": "Body",
                },
            ),
            "smtp.send_email",
            {
                "to": ["a@example.com", "b@example.com"],
                "from_email": "bot@example.com",
                "subject": "Hi",
                "text": "Body",
            },
        ),
        (
            n8n_node(
                "A",
                "airtable",
                {
                    "operation": "update",
                    "base": {"__rl": True, "value": "appAAAAAAAAAAAAAA", "mode": "list"},
                    "table": {"__rl": True, "value": "tblBBBBBBBBBBBBBB", "mode": "id"},
                    "columns": {
                        "value": {"id": "={{ $json.id }}", "Status": "done"},
                        "matchingColumns": ["id"],
                    },
                },
                typeVersion=2.1,
            ),
            "airtable.update_records",
            {
                "base_id": "appAAAAAAAAAAAAAA",
                "table": "tblBBBBBBBBBBBBBB",
                "records": [{"id": "{{ $input.id }}", "fields": {"Status": "done"}}],
            },
        ),
        (
            n8n_node(
                "I",
                "@n8n/n8n-nodes-langchain.openAi",
                {
                    "resource": "image",
                    "operation": "analyze",
                    "text": "Describe it",
                    "modelId": {"__rl": True, "value": "gpt-4o", "mode": "list"},
                    "imageUrls": "={{ $json.url }}",
                },
                typeVersion=1.8,
            ),
            "llm.chat",
            {
                "model": "gpt-4o",
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "Describe it"},
                            {"type": "image_url", "image_url": {"url": "{{ $input.url }}"}},
                        ],
                    }
                ],
            },
        ),
        (
            n8n_node("W", "wait", {"amount": 2, "unit": "minutes"}, typeVersion=1.1),
            "logic.wait",
            {"seconds": 120},
        ),
        (
            n8n_node("P", "postgres", {"operation": "executeQuery", "query": "select 1"}, typeVersion=2.5),
            "postgres.query",
            {"sql": "select 1"},
        ),
        (
            n8n_node("R", "redis", {"operation": "set", "key": "k", "value": "={{ $json.v }}"}),
            "redis.set",
            {"key": "k", "value": "{{ $input.v }}"},
        ),
        (
            n8n_node("Q", "awsSqs", {"queue": "https://sqs.eu-west-1.amazonaws.com/1/q"}),
            "aws.sqs.send_message",
            {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/q", "MessageBody": "{{ $string($input) }}"},
        ),
        (
            n8n_node(
                "H",
                "httpRequest",
                {
                    "requestMethod": "POST",
                    "url": "https://example.com/x",
                    "jsonParameters": True,
                    "bodyParametersJson": '{"a": 1}',
                },
            ),
            "http.request",
            {"method": "POST", "url": "https://example.com/x", "body": {"a": 1}},
        ),
        (
            n8n_node(
                "S",
                "set",
                {"values": {"number": [{"name": "n", "value": 4}], "string": [{"name": "s", "value": "x"}]}},
                typeVersion=2,
            ),
            "data.set",
            {"fields": {"n": 4, "s": "x"}, "keep_input": True},
        ),
        (
            n8n_node(
                "F",
                "filter",
                {
                    "conditions": {
                        "conditions": [
                            {
                                "leftValue": "={{ $json.paid }}",
                                "rightValue": "",
                                "operator": {"type": "boolean", "operation": "true"},
                            }
                        ]
                    }
                },
                typeVersion=2,
            ),
            "data.filter",
            {"items": "{{ $input }}", "condition": "{{ $item.paid = true }}"},
        ),
        (
            n8n_node(
                "Sum",
                "summarize",
                {
                    "fieldsToSummarize": {
                        "values": [
                            {"field": "Page Views", "aggregation": "sum"},
                            {"field": "text", "aggregation": "concatenate", "separateBy": " "},
                        ]
                    }
                },
            ),
            "data.transform",
            {
                "output": {
                    "sum_Page Views": "{{ $sum([$input.`Page Views`]) }}",
                    "concatenated_text": '{{ $join([$input.text].$string($), " ") }}',
                }
            },
        ),
        (
            n8n_node("L", "itemLists", {"fieldToSplitOut": "data.rows"}, typeVersion=3),
            "data.transform",
            {"output": "{{ [$input.data.rows] }}"},
        ),
        (
            n8n_node("X", "stopAndError", {"errorMessage": "={{ $json.reason }}"}),
            "logic.fail",
            {"error": "WorkflowFailed", "cause": "{{ $input.reason }}"},
        ),
    ],
)
def test_node_maps_to_its_wfaib_action(node: dict[str, Any], type_: str, params: dict[str, Any]) -> None:
    converted = _single(node)
    assert converted["type"] == type_
    expected = {key: value for key, value in params.items() if value not in ("", [], {})}
    assert converted["params"] == expected


def test_retry_and_error_output_settings_carry_over() -> None:
    http = n8n_node(
        "Call",
        "httpRequest",
        {"url": "https://example.com"},
        typeVersion=4.2,
        retryOnFail=True,
        maxTries=4,
        waitBetweenTries=3000,
        onError="continueErrorOutput",
    )
    result = imported(
        workflow(
            START,
            http,
            n8n_node("Ok", "noOp"),
            n8n_node("Failed", "noOp"),
            connections=links(("Start", "Call"), ("Call", "Ok", 0), ("Call", "Failed", 1)),
        )
    )
    call = node_by_name(result, "Call")
    assert call["on_error"] == "branch"
    assert call["retry"] == {"max_attempts": 3, "interval_seconds": 3, "backoff_rate": 1.0, "jitter": False}
    assert {"source": "call_call", "target": "failed", "branch": "error"} in result.workflow["edges"]
