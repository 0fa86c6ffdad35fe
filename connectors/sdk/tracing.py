"""The one seam for tracing connector HTTP calls.

Inside Lambda with active tracing, httpx is patched once so every provider call becomes an X-Ray
subsegment. Elsewhere (local runs, tests) nothing is imported: aws_xray_sdk costs ~0.5 s to import
and is in maintenance (end of support 2027-02-25), so when tracing moves to OpenTelemetry only
this module changes.
"""

from __future__ import annotations

__all__ = ["instrument_httpx"]

_instrumented = False


def instrument_httpx(enabled: bool) -> None:
    """Patch httpx for X-Ray once per process when ``enabled``.

    Example:
        >>> instrument_httpx(enabled=False)  # local runs: a no-op
    """
    global _instrumented
    if _instrumented or not enabled:
        return
    _instrumented = True
    from aws_xray_sdk.core import patch

    patch(["httpx"])
