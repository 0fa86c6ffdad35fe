"""The platform functions' one seam for tracing and metrics.

Tracing: Powertools ``Tracer`` inside Lambda with active X-Ray tracing, a no-op everywhere else.
Instantiating ``Tracer`` imports aws_xray_sdk (0.3 to 0.5 s), even when it is disabled; the local
platform and tests never pay for that. Only botocore is patched (the table and Step Functions
calls); when tracing moves to OpenTelemetry (the X-Ray SDK ends support 2027-02-25), only this
module changes.

Metrics: one EMF line per event (CloudWatch embedded metric format, namespace ``WFAIB``), written
with Powertools' ``EphemeralMetrics``, which keeps no state between calls: the local platform
runs several functions on threads of one process, where a shared ``Metrics`` would mix them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["NAMESPACE", "Handler", "capture_handler", "count", "tracing_enabled"]

NAMESPACE = "WFAIB"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def tracing_enabled(env: Mapping[str, str]) -> bool:
    """True inside Lambda with active tracing, unless ``POWERTOOLS_TRACE_DISABLED`` says otherwise.

    Example:
        >>> tracing_enabled({})
        False
    """
    disabled = env.get("POWERTOOLS_TRACE_DISABLED", "").lower() in {"1", "true"}
    return bool(env.get("AWS_LAMBDA_FUNCTION_NAME") and env.get("AWS_XRAY_DAEMON_ADDRESS")) and not disabled


def _untraced(handler: Handler) -> Handler:
    return handler


def capture_handler(service: str, env: Mapping[str, str]) -> Callable[[Handler], Handler]:
    """Powertools' ``Tracer.capture_lambda_handler`` when tracing is on (responses not captured:
    they name approvals), else a decorator that changes nothing.

    Example:
        >>> capture_handler("wfaib-approvals", {})(lambda event, context: event)({"a": 1}, None)
        {'a': 1}
    """
    if not tracing_enabled(env):
        return _untraced
    from aws_lambda_powertools import Tracer

    tracer = Tracer(service=service, patch_modules=("botocore",))
    decorator: Callable[[Handler], Handler] = tracer.capture_lambda_handler(capture_response=False)
    return decorator


def count(service: str, metric: str, value: int = 1, **dimensions: str) -> None:
    """Emit one count metric of ``service`` (e.g. ``RunsStarted`` by ``trigger``) as an EMF line.

    Example:
        >>> count("runs", "RunsStarted", trigger="webhook")  # doctest: +ELLIPSIS
        {"_aws":{...},"trigger":"webhook","service":"runs","RunsStarted":[1.0]}
    """
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() in {"1", "true"}:
        return  # `wfaib dev` keeps its terminal for people: no EMF lines there
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    metrics = EphemeralMetrics(namespace=NAMESPACE, service=service)
    for name, dimension in dimensions.items():
        metrics.add_dimension(name=name, value=dimension)
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=value)
    print(json.dumps(metrics.serialize_metric_set(), separators=(",", ":")), flush=True)
