"""HTTP helpers that do not import httpx, so connector modules can use them at import time.

(httpx costs ~170 ms to import when click is installed, because it loads its command line; the SDK
imports it on the first request instead, and a connector's module-level imports stay lean.)
"""

from __future__ import annotations

import email.utils
import time

__all__ = ["RAISE_FOR_STATUS", "parse_retry_after"]

RAISE_FOR_STATUS = "wfaib.raise_for_status"
"""Request extension: ``extensions={RAISE_FOR_STATUS: False}`` returns 4xx/5xx answers instead of raising."""


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None.

    Example:
        >>> parse_retry_after("3")
        3.0
        >>> parse_retry_after("Sat, 21 Nov 2026 00:00:10 GMT", now=1795219200.0)
        10.0
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))
