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
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from functions.shared import stepfunctions
from functions.shared.settings import Settings
from functions.shared.store import RunRecord

__all__ = ["FINISHED", "http_response", "wait_for_run"]

FINISHED = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
_FIRST_POLL, _LONGEST_POLL = 0.02, 0.5


def wait_for_run(
    settings: Settings,
    run: RunRecord,
    timeout_seconds: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any] | None:
    """The finished execution (``DescribeExecution``), or ``None`` if it is still running at the timeout."""
    deadline = clock() + timeout_seconds
    pause = _FIRST_POLL
    while True:
        described = stepfunctions.describe_execution(settings, run.execution_arn)
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
