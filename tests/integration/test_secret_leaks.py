"""No credential value leaves Secrets Manager: not in any API response, log line or execution history.

With the platform running, one fresh tenant stores credentials with distinctive values for Slack,
Stripe and GitHub (each pointed at a fake provider on loopback; the GitHub fake is hostile and
echoes the token back in its error), rotates one, runs every example workflow plus one workflow
per credential, then sweeps everything a user or an operator can see for the values:

- every API response body fetched during the test (workflows, versions, exports, compiled ASL,
  runs with their steps, credentials, the audit log);
- every log record any logger emitted during the test (message, arguments, extra fields and
  traceback), and everything written to stdout and stderr;
- every state machine definition and every execution's description and history
  (``GetExecutionHistory`` through the local Step Functions API; Express executions have no
  history in the API, as in AWS, so for them the definition is what is swept).

A planted canary, which must be found in each of the three, proves the sweep sees what it claims to.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import httpx
import pytest

from integration.helpers import EXAMPLES, Api, PlatformHandle, example


class FakeProviders:
    """Slack, Stripe and GitHub on loopback, recording each request's headers.

    GitHub answers ``401`` with the caller's ``Authorization`` header in the error message, the way
    a careless service might: the run fails, and its error must still not show the token.
    """

    def __init__(self) -> None:
        received = self.received = []  # type: list[tuple[str, dict[str, str]]]

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                received.append((self.path, dict(self.headers.items())))
                if self.path.startswith("/github/"):
                    echoed = self.headers.get("Authorization", "")
                    self._answer(401, {"message": f"Bad credentials: {echoed}", "documentation_url": "x"})
                else:
                    self._answer(404, {"message": "Not Found"})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((self.path, dict(self.headers.items())))
                if self.path == "/slack/api/chat.postMessage":
                    self._answer(200, {"ok": True, "channel": "C1", "ts": "1700000000.000001"})
                elif self.path == "/stripe/v1/customers":
                    customer = {
                        "id": "cus_1",
                        "object": "customer",
                        "email": "ada@example.com",
                        "created": 1763683200,
                    }
                    self._answer(200, customer)
                else:
                    self._answer(404, {"message": "Not Found"})

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Sweep:
    """Everything seen during the test, by channel, and where each value turns up."""

    def __init__(self) -> None:
        self.seen: dict[str, list[tuple[str, str]]] = {"api": [], "logs": [], "history": []}

    def add(self, channel: str, where: str, text: str) -> None:
        self.seen[channel].append((where, text))

    def record_response(self, response: httpx.Response) -> None:
        response.read()
        self.add("api", f"{response.request.method} {response.request.url.path}", response.text)

    def record_log(self, record: logging.LogRecord) -> None:
        text = [record.getMessage(), repr(record.__dict__)]
        if record.exc_info:
            text.append(logging.Formatter().formatException(record.exc_info))
        self.add("logs", f"logger {record.name}", "\n".join(text))

    def found(self, value: str) -> dict[str, list[str]]:
        """Where ``value`` appears, by channel (empty lists when nowhere)."""
        return {
            channel: [where for where, text in items if value in text] for channel, items in self.seen.items()
        }


@pytest.fixture
def providers() -> Iterator[FakeProviders]:
    fake = FakeProviders()
    yield fake
    fake.close()


@pytest.fixture
def sweep(monkeypatch: pytest.MonkeyPatch) -> Sweep:
    """Sees every log record of every logger, propagating or not, as it is handled."""
    collected = Sweep()
    handle = logging.Logger.handle

    def recording(self: logging.Logger, record: logging.LogRecord) -> None:
        collected.record_log(record)
        handle(self, record)

    monkeypatch.setattr(logging.Logger, "handle", recording)
    return collected


def _credential_workflow(
    workflow_id: str, node_type: str, credential_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": workflow_id,
        "name": f"Uses {credential_id}",
        "trigger": {"type": "manual"},
        "nodes": [{"id": "call", "type": node_type, "params": params, "credential": credential_id}],
        "edges": [],
    }


def _is_express(document: dict[str, Any]) -> bool:
    return bool(document.get("settings", {}).get("execution_type") == "EXPRESS")


def _pages(api: Api, path: str) -> None:
    """Fetch every page of a listing (the sweep records each)."""
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, params=params)
        assert response.status_code == 200, response.text
        cursor = response.json().get("next_cursor")
        if not cursor:
            return


def _histories(handle: PlatformHandle, sweep: Sweep) -> int:
    """Every state machine definition and every execution's description and history; how many executions."""
    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=handle.platform.sfn_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    executions = 0
    for machines in sfn.get_paginator("list_state_machines").paginate():
        for machine in machines["stateMachines"]:
            arn = machine["stateMachineArn"]
            definition = sfn.describe_state_machine(stateMachineArn=arn)
            sweep.add("history", arn, json.dumps(definition, default=str))
            if definition["type"] == "EXPRESS":
                continue  # as in AWS, Express executions have no history in the API (only the definition)
            for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=arn):
                for execution in page["executions"]:
                    executions += 1
                    execution_arn = execution["executionArn"]
                    described = sfn.describe_execution(executionArn=execution_arn)
                    sweep.add("history", execution_arn, json.dumps(described, default=str))
                    for events in sfn.get_paginator("get_execution_history").paginate(
                        executionArn=execution_arn, includeExecutionData=True
                    ):
                        sweep.add("history", execution_arn, json.dumps(events["events"], default=str))
    return executions


