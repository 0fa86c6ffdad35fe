"""Helpers of the integration tests: the platform handle, an API client, example documents."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from state_machines.runtime import VirtualClock
from wfaib.dev import LocalPlatform

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"
FINISHED = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


class PlatformHandle:
    """The running platform; survives ``restart`` (the address changes, the data does not)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.platform = self._start()

    def _start(self) -> LocalPlatform:
        # The tests drive the scheduler themselves (``platform.scheduler.tick``), at the times they choose.
        return LocalPlatform(
            self.data_dir, port=0, clock=VirtualClock(auto_advance=True), run_scheduler=False
        ).start()

    def restart(self) -> None:
        self.platform.stop()
        self.platform = self._start()

    def client(self, tenant: str, role: str = "owner", subject: str | None = None) -> Api:
        token = self.platform.token(tenant, subject or f"{role}@{tenant}.test", role)
        return Api(self.platform.api_url, {"Authorization": f"Bearer {token}"})

    def anonymous(self) -> Api:
        return Api(self.platform.api_url, {})


class Api:
    """An httpx client at the API with one caller's credentials, plus the workflow helpers tests share."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=30)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.put(path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.delete(path, **kwargs)

    def create(self, document: dict[str, Any]) -> dict[str, Any]:
        response = self.post("/workflows", json=document)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def publish(self, workflow_id: str, environment: str = "dev") -> dict[str, Any]:
        response = self.post(f"/workflows/{workflow_id}/publish", json={"environment": environment})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def start(self, workflow_id: str, input_document: Any) -> dict[str, Any]:
        response = self.post(f"/workflows/{workflow_id}/runs", json={"input": input_document})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def wait_finished(self, run_id: str, timeout: float = 20) -> dict[str, Any]:
        """Poll until the run finishes (a bound, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.get(f"/runs/{run_id}")
            assert response.status_code == 200, response.text
            run = dict(response.json())
            if run["status"] in FINISHED or time.monotonic() > deadline:
                return run
            time.sleep(0.02)

    def wait_for_step(self, run_id: str, state_type: str, timeout: float = 20) -> dict[str, Any]:
        """Poll until the run has entered a state of ``state_type`` (e.g. waiting on a task token)."""
        deadline = time.monotonic() + timeout
        while True:
            run = dict(self.get(f"/runs/{run_id}").json())
            if any(step["type"] == state_type for step in run["steps"]) or time.monotonic() > deadline:
                return run
            time.sleep(0.02)


def example(name: str, new_id: str | None = None) -> dict[str, Any]:
    """An example workflow, optionally under a fresh id so tests do not share state."""
    document = dict(json.loads((EXAMPLES / f"{name}.json").read_text()))
    if new_id is not None:
        document["id"] = new_id
        if document["trigger"].get("type") == "webhook":
            document["trigger"]["path"] = new_id  # webhook paths are unique per tenant
    return document


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def assert_envelope(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the error envelope with ``status`` (and ``code``); its ``error`` object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert "Traceback" not in response.text
    if code is not None:
        assert body["error"]["code"] == code, body
    return dict(body["error"])


class FakeSlack:
    """Slack's ``chat.postMessage`` on loopback, recording what it was sent (headers and body)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received = self.received = []  # type: list[dict[str, Any]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": json.loads(body)}
                )
                answer = json.dumps(
                    {"ok": True, "channel": "C1", "ts": f"1700000000.{len(received):06d}"}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/api"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def slack_workflow(workflow_id: str, credential_id: str) -> dict[str, Any]:
    """A manual workflow that posts one Slack message with ``credential_id``."""
    return {
        "id": workflow_id,
        "name": "Notify",
        "trigger": {"type": "manual"},
        "nodes": [
            {
                "id": "notify",
                "type": "slack.post_message",
                "params": {"channel": "C1", "text": "Hi {{ $trigger.name }}"},
                "credential": credential_id,
            }
        ],
        "edges": [],
    }
