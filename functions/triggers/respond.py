"""Synchronous webhooks (``response_mode: last_node``): answer the delivery with the run's result.

The run is started exactly as for any webhook (once per idempotency key), then its execution is
polled until it finishes or ``response_timeout_seconds`` pass. Polling ``DescribeExecution`` rather
than ``StartSyncExecution`` because the latter only exists for Express workflows and would bypass
the exactly-once start; the delivery's Lambda is busy for the timeout either way (at most 29 s, the
API Gateway limit the workflow model enforces).

- finished: the output is the response. An output shaped ``{"statusCode": int, "headers": {...},
  "body": ...}`` is used as the HTTP response itself; anything else is ``200`` with the output as JSON.
- still running at the timeout: ``202`` with the run id and the API path to ask for its status.
- failed, timed out or aborted: ``502`` with the error envelope naming the run, its status and the
  error *name* only. The error's cause is left out: it may quote a service's answer or a credential.
- answered mid-run: a ``webhook.respond`` step wrote the response item of the run (``PutItem``
  from the state machine, no Lambda; key ``WEBHOOK#RESPONSE#<run id>`` / ``RESPONSE``, the layout
  ``state_machines/compiler/target.py`` states): that ``{statusCode, headers, body}`` is the answer
  at once, while the run goes on. Each poll reads the item (one consistent ``GetItem``) after
  describing the execution, so a response written just before the run ended is not missed. A
  response the step could not shape (a status outside 100-599) is a ``502 invalid_response``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from functions.shared import stepfunctions
from functions.shared.models import table_connection
from functions.shared.settings import Settings
from functions.shared.store import RunRecord

__all__ = [
    "FINISHED",
    "RESPONDED",
    "RESPONSE_PREFIX",
    "RESPONSE_SK",
    "http_response",
    "read_response",
    "wait_for_run",
]

FINISHED = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
RESPONDED = "RESPONDED"
"""The pseudo-status ``wait_for_run`` reports when a webhook.respond step answered mid-run."""
# Mirrors WEBHOOK_RESPONSE_PREFIX / _SK of state_machines.compiler.target (not imported: it would
# load the compiler into the webhook function); tests/integration/test_webhook_respond_node.py
# checks that they agree.
RESPONSE_PREFIX = "WEBHOOK#RESPONSE#"
RESPONSE_SK = "RESPONSE"
_FIRST_POLL, _LONGEST_POLL = 0.02, 0.5


def wait_for_run(
    settings: Settings,
    run: RunRecord,
    timeout_seconds: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any] | None:
    """The finished execution (``DescribeExecution``), ``{"status": "RESPONDED", "response": ...}``
    when a webhook.respond step answered first, or ``None`` if neither happened by the timeout."""
    deadline = clock() + timeout_seconds
    pause = _FIRST_POLL
    while True:
        described = stepfunctions.describe_execution(settings, run.execution_arn)
        response = read_response(settings, run.id)
        if response is not None:
            return {"status": RESPONDED, "response": response}
        if described.get("status") in FINISHED:
            return described
        remaining = deadline - clock()
        if remaining <= 0:
            return None
        sleep(min(pause, remaining))
        pause = min(pause * 2, _LONGEST_POLL)


def http_response(
    run: RunRecord, described: dict[str, Any] | None, headers: dict[str, str]
) -> dict[str, Any]:
    """The API Gateway proxy response for a synchronous webhook (see the module docstring)."""
    if described is None:
        body = {
            "run_id": run.id,
            "workflow_id": run.workflow_id,
            "status": "RUNNING",
            "environment": run.environment,
            "status_url": f"/runs/{run.id}",
        }
        return _json(202, body, {**headers, "Location": f"/runs/{run.id}"})
    status = str(described["status"])
    if status == RESPONDED:
        response = _normalised(described["response"])
        if not _is_http_response(response):
            error = {
                "code": "invalid_response",
                "message": "The run's webhook.respond step gave no valid response (status 100-599).",
                "details": {"run_id": run.id},
            }
            return _json(502, {"error": error}, headers)
        return _shaped(response, headers)
    if status != "SUCCEEDED":
        error = {
            "code": "run_failed",
            "message": f"The run did not succeed ({status}).",
            "details": {"run_id": run.id, "status": status, "error": described.get("error")},
        }
        return _json(502, {"error": error}, headers)
    output = stepfunctions.decode_json(described.get("output"))
    if _is_http_response(output):
        return _shaped(output, headers)
    return _json(200, output, headers)


def read_response(settings: Settings, run_id: str) -> Any:
    """The response a webhook.respond step of the run wrote (decoded JSON), or ``None`` (none yet)."""
    item = table_connection().get_item(
        settings.table_name, f"{RESPONSE_PREFIX}{run_id}", RESPONSE_SK, consistent_read=True
    )
    written = item.get("Item", {}).get("response", {}).get("S")
    if written is None:
        return None
    try:
        return json.loads(written)
    except ValueError:
        return {"statusCode": None}  # not shaped by the compiler: answered as invalid


def _normalised(response: Any) -> Any:
    """JSONata numbers may arrive as ``202.0``; an absent body is an empty one."""
    if not isinstance(response, dict):
        return response
    status = response.get("statusCode")
    if isinstance(status, float) and status.is_integer():
        response = {**response, "statusCode": int(status)}
    if response.get("body") is None:
        response = {**response, "body": ""}
    return response


def _is_http_response(output: Any) -> bool:
    return (
        isinstance(output, dict)
        and isinstance(output.get("statusCode"), int)
        and not isinstance(output.get("statusCode"), bool)
        and 200 <= output["statusCode"] <= 599
        and "body" in output
        and isinstance(output.get("headers", {}), dict)
        and set(output) <= {"statusCode", "headers", "body"}
    )


def _shaped(output: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    given = {str(name): str(value) for name, value in (output.get("headers") or {}).items()}
    body = output["body"]
    if isinstance(body, str):
        content_type = {"Content-Type": "text/plain; charset=utf-8"}
    else:
        body = json.dumps(body, default=str)
        content_type = {"Content-Type": "application/json"}
    if any(name.lower() == "content-type" for name in given):
        content_type = {}
    return {
        "statusCode": output["statusCode"],
        "headers": {**headers, **content_type, **given},
        "body": body,
        "isBase64Encoded": False,
    }


def _json(status: int, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **headers},
        "body": json.dumps(body, default=str),
        "isBase64Encoded": False,
    }
