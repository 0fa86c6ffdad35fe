"""``POST /hooks/{tenant}/{environment}/{path}``: a signed delivery starts at most one run.

- The tenant is in the URL (there is no token); the request must carry a Standard Webhooks
  signature made with that webhook's secret, so nobody else can start the tenant's runs.
- Exactly-once start (``runs.start_once``): the key is the ``Idempotency-Key`` header, or else the
  ``webhook-id``. A duplicate delivery (even a concurrent one) gets the first run back (``200``,
  ``Idempotent-Replayed: true``); a key reused with another body is refused (``422``).
- The body (JSON) is the run's input, ``$trigger`` in expressions.
- ``response_mode: last_node`` waits for the run and answers with its output (``respond.py``).

Cost of a delivery (warm): one ``BatchGetItem`` (the webhook with its secret, the workflow, the
quota and the flags), one ``TransactWriteItems`` (claim, quota counter, run, audit entry) and one
``StartExecution``. Which workflow a path starts is remembered per process (a path never changes
workflow while it exists, and the batch re-reads the webhook to check); the secret is read fresh
every time, so a rotation takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from functions.shared import runs, store
from functions.shared.exceptions import ItemNotFoundError, RunRefusedError, StoreError
from functions.shared.settings import Settings
from functions.shared.signatures import SignatureError, verify
from functions.shared.store import RunRecord, StartContext

__all__ = ["WEBHOOK_PATH", "receive"]

_MAX_KNOWN_PATHS = 4096
_known_paths: dict[tuple[str, str], str] = {}
"""``(tenant, path) -> workflow id`` of webhooks seen by this process (saves a read per delivery)."""

WEBHOOK_PATH = re.compile(
    r"^/hooks/(?P<tenant>[a-z0-9][a-z0-9-]{0,30})/(?P<environment>dev|staging|prod)/(?P<path>[A-Za-z0-9_\-/]{1,200})$"
)


class _Refusal(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}
        self.headers = headers or {}


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body, default=str),
        "isBase64Encoded": False,
    }


def _error(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return _answer(status, {"error": {"code": code, "message": message, "details": details or {}}}, headers)


def receive(settings: Settings, event: dict[str, Any], *, now: float | None = None) -> dict[str, Any]:
    """Handle one API Gateway proxy event for a webhook; the proxy response."""
    try:
        return _receive(settings, event, time.time() if now is None else now)
    except _Refusal as refusal:
        return _error(refusal.status, refusal.code, refusal.message, refusal.details, refusal.headers)
    except (StoreError, BotoCoreError):
        return _error(
            503, "unavailable", "The delivery could not be recorded; retry it (it will not run twice)."
        )
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
        return _error(
            502, "upstream_error", f"An AWS service refused the call ({code}).", {"aws_error": code}
        )


def _receive(settings: Settings, event: dict[str, Any], now: float) -> dict[str, Any]:
    match = WEBHOOK_PATH.match(str(event.get("path") or ""))
    if match is None:
        raise _Refusal(404, "not_found", "No webhook here.")
    tenant_id, environment, path = match["tenant"], match["environment"], match["path"]
    headers = {str(name).lower(): str(value) for name, value in (event.get("headers") or {}).items()}
    body = _body(event)
    context = _start_context(tenant_id, path)
    hook, workflow = context.webhook, context.workflow
    if hook is None or workflow is None:
        raise _Refusal(404, "not_found", "No webhook here.")
    try:
        message_id = verify(hook.secret, headers, body, now)
    except SignatureError as exc:
        raise _Refusal(401, "invalid_signature", str(exc)) from exc
    trigger = workflow.document.get("trigger") or {}
    if trigger.get("type") != "webhook":
        raise _Refusal(404, "not_found", "No webhook here.")
    if event.get("httpMethod") != trigger.get("method", "POST"):
        raise _Refusal(405, "method_not_allowed", f"This webhook accepts {trigger.get('method', 'POST')}.")
    payload = _payload(body)
    try:
        run, replayed = runs.start_once(
            settings,
            tenant_id,
            hook.workflow_id,
            environment,
            payload,
            key=headers.get("idempotency-key") or message_id,
            fingerprint=hashlib.sha256(body).hexdigest(),
            started_by=f"webhook:{path}",
            trigger="webhook",
            context=context,
        )
    except RunRefusedError as exc:
        retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
        raise _Refusal(exc.status, exc.code, str(exc), exc.details, retry) from exc
    replay_headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if trigger.get("response_mode") == "last_node":
        from functions.triggers.respond import http_response, wait_for_run

        finished = wait_for_run(settings, run, float(trigger.get("response_timeout_seconds", 10)))
        return http_response(run, finished, replay_headers)
    if replayed:
        return _answer(200, _run_body(run), replay_headers)
    return _answer(202, _run_body(run))


def _start_context(tenant_id: str, path: str) -> StartContext:
    """The webhook at ``path`` and what starting its workflow checks: one batch read when the path
    is known to this process, else a read of the webhook first."""
    workflow_id = _known_paths.get((tenant_id, path))
    if workflow_id is None:
        try:
            workflow_id = store.get_webhook(tenant_id, path).workflow_id
        except ItemNotFoundError as exc:
            raise _Refusal(404, "not_found", "No webhook here.") from exc
    context = store.read_start_context(tenant_id, workflow_id, webhook_path=path)
    if context.webhook is not None and context.webhook.workflow_id != workflow_id:
        # The path was deleted and taken by another workflow since: read for that one.
        workflow_id = context.webhook.workflow_id
        context = store.read_start_context(tenant_id, workflow_id, webhook_path=path)
    if context.webhook is None:
        _known_paths.pop((tenant_id, path), None)
    else:
        if len(_known_paths) >= _MAX_KNOWN_PATHS:
            _known_paths.clear()
        _known_paths[(tenant_id, path)] = workflow_id
    return context


def _body(event: dict[str, Any]) -> bytes:
    raw = event.get("body") or ""
    return base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode()


def _payload(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise _Refusal(400, "invalid_json", "The body must be JSON (and not nested too deeply).") from exc


def _run_body(run: RunRecord) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "workflow_id": run.workflow_id,
        "status": run.status,
        "environment": run.environment,
    }
