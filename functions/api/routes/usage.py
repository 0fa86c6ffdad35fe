"""Token usage of the caller's tenant for one month: totals, per provider and model, per day.

Connector functions add every LLM call's tokens to one counter item per tenant, UTC day,
provider and model (``connectors/sdk/usage.py`` owns that layout); a month is one ``Query`` of
the tenant's partition by ``sk`` prefix, summed here. Reading usage needs ``audit:read``
(admins and owners): it is the tenant's spend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from functions.api.context import caller, current_settings
from functions.shared import keys
from functions.shared.models import UsageItem

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

# The sort-key prefix of token counters; ``tests/integration/test_usage_api.py`` checks it equals
# ``connectors.sdk.usage.TOKENS_PREFIX`` (not imported: it would load the connector SDK here).
TOKENS_PREFIX = "USAGE#tokens#"
Period = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="A month, `YYYY-MM` (UTC); default: this month."),
]


class Tokens(BaseModel):
    """Counts summed over some calls."""

    tokens_in: int = 0
    tokens_out: int = 0
    total_tokens: int = 0
    calls: int = 0

    def add(self, item: UsageItem) -> None:
        tokens_in, tokens_out = int(item.tokens_in or 0), int(item.tokens_out or 0)
        self.tokens_in += tokens_in
        self.tokens_out += tokens_out
        self.total_tokens += tokens_in + tokens_out
        self.calls += int(item.calls or 0)


class ModelUsage(Tokens):
    provider: str
    model: str


class DayUsage(Tokens):
    day: str


class TokenUsage(BaseModel):
    """A month of the tenant's token usage."""

    period: str
    totals: Tokens
    models: list[ModelUsage]
    days: list[DayUsage]


@router.get("/usage", summary="Token usage of the tenant in one month", tags=["usage"])
def get_usage(period: Period = None) -> TokenUsage:
    identity = caller("audit:read")
    current_settings()  # binds the table before the first query
    month = period or datetime.now(UTC).strftime("%Y-%m")
    totals = Tokens()
    models: dict[tuple[str, str], ModelUsage] = {}
    days: dict[str, DayUsage] = {}
    for item in UsageItem.query(
        keys.tenant_pk(identity.tenant_id), UsageItem.sk.startswith(f"{TOKENS_PREFIX}{month}-")
    ):
        provider, model, day = str(item.provider or ""), str(item.model or ""), str(item.day or "")
        totals.add(item)
        models.setdefault((provider, model), ModelUsage(provider=provider, model=model)).add(item)
        days.setdefault(day, DayUsage(day=day)).add(item)
    return TokenUsage(
        period=month,
        totals=totals,
        models=[models[key] for key in sorted(models)],
        days=[days[key] for key in sorted(days)],
    )
