"""``ticket-triage-ai``: run as ``wfaib run`` runs it, against a fake LLM and a fake Slack on loopback.

The credentials are Secrets Manager secrets (moto over HTTP) whose ``base_url`` points the llm and
slack connectors at the fakes, so the compiled ASL, the local runtime and the connector code are the
real ones; only the providers are fakes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from state_machines.compiler import CompileTarget
from state_machines.timeline import Step
from wfaib.local_run import LocalRun, load_workflow_file, run_workflow

# The provider fakes live with the connector tests (``tests/connectors/fakes``), importable as ``fakes``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from fakes.openai_compat import API_KEY, FakeLLM
from fakes.slack import VALID_TOKEN, FakeSlack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ticket-triage-ai.json"
ON_CALL_CHANNEL = "C0ONCALL01"
BILLING_TICKET = {
    "from": "grace@example.com",
    "subject": "Charged twice",
    "body": "My card was charged twice for order 1042.",
}
QUESTION_TICKET = {"from": "linus@example.com", "subject": "Gift wrap?", "body": "Do you gift-wrap?"}


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.channels.append({"id": ON_CALL_CHANNEL, "name": "on-call", "is_private": False})
        yield server


@pytest.fixture
def credentials(moto_endpoint: str, llm: FakeLLM, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's two credentials, as ``wfaib`` stores them, pointing at this test's fakes."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "WFAIB_TABLE_NAME", "WFAIB_CLAIM_CHECK_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    secrets = boto3.client("secretsmanager")
    target = CompileTarget()
    for credential, value in {
        "openai": {"token": API_KEY, "base_url": f"{llm.url}/v1"},
        "slack-bot": {"token": VALID_TOKEN, "base_url": slack.url},
    }.items():
        secret_id, text = target.credential_secret_id(credential), json.dumps(value)
        try:
            secrets.put_secret_value(SecretId=secret_id, SecretString=text)
        except secrets.exceptions.ResourceNotFoundException:
            secrets.create_secret(Name=secret_id, SecretString=text)


def _run(ticket: dict[str, Any] | None = None) -> LocalRun:
    workflow, problems = load_workflow_file(EXAMPLE)
    assert workflow is not None and problems == []
    result = run_workflow(workflow, ticket or workflow.trigger.sample_input)
    assert (result.info.status, result.info.error) == ("SUCCEEDED", None), result.info.cause
    assert all(step.status == "succeeded" for step in result.steps)
    return result


def _nodes_run(result: LocalRun) -> set[str]:
    return {node for step in result.steps for node in step.nodes}


def _step(result: LocalRun, node: str) -> Step:
    return next(step for step in result.steps if node in step.nodes)


def _triage(category: str, urgency: str, summary: str) -> str:
    return json.dumps({"category": category, "urgency": urgency, "summary": summary})


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize(("category", "urgency"), [("outage", "normal"), ("bug", "high")])
def test_an_outage_or_a_high_urgency_pages_on_call_in_slack(
    llm: FakeLLM, slack: FakeSlack, category: str, urgency: str
) -> None:
    llm.reply(_triage(category, urgency, "Checkout fails with error 500 for every order since 09:00."))

    result = _run()

    output = json.loads(result.info.output or "null")
    posted = [request.json() for request in slack.requests if request.path == "/chat.postMessage"]
    assert posted == [
        {
            "channel": ON_CALL_CHANNEL,
            "text": f":rotating_light: {category} from ada@example.com: "
            "Checkout fails with error 500 for every order since 09:00.",
        }
    ]
    assert output["queue"] == "on-call"
    assert _step(result, "page_on_call").output == {"queue": "on-call", "slack_ts": "1700000000.000001"}
    assert {"page_on_call", "on_call_queue"} <= _nodes_run(result)
    assert not {"billing_queue", "support_queue"} & _nodes_run(result)
    asked = llm.requests[0].json()
    assert asked["response_format"]["type"] == "json_schema"
    assert asked["response_format"]["json_schema"]["name"] == "ticket_triage"
    assert asked["messages"][-1]["content"] == (
        "From: ada@example.com\nSubject: Checkout is down\n\n"
        "Since 09:00 nobody can pay: every order ends with error 500 at the payment step."
    )


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize(
    ("ticket", "category", "urgency", "queue"),
    [(BILLING_TICKET, "billing", "normal", "billing"), (QUESTION_TICKET, "question", "low", "support")],
)
def test_other_tickets_go_to_a_queue_without_paging_anyone(
    llm: FakeLLM, slack: FakeSlack, ticket: dict[str, Any], category: str, urgency: str, queue: str
) -> None:
    llm.reply(_triage(category, urgency, f"About: {ticket['subject']}"))

    result = _run(ticket)

    output = json.loads(result.info.output or "null")
    assert {key: output[key] for key in ("ticket", "category", "urgency", "summary", "queue")} == {
        "ticket": ticket["subject"],
        "category": category,
        "urgency": urgency,
        "summary": f"About: {ticket['subject']}",
        "queue": queue,
    }
    assert f"{queue}_queue" in _nodes_run(result)
    assert "page_on_call" not in _nodes_run(result)
    assert slack.requests == []


@pytest.mark.usefixtures("credentials")
def test_the_llm_step_reports_its_token_usage_summed_over_a_repair(llm: FakeLLM) -> None:
    replies = [
        _triage("billing", "critical", "Charged twice."),  # "critical" is not in the enum: re-asked
        _triage("billing", "normal", "Charged twice, order 1042."),
    ]
    for reply in replies:
        llm.reply(reply)

    result = _run(BILLING_TICKET)

    classify = _step(result, "classify").output
    usage = classify["usage"]
    assert classify["attempts"] == 2
    assert classify["data"] == json.loads(replies[1])
    # The fake counts words: the usage of both calls, added up.
    asked = [request.json()["messages"] for request in llm.requests]
    assert usage == {
        "prompt_tokens": sum(len(str(m["content"]).split()) for messages in asked for m in messages),
        "completion_tokens": sum(len(reply.split()) for reply in replies),
        "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"],
    }
    assert json.loads(result.info.output or "null")["tokens"] == usage["total_tokens"]
