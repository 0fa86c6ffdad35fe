"""The approvals function's one seam for tracing: Powertools ``Tracer`` inside Lambda with active
X-Ray tracing, a no-op everywhere else.

Instantiating ``Tracer`` imports aws_xray_sdk (0.3 to 0.5 s), even when it is disabled; the local
platform and tests never pay for that. Only botocore is patched (the table and Step Functions
calls); when tracing moves to OpenTelemetry (the X-Ray SDK ends support 2027-02-25), only this
module changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Handler", "capture_handler", "tracing_enabled"]

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
