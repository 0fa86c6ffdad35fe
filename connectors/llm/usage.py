"""Token usage: every action returns ``usage``, adds it to the tenant's usage in the platform table
(``ctx.record_usage``: ``GET /usage`` sums it per month, provider and model) and records it as a
log line and CloudWatch metrics.

The SDK's ``ctx`` has a logger but no metrics object (the runtime emits only its own action
metrics), so this module writes one Embedded Metric Format line with Powertools'
``EphemeralMetrics`` — the same way the runtime does — to stdout, which Lambda ships to CloudWatch.
Metrics: ``PromptTokens``, ``CompletionTokens``, ``TotalTokens`` in namespace ``WFAIB`` with
dimensions ``action`` and ``model``; the execution and node ids ride along as metadata so usage per
run can be summed from the logs.
"""

from __future__ import annotations

import json
import sys

from connectors.llm.models import Usage
from connectors.sdk import ActionContext

__all__ = ["record_usage"]


def record_usage(ctx: ActionContext, model: str, usage: Usage) -> None:
    """Add ``usage`` to the tenant's usage, log it and emit it as EMF metrics.

    Example:
        >>> record_usage(ctx, "gpt-4o-mini", Usage(prompt_tokens=12, completion_tokens=3, total_tokens=15))  # doctest: +SKIP
    """
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    # Keys naming "token" are masked by the SDK's log redaction, so the counts go under short names.
    counts = {
        "prompt": usage.prompt_tokens,
        "completion": usage.completion_tokens,
        "total": usage.total_tokens,
    }
    ctx.logger.info("llm usage", extra={"model": model, "usage": counts})
    ctx.record_usage(model, tokens_in=usage.prompt_tokens, tokens_out=usage.completion_tokens)
    metrics = EphemeralMetrics(namespace="WFAIB", service="connector-llm")
    metrics.add_dimension(name="action", value=ctx.action_id)
    metrics.add_dimension(name="model", value=model)
    metrics.add_metric(name="PromptTokens", unit=MetricUnit.Count, value=usage.prompt_tokens)
    metrics.add_metric(name="CompletionTokens", unit=MetricUnit.Count, value=usage.completion_tokens)
    metrics.add_metric(name="TotalTokens", unit=MetricUnit.Count, value=usage.total_tokens)
    metrics.add_metadata(key="execution_id", value=ctx.execution_id)
    metrics.add_metadata(key="node_id", value=ctx.node_id)
    print(json.dumps(metrics.serialize_metric_set(), separators=(",", ":")), file=sys.stdout, flush=True)
