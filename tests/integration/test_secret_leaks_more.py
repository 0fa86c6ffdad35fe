"""No secret of the newer paths leaves where it belongs: not in a response, a log line, an execution
history or the CLI's output.

Each test plants distinctive canary values (``canary-...-<uuid>``) in one path on the real local
platform over HTTP, drives it through success and failure (hostile fakes on loopback echo the secret
back in their errors, as careless services do), then sweeps what anyone can see — every API
response body of the test, every log record and everything written to stdout/stderr, every state
machine definition and execution history (through the local Step Functions API, see
``test_secret_leaks._histories``), and the output of ``wfaib runs show`` / ``wfaib logs`` — and
asserts that no canary turns up. Each test also asserts that its fakes did receive the canaries,
so a sweep that passes is not a path that never used the secret.

Paths: approval notifications (SMTP login refused, Slack token refused), the ``llm.chat`` node with
token usage (a provider answering 401 with the key, a provider echoing the key in its answer), a
connector call refused by a ``rate_limit`` flag, scoped API keys (the key shown once, wrong keys),
Cognito tokens (valid and wrong ones), webhook signing secrets (signed, forged and after
rotation), the n8n import (credential names only, never a value), and credential values the API
refuses (a 422 names the fields, never quotes the value).
"""

from __future__ import annotations

import base64
import json
import logging
import socketserver
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from functions.shared.signatures import sign
from integration.cognito import FakeUserPool, trusting
from integration.helpers import Api, PlatformHandle, example, slack_workflow, unique
from integration.test_approvals import pending_approval
from integration.test_secret_leaks import Sweep, _histories
from wfaib.cli import app

MANAGER = "manager@example.com"
runner = CliRunner()


