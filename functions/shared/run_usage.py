"""A run's token usage, added up from its execution history.

Every LLM action returns ``usage`` (``prompt_tokens``, ``completion_tokens``, ``total_tokens``) in
its result. The history's ``TaskSucceeded`` events carry each task's raw result, before the state's
``Output`` folded later steps in, so the sum holds however the compiler folded the run. The
tenant's running totals are kept by the connectors themselves (``GET /usage``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["token_usage"]


def token_usage(history: Iterable[dict[str, Any]]) -> dict[str, int] | None:
    """``{tokens_in, tokens_out, total_tokens, calls}`` over the run's LLM calls; ``None`` without any."""
    totals = {"tokens_in": 0, "tokens_out": 0, "total_tokens": 0, "calls": 0}
    for event in history:
        details = event.get("taskSucceededEventDetails")
        if not details:
            continue
        usage = _usage_of(details.get("output"))
        if usage is None:
            continue
        totals["tokens_in"] += usage.get("prompt_tokens", 0)
        totals["tokens_out"] += usage.get("completion_tokens", 0)
        totals["total_tokens"] += usage.get("total_tokens", 0)
        totals["calls"] += 1
    return totals if totals["calls"] else None


def _usage_of(output: Any) -> dict[str, int] | None:
    try:
        result = json.loads(output) if isinstance(output, str) else output
    except ValueError:
        return None
    payload = result.get("Payload") if isinstance(result, dict) else None
    usage = payload.get("usage") if isinstance(payload, dict) else None
    if not isinstance(usage, dict) or not all(
        isinstance(usage.get(k, 0), int) for k in ("prompt_tokens", "completion_tokens", "total_tokens")
    ):
        return None
    if "prompt_tokens" not in usage and "total_tokens" not in usage:
        return None
    return usage