@pytest.mark.slow
def test_no_credential_value_appears_in_responses_logs_or_execution_history(
    handle: PlatformHandle,
    providers: FakeProviders,
    sweep: Sweep,
    capfd: pytest.CaptureFixture[str],
) -> None:
    marker = uuid.uuid4().hex
    secrets = {
        "slack": f"xoxb-leak-{marker}-slack",
        "slack-rotated": f"xoxb-leak-{marker}-rotated",
        "stripe": f"sk_test_leak{marker}stripe",
        "github": f"ghp_leak{marker}github",
    }
    canary = f"canary-{marker}"
    api = handle.client(f"leaks-{marker[:8]}")
    # Express runs get a tenant of their own: any Express run breaks that tenant's GET /runs and
    # GET /runs/{id} with a 502 (DescribeExecution is for Standard executions only).
    express_api = handle.client(f"leaks-x-{marker[:8]}")
    for client in (api, express_api):
        client.http.event_hooks = {"response": [sweep.record_response]}

    # Given credentials for three connectors, each pointed at the fake providers
    credentials = {
        "slack-bot": ("slack", {"token": secrets["slack"], "base_url": f"{providers.url}/slack/api"}),
        "stripe-key": ("stripe", {"api_key": secrets["stripe"], "base_url": f"{providers.url}/stripe"}),
        "github-token": ("github", {"token": secrets["github"], "base_url": f"{providers.url}/github"}),
    }
    for credential_id, (connector, value) in credentials.items():
        created = api.post(
            "/credentials",
            json={"id": credential_id, "name": credential_id, "connector": connector, "value": value},
        )
        assert created.status_code == 201, created.text
    # And a workflow per credential, and every example workflow
    uses = {
        "post-to-slack": _credential_workflow(
            "post-to-slack",
            "slack.post_message",
            "slack-bot",
            {"channel": "C1", "text": "Hi {{ $trigger.name }}"},
        ),
        "create-customer": _credential_workflow(
            "create-customer",
            "stripe.create_customer",
            "stripe-key",
            {"email": "ada@example.com", "name": "Ada"},
        ),
        "read-issue": _credential_workflow(
            "read-issue", "github.get_issue", "github-token", {"owner": "o", "repo": "r", "issue_number": 1}
        ),
    }
    uses["post-to-slack"]["name"] = canary  # planted: must be found in the API responses
    examples = [example(path.stem) for path in sorted(EXAMPLES.glob("*.json"))]
    express = [document for document in examples if _is_express(document)]
    documents = [document for document in examples if not _is_express(document)] + list(uses.values())
    for client, group in ((api, documents), (express_api, express)):
        for document in group:
            client.create(document)
            client.publish(document["id"])
            assert client.post(f"/workflows/{document['id']}/compile").status_code == 200

    # When every workflow runs (the Slack one before and after its credential is rotated)
    finished: dict[str, dict[str, Any]] = {}
    for document in documents:
        sample = document["trigger"].get("sample_input", {"name": canary})  # planted: must be in the history
        run = api.start(document["id"], sample)
        if any(node["type"] == "logic.approval" for node in document["nodes"]):
            finished[document["id"]] = api.wait_for_step(run["id"], "Task")  # waits for a person
        else:
            finished[document["id"]] = api.wait_finished(run["id"])
    for document in express:
        express_api.start(document["id"], document["trigger"]["sample_input"])
    rotated = api.put(
        "/credentials/slack-bot",
        json={"value": {"token": secrets["slack-rotated"], "base_url": f"{providers.url}/slack/api"}},
    )
    assert rotated.status_code == 200, rotated.text
    after_rotation = api.wait_finished(api.start("post-to-slack", {"name": "Grace"})["id"])

    # Then the credentials were used: the providers got every value, and the runs went as expected
    authorizations = " ".join(headers.get("Authorization", "") for _, headers in providers.received)
    for name in ("slack", "stripe", "github"):
        assert secrets[name] in authorizations, name
    assert (finished["post-to-slack"]["status"], finished["create-customer"]["status"]) == (
        "SUCCEEDED",
        "SUCCEEDED",
    )
    assert finished["read-issue"]["status"] == "FAILED"  # GitHub refused, echoing the token back
    assert finished["hello-world"]["status"] == "SUCCEEDED"
    assert after_rotation["status"] == "SUCCEEDED"

    # And nothing anyone can read shows a value: every listing, item, export, run and the audit log
    for path in ("/workflows", "/runs", "/audit"):
        _pages(api, path)
    assert api.get("/credentials").status_code == 200
    for credential_id in credentials:
        api.get(f"/credentials/{credential_id}")
    for document in documents:
        for suffix in ("", "/versions", "/versions/1", "/export"):
            api.get(f"/workflows/{document['id']}{suffix}")
    for run in [*finished.values(), after_rotation]:
        api.get(f"/runs/{run['id']}")
    # The platform's own loggers, where an unexpected error would be logged, go through the sweep too
    from functions.api.app import logger as api_logger

    api_logger.info("Leak sweep canary", extra={"canary": canary})
    print(f"stdout {canary}")
    print(f"stderr {canary}", file=sys.stderr)
    executions = _histories(handle, sweep)
    captured = capfd.readouterr()
    sweep.add("logs", "stdout", captured.out)
    sweep.add("logs", "stderr", captured.err)

    # The sweep sees each channel: the planted canary turns up in all three
    planted = sweep.found(canary)
    assert planted["api"] and planted["history"] and {"stdout", "stderr"} <= set(planted["logs"]), planted
    assert any(where.startswith("logger ") for where in planted["logs"]), planted
    assert express and executions >= len(documents) + 1
    # And no credential value turns up anywhere
    leaks = {name: where for name, value in secrets.items() if any((where := sweep.found(value)).values())}
    assert leaks == {}, leaks