class HostileProviders:
    """Slack and an OpenAI-compatible LLM on loopback that echo the caller's secret back.

    - ``POST /llm/v1/chat/completions``: the key ``good_key`` gets a completion with token usage
      (and, when the prompt says ``echo``, the request's ``Authorization`` header in the answer);
      any other key gets OpenAI's 401 with the whole key in the message.
    - ``POST /slack/api/chat.postMessage``: always ``ok: false`` with the bot token in the error.
    """

    def __init__(self, good_key: str) -> None:
        received = self.received = []  # type: list[tuple[str, dict[str, str]]]

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                received.append((self.path, dict(self.headers.items())))
                authorization = self.headers.get("Authorization", "")
                if self.path == "/slack/api/chat.postMessage":
                    self._answer(200, {"ok": False, "error": f"invalid_auth ({authorization})"})
                elif self.path == "/llm/v1/chat/completions":
                    if authorization != f"Bearer {good_key}":
                        message = f"Incorrect API key provided: {authorization.removeprefix('Bearer ')}."
                        error = {
                            "message": message,
                            "type": "invalid_request_error",
                            "code": "invalid_api_key",
                        }
                        self._answer(401, {"error": error})
                        return
                    prompt = str(body["messages"][-1]["content"])
                    content = f"You sent {authorization}" if "echo" in prompt else "Paris."
                    self._answer(
                        200,
                        {
                            "id": "chatcmpl-1",
                            "object": "chat.completion",
                            "created": 1763683200,
                            "model": body["model"],
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": content},
                                    "finish_reason": "stop",
                                }
                            ],
                            "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
                        },
                    )
                else:
                    self._answer(404, {"error": {"message": "Not Found"}})

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def authorizations(self) -> str:
        return " ".join(headers.get("Authorization", "") for _, headers in self.received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class HostileSmtp:
    """An SMTP server that refuses every login, quoting the decoded ``AUTH PLAIN`` credentials (the
    password included) in its 535 reply. Hand-written on ``socketserver``: the point is a reply no
    well-behaved server (aiosmtpd's included) would send."""

    def __init__(self) -> None:
        logins = self.logins = []  # type: list[str]

        class Handler(socketserver.StreamRequestHandler):
            def _say(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self._say("220 hostile.test ESMTP")
                for raw in self.rfile:
                    verb, _, argument = raw.decode(errors="replace").strip().partition(" ")
                    if verb.upper() == "EHLO":
                        self._say("250-hostile.test")
                        self._say("250 AUTH PLAIN")
                    elif verb.upper() == "AUTH":
                        _, _, initial = argument.partition(" ")
                        decoded = base64.b64decode(initial).decode(errors="replace").replace("\0", " ")
                        logins.append(decoded)
                        self._say(f"535 5.7.8 Authentication failed for{decoded}")
                    elif verb.upper() == "QUIT":
                        self._say("221 Bye")
                        return
                    else:
                        self._say("502 5.5.2 Not implemented")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.port = int(self._server.server_address[1])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def sweep(monkeypatch: pytest.MonkeyPatch) -> Sweep:
    """Sees every log record of every logger as it is handled (as in ``test_secret_leaks``), plus
    a channel for what the CLI prints."""
    collected = Sweep()
    collected.seen["cli"] = []
    handle = logging.Logger.handle

    def recording(self: logging.Logger, record: logging.LogRecord) -> None:
        collected.record_log(record)
        handle(self, record)

    monkeypatch.setattr(logging.Logger, "handle", recording)
    return collected


@pytest.fixture
def marker() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def smtp() -> Iterator[HostileSmtp]:
    server = HostileSmtp()
    yield server
    server.close()


def _recorded(api: Api, sweep: Sweep) -> Api:
    api.http.event_hooks = {"response": [sweep.record_response]}
    return api


def _credential(api: Api, connector: str, value: dict[str, Any]) -> str:
    credential_id = unique(connector)
    created = api.post(
        "/credentials",
        json={"id": credential_id, "name": credential_id, "connector": connector, "value": value},
    )
    assert created.status_code == 201, created.text
    return credential_id


def _cli(sweep: Sweep, env: dict[str, str], *args: str) -> str:
    """Run a ``wfaib`` command; what it printed (stdout and stderr) goes into the sweep."""
    result = runner.invoke(app, list(args), env=env)
    printed = result.output + (result.stderr if result.stderr_bytes is not None else "")
    sweep.add("cli", "wfaib " + " ".join(args), printed)
    return printed


def _cli_env(handle: PlatformHandle, tenant: str) -> dict[str, str]:
    return {
        "WFAIB_API_URL": handle.platform.api_url,
        "WFAIB_TOKEN": handle.platform.token(tenant, f"owner@{tenant}.test", "owner"),
    }


def _show_runs(api: Api, sweep: Sweep, env: dict[str, str], run_ids: list[str]) -> None:
    """Every view of the runs: the API's, the listing, ``wfaib runs show`` (table and JSON), ``wfaib logs``."""
    for run_id in run_ids:
        assert api.get(f"/runs/{run_id}").status_code == 200
        _cli(sweep, env, "runs", "show", run_id)
        _cli(sweep, env, "runs", "show", run_id, "--json")
        _cli(sweep, env, "logs", run_id)
    assert api.get("/runs", params={"limit": 200}).status_code == 200


def _assert_nowhere(
    handle: PlatformHandle, sweep: Sweep, capfd: pytest.CaptureFixture[str], canaries: dict[str, str]
) -> None:
    """Sweep the histories and stdout/stderr too, then: no canary anywhere."""
    _histories(handle, sweep)
    captured = capfd.readouterr()
    sweep.add("logs", "stdout", captured.out)
    sweep.add("logs", "stderr", captured.err)
    assert sweep.seen["api"] and sweep.seen["history"], "the sweep saw nothing"
    leaks = {name: found for name, value in canaries.items() if any((found := sweep.found(value)).values())}
    assert leaks == {}, leaks


@pytest.mark.slow
def test_approval_notifications_do_not_leak_the_smtp_password_or_the_slack_token(
    handle: PlatformHandle,
    smtp: HostileSmtp,
    sweep: Sweep,
    marker: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    canaries = {
        "smtp password": f"canary-smtp-password-{marker}",
        "slack token": f"xoxb-canary-slack-{marker}",
    }
    tenant = unique("leak-approvals")
    api = _recorded(handle.client(tenant), sweep)
    providers = HostileProviders(good_key=f"unused-{marker}")
    try:
        # Given an approval that notifies by email (a server that refuses the login, quoting the
        # password) and by Slack (which refuses the token, quoting it)
        mail = _credential(
            api,
            "smtp",
            {
                "host": "127.0.0.1",
                "port": smtp.port,
                "security": "none",
                "username": "approvals-bot",
                "password": canaries["smtp password"],
                "default_from": "wfaib@example.com",
            },
        )
        bot = _credential(
            api, "slack", {"token": canaries["slack token"], "base_url": f"{providers.url}/slack/api"}
        )
        workflow_id = unique("approve")
        api.create(
            {
                "id": workflow_id,
                "name": "Approve",
                "trigger": {"type": "manual"},
                "nodes": [
                    {
                        "id": "ask",
                        "type": "logic.approval",
                        "params": {
                            "message": "Ship it?",
                            "approvers": [MANAGER],
                            "notify": {
                                "email": {"credential": mail},
                                "slack": {"credential": bot, "channel": "C1"},
                            },
                        },
                    }
                ],
                "edges": [],
            }
        )
        api.publish(workflow_id)

        # When a run reaches the approval, both notifications fail, and the manager approves anyway
        run = api.start(workflow_id, {})
        approval_id = pending_approval(api, run["id"])["id"]
        deadline = time.monotonic() + 20
        approval = api.get(f"/approvals/{approval_id}").json()
        while len(approval["notifications"]) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
            approval = api.get(f"/approvals/{approval_id}").json()
        manager = _recorded(handle.client(tenant, role="member", subject=MANAGER), sweep)
        assert manager.post(f"/approvals/{approval_id}/approve").status_code == 200
        finished = api.wait_finished(run["id"])
    finally:
        providers.close()

    # Then the servers got the secrets and refused them, quoting them back ...
    assert any(canaries["smtp password"] in login for login in smtp.logins), smtp.logins
    assert canaries["slack token"] in providers.authorizations()
    by_channel = {item["channel"]: item for item in approval["notifications"]}
    assert by_channel["email"]["status"] == "failed" and "refused the login" in by_channel["email"]["error"]
    assert by_channel["slack"]["status"] == "failed" and "invalid_auth" in by_channel["slack"]["error"]
    assert finished["status"] == "SUCCEEDED", finished
    # ... and nothing anyone sees shows them: approvals, runs, the audit log, the CLI, logs, histories
    assert api.get("/approvals", params={"status": "approved"}).status_code == 200
    assert api.get(f"/approvals/{approval_id}").status_code == 200
    assert api.get("/audit", params={"limit": 200}).status_code == 200
    assert api.get("/credentials").status_code == 200
    _show_runs(api, sweep, _cli_env(handle, tenant), [run["id"]])
    _assert_nowhere(handle, sweep, capfd, canaries)


@pytest.mark.slow
def test_the_llm_node_does_not_leak_its_api_key_on_success_usage_or_a_401(
    handle: PlatformHandle, sweep: Sweep, marker: str, capfd: pytest.CaptureFixture[str]
) -> None:
    canaries = {
        "llm key": f"sk-canary-llm-{marker}",
        "wrong llm key": f"sk-canary-llm-wrong-{marker}",
    }
    tenant = unique("leak-llm")
    api = _recorded(handle.client(tenant), sweep)
    providers = HostileProviders(good_key=canaries["llm key"])
    try:
        runs: dict[str, dict[str, Any]] = {}
        for case, key, question in (
            ("answered", canaries["llm key"], "Capital of France?"),
            ("echoed", canaries["llm key"], "Please echo my headers"),
            ("refused", canaries["wrong llm key"], "Capital of France?"),
        ):
            credential_id = _credential(api, "llm", {"token": key, "base_url": f"{providers.url}/llm/v1"})
            workflow_id = unique("ask")
            api.create(
                {
                    "id": workflow_id,
                    "name": "Ask",
                    "trigger": {"type": "manual"},
                    "nodes": [
                        {
                            "id": "ask",
                            "type": "llm.chat",
                            "params": {"model": "gpt-4o-mini", "prompt": "{{ $trigger.question }}"},
                            "credential": credential_id,
                        }
                    ],
                    "edges": [],
                }
            )
            api.publish(workflow_id)
            runs[case] = api.wait_finished(api.start(workflow_id, {"question": question})["id"])
    finally:
        providers.close()

    # The provider got both keys; the right one was answered (with usage), the wrong one refused
    assert canaries["llm key"] in providers.authorizations()
    assert canaries["wrong llm key"] in providers.authorizations()
    assert runs["answered"]["status"] == "SUCCEEDED", runs["answered"]
    assert runs["answered"]["usage"]["total_tokens"] == 10
    assert runs["echoed"]["status"] == "SUCCEEDED", runs["echoed"]
    assert runs["refused"]["status"] == "FAILED", runs["refused"]
    assert "AuthError" in json.dumps(runs["refused"]), runs["refused"]
    # And no key in runs, steps, errors, usage, the audit log, the CLI, logs or histories
    assert api.get("/usage").json()["totals"]["calls"] >= 2
    assert api.get("/audit", params={"limit": 200}).status_code == 200
    _show_runs(api, sweep, _cli_env(handle, tenant), [run["id"] for run in runs.values()])
    _assert_nowhere(handle, sweep, capfd, canaries)


@pytest.mark.slow
def test_a_rate_limited_connector_call_does_not_leak_its_credential(
    handle: PlatformHandle, sweep: Sweep, marker: str, capfd: pytest.CaptureFixture[str]
) -> None:
    from functions.shared import store

    canaries = {"slack token": f"xoxb-canary-ratelimited-{marker}"}
    tenant = unique("leak-rate")
    api = _recorded(handle.client(tenant), sweep)
    providers = HostileProviders(good_key=f"unused-{marker}")
    try:
        credential_id = _credential(
            api, "slack", {"token": canaries["slack token"], "base_url": f"{providers.url}/slack/api"}
        )
        workflow_id = unique("notify")
        api.create(slack_workflow(workflow_id, credential_id))
        api.publish(workflow_id)
        store.put_flag(
            tenant,
            "connector",
            "slack",
            action="rate_limit",
            reason="Slack allows few messages",
            set_by="ops@example.com",
            until=None,
            limit_per_minute=0,
        )
        run = api.wait_finished(api.start(workflow_id, {"name": "Ada"})["id"])
    finally:
        providers.close()

    # The call was refused by the flag, before the credential was read or sent ...
    assert run["status"] == "FAILED" and "RateLimitedError" in json.dumps(run), run
    assert providers.received == []
    # ... and its token shows nowhere
    assert api.get("/flags").status_code == 200
    _show_runs(api, sweep, _cli_env(handle, tenant), [run["id"]])
    _assert_nowhere(handle, sweep, capfd, canaries)


@pytest.mark.slow
def test_an_api_key_is_shown_once_and_never_again(
    handle: PlatformHandle, sweep: Sweep, marker: str, capfd: pytest.CaptureFixture[str]
) -> None:
    tenant = unique("leak-keys")
    api = _recorded(handle.client(tenant), sweep)
    created = api.post(
        "/api-keys",
        json={
            "name": f"ci-{marker}",
            "role": "member",
            "permissions": ["workflow:read", "workflow:execute", "run:read"],
        },
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    secret = key.rsplit("_", 1)[1]
    wrong = f"{key[: -len(secret)]}{'0' * len(secret)}"
    canaries = {"api key": key, "api key secret": secret, "wrong api key": wrong}
    sweep.seen["api"].clear()  # the one response that shows the key, by design

    # When the key is used (header and bearer), a wrong one is tried, and the CLI uses both
    by_header = _recorded(Api(handle.platform.api_url, {"X-Api-Key": key}), sweep)
    by_bearer = _recorded(Api(handle.platform.api_url, {"Authorization": f"Bearer {key}"}), sweep)
    workflow_id = unique("hello")
    api.create(example("hello-world", workflow_id))
    api.publish(workflow_id)
    run = by_header.wait_finished(by_header.start(workflow_id, {"name": "Ada"})["id"])
    listed = by_bearer.get("/workflows")
    refused = [
        _recorded(Api(handle.platform.api_url, headers), sweep).get("/workflows")
        for headers in ({"X-Api-Key": wrong}, {"Authorization": f"Bearer {wrong}"}, {"X-Api-Key": key + "x"})
    ]
    cli_env = {"WFAIB_API_URL": handle.platform.api_url, "WFAIB_API_KEY": key}
    shown = _cli(sweep, cli_env, "runs", "show", run["id"])
    refused_cli = _cli(sweep, {**cli_env, "WFAIB_API_KEY": wrong}, "runs", "show", run["id"])
    for path in ("/api-keys", "/audit", "/runs", f"/runs/{run['id']}"):
        assert api.get(path).status_code == 200

    # Then the key worked and the wrong ones did not ...
    assert run["status"] == "SUCCEEDED" and listed.status_code == 200
    assert [response.status_code for response in refused] == [401, 401, 401]
    assert run["id"] in shown and "not valid" in refused_cli
    # ... and neither shows anywhere after the one creation response
    _assert_nowhere(handle, sweep, capfd, canaries)


@pytest.fixture(scope="module")
def pool(handle: PlatformHandle) -> Iterator[FakeUserPool]:
    user_pool = FakeUserPool()
    with trusting(user_pool):
        yield user_pool
    user_pool.close()


@pytest.mark.slow
def test_cognito_tokens_right_or_wrong_never_show(
    handle: PlatformHandle, pool: FakeUserPool, sweep: Sweep, marker: str, capfd: pytest.CaptureFixture[str]
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from functions.shared import store

    tenant = unique("leak-cog")
    email = f"owner@{tenant}.test"
    store.put_tenant(tenant, tenant)
    store.put_user(tenant, email, email, "owner")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    valid = pool.token(email, tenant, jti=f"canary-cognito-{marker}")
    tokens = {
        "valid": valid,
        "access": pool.token(email, tenant, token_use="access", jti=f"canary-access-{marker}"),
        "expired": pool.token(email, tenant, exp=int(time.time()) - 60),
        "bad signature": pool.token(email, tenant, key=stranger),
        "unknown kid": pool.token(email, tenant, kid=f"kid-{marker}"),
        "wrong client": pool.token(email, tenant, aud=f"client-{marker}"),
        "truncated": valid[:-10],
    }
    # The token, and its signature (what makes it usable), are the secrets; the kid and client are not.
    canaries = dict(tokens) | {f"{name} signature": token.rsplit(".", 1)[1] for name, token in tokens.items()}

    answers = {
        name: _recorded(Api(handle.platform.api_url, {"Authorization": f"Bearer {token}"}), sweep).get("/me")
        for name, token in tokens.items()
    }
    workflow_id = unique("hello")
    owner = _recorded(Api(handle.platform.api_url, {"Authorization": f"Bearer {valid}"}), sweep)
    owner.create(example("hello-world", workflow_id))
    owner.publish(workflow_id)
    run = owner.wait_finished(owner.start(workflow_id, {"name": "Ada"})["id"])
    env = {"WFAIB_API_URL": handle.platform.api_url, "WFAIB_TOKEN": valid}
    shown = _cli(sweep, env, "runs", "show", run["id"])
    logs = _cli(sweep, env, "logs", run["id"])
    refused_cli = _cli(sweep, {**env, "WFAIB_TOKEN": tokens["bad signature"]}, "runs", "show", run["id"])
    assert owner.get("/audit").status_code == 200

    assert {name: answer.status_code for name, answer in answers.items()} == {
        "valid": 200,
        "access": 200,
        "expired": 401,
        "bad signature": 401,
        "unknown kid": 401,
        "wrong client": 401,
        "truncated": 401,
    }
    assert run["status"] == "SUCCEEDED" and run["id"] in shown and "SUCCEEDED" in logs
    assert "not valid" in refused_cli
    _assert_nowhere(handle, sweep, capfd, canaries)


@pytest.mark.slow
def test_a_webhook_signing_secret_shows_only_where_it_is_asked_for(
    handle: PlatformHandle, sweep: Sweep, capfd: pytest.CaptureFixture[str]
) -> None:
    tenant = unique("leak-hook")
    api = handle.client(tenant)
    workflow_id = unique("orders")
    api.create(example("order-routing", workflow_id))
    api.publish(workflow_id)
    # The secret is shown by GET /workflows/{id}/webhook and its rotation, on purpose: not swept.
    hook = api.get(f"/workflows/{workflow_id}/webhook").json()
    url = handle.platform.api_url + hook["urls"]["dev"]
    secret = hook["secret"]
    _recorded(api, sweep)

    def deliver(payload: dict[str, Any], with_secret: str, current: str) -> tuple[httpx.Response, str]:
        body = json.dumps(payload).encode()
        message_id, timestamp = f"msg_{uuid.uuid4().hex}", int(time.time())
        signature = sign(with_secret, message_id, timestamp, body)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        response = httpx.post(url, content=body, headers=headers)
        sweep.record_response(response)
        # The signature the platform expected for this delivery: it must not say it to a forger.
        return response, sign(current, message_id, timestamp, body).removeprefix("v1,")

    signed, _ = deliver({"id": "ord-1", "total": 150}, secret, secret)
    forged, expected_for_forged = deliver({"id": "ord-2", "total": 1}, "whsec_" + "A" * 44, secret)
    rotated = api.http.post(f"/workflows/{workflow_id}/webhook/rotate")
    sweep.seen["api"].pop()  # the rotation's answer shows the new secret, on purpose
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    stale, expected_for_stale = deliver({"id": "ord-3", "total": 2}, secret, new_secret)
    run = api.wait_finished(signed.json()["run_id"])
    _show_runs(api, sweep, _cli_env(handle, tenant), [run["id"]])
    assert api.get("/audit").status_code == 200
    assert api.get(f"/workflows/{workflow_id}").status_code == 200

    assert signed.status_code == 202, signed.text
    assert (forged.status_code, stale.status_code) == (401, 401), (forged.text, stale.text)
    assert run["status"] == "SUCCEEDED", run
    canaries = {
        "secret": secret,
        "secret key": secret.removeprefix("whsec_"),
        "rotated secret": new_secret,
        "rotated secret key": new_secret.removeprefix("whsec_"),
        "signature expected from a forger": expected_for_forged,
        "signature expected from a stale sender": expected_for_stale,
    }
    _assert_nowhere(handle, sweep, capfd, canaries)


def test_the_n8n_import_carries_credential_names_and_no_secret_values(
    handle: PlatformHandle, sweep: Sweep, marker: str
) -> None:
    api = _recorded(handle.client(unique("leak-n8n")), sweep)
    # n8n exports name credentials (id and name, never a value); a node with no WFAIB equivalent
    # may still hold secrets typed into its params, and becomes a placeholder without them.
    canaries = {
        "credential id": f"canary-n8n-credential-id-{marker}",
        "placeholder password": f"canary-n8n-password-{marker}",
        "placeholder api key": f"canary-n8n-api-key-{marker}",
    }
    export = {
        "name": "Ping",
        "nodes": [
            {
                "id": "a1",
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {},
            },
            {
                "id": "a2",
                "name": "Call",
                "type": "n8n-nodes-base.httpRequest",
                "typeVersion": 4.2,
                "position": [200, 0],
                "parameters": {
                    "url": "https://api.example.com/ping",
                    "authentication": "genericCredentialType",
                    "genericAuthType": "httpHeaderAuth",
                },
                "credentials": {"httpHeaderAuth": {"id": canaries["credential id"], "name": "Ping token"}},
            },
            {
                "id": "a3",
                "name": "Legacy",
                "type": "n8n-nodes-base.someUnknownNode",
                "typeVersion": 1,
                "position": [400, 0],
                "parameters": {
                    "password": canaries["placeholder password"],
                    "options": {"apiKey": canaries["placeholder api key"]},
                },
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Call", "type": "main", "index": 0}]]},
            "Call": {"main": [[{"node": "Legacy", "type": "main", "index": 0}]]},
        },
    }

    imported = api.post("/imports/n8n", json=export)

    assert imported.status_code == 200, imported.text
    assert "Ping token" in imported.text  # the name is carried (a person maps it to a WFAIB credential)
    assert imported.json()["report"]["placeholders"][0]["name"] == "Legacy"
    leaks = {name: found for name, value in canaries.items() if any((found := sweep.found(value)).values())}
    assert leaks == {}, leaks


def test_a_refused_credential_value_is_not_quoted_back(
    handle: PlatformHandle, sweep: Sweep, marker: str
) -> None:
    api = _recorded(handle.client(unique("leak-refused")), sweep)
    canaries = {
        "token of a value with a bad field": f"xoxb-canary-badfield-{marker}",
        "token of a value with an unknown field": f"xoxb-canary-unknown-{marker}",
        "token under the wrong type": f"xoxb-canary-type-{marker}",
        "rotated token with a bad field": f"xoxb-canary-rotated-{marker}",
    }
    values = [
        {"token": canaries["token of a value with a bad field"], "base_url": 12},
        {
            "token": canaries["token of a value with an unknown field"],
            "tokn": canaries["token under the wrong type"],
        },
        {"token": {"nested": canaries["token under the wrong type"]}},
    ]
    refused = [
        api.post(
            "/credentials",
            json={"id": unique("slack"), "name": "Slack", "connector": "slack", "value": value},
        )
        for value in values
    ]
    kept = _credential(api, "slack", {"token": f"xoxb-fine-{marker}"})
    rotated = api.put(
        f"/credentials/{kept}",
        json={"value": {"token": canaries["rotated token with a bad field"], "base_url": []}},
    )

    assert [response.status_code for response in [*refused, rotated]] == [422, 422, 422, 422], [
        response.text for response in [*refused, rotated]
    ]
    leaks = {name: found for name, value in canaries.items() if any((found := sweep.found(value)).values())}
    assert leaks == {}, leaks
