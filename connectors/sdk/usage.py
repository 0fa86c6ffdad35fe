"""Token usage per tenant (SPEC §5): one atomic counter per tenant, day, provider and model.

Connectors that bill by tokens (``llm``) call :meth:`ActionContext.record_usage`; the runtime's
:class:`UsageMeter` adds the counts to the platform table with one ``UpdateItem ... ADD`` — so
concurrent calls never lose a count and there is no read-modify-write — and the control plane's
``GET /usage?period=YYYY-MM`` sums a month's items (``functions/api/routes/usage.py``).

==========  ================  ===================================================
item        pk                sk
==========  ================  ===================================================
tokens      ``TENANT#<t>``    ``USAGE#tokens#<YYYY-MM-DD>#<provider>#<model>``
==========  ================  ===================================================

Attributes: ``tokens_in``, ``tokens_out``, ``calls`` (numbers, added to), ``provider``,
``model``, ``day`` (strings, set). The day is UTC. A month is the ``sk`` prefix
``USAGE#tokens#<YYYY-MM>-``, so one ``Query`` reads it.

Writing usage never fails the action: the provider has answered (and billed) already, and a
failed action would be retried and billed again. A failed write is logged as a warning instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

__all__ = ["TOKENS_PREFIX", "UsageMeter", "provider_of", "tokens_key"]

TOKENS_PREFIX = "USAGE#tokens#"

# Well-known API hosts and the provider each is billed by; any other host names itself.
_PROVIDER_HOSTS: tuple[tuple[str, str], ...] = (
    ("openai.com", "openai"),
    ("anthropic.com", "anthropic"),
    ("amazonaws.com", "bedrock"),
    ("googleapis.com", "google"),
    ("mistral.ai", "mistral"),
    ("groq.com", "groq"),
)


def provider_of(base_url: str) -> str:
    """The provider a base URL bills with: a known vendor's name, else the host itself.

    Example:
        >>> provider_of("https://api.openai.com/v1"), provider_of("http://127.0.0.1:8080/v1")
        ('openai', '127.0.0.1')
    """
    host = (urlsplit(base_url).hostname or "").lower()
    for suffix, provider in _PROVIDER_HOSTS:
        if host == suffix or host.endswith(f".{suffix}"):
            return provider
    return host or "unknown"


def tokens_key(tenant_id: str, day: str, provider: str, model: str) -> dict[str, str]:
    """The table key of one tenant's tokens on one day with one model.

    Example:
        >>> tokens_key("acme", "2026-11-22", "openai", "gpt-4o-mini")["sk"]
        'USAGE#tokens#2026-11-22#openai#gpt-4o-mini'
    """
    return {"pk": f"TENANT#{tenant_id}", "sk": f"{TOKENS_PREFIX}{day}#{provider}#{model}"}


class UsageMeter:
    """Adds token counts to the platform table (no table configured: counts are only logged).

    Example:
        >>> meter = UsageMeter(None)
        >>> meter.add("acme", provider="openai", model="gpt-4o-mini", tokens_in=12, tokens_out=3)
        False
    """

    def __init__(
        self,
        table_name: str | None,
        *,
        client_factory: Callable[[], Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table_name = table_name
        self._client_factory = client_factory
        self._client: Any = None
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The DynamoDB client (created on first use: boto3 is not imported at cold start)."""
        with self._lock:
            if self._client is None:
                if self._client_factory is None:
                    import boto3

                    self._client = boto3.client("dynamodb")
                else:
                    self._client = self._client_factory()
            return self._client

    def add(
        self,
        tenant_id: str,
        *,
        provider: str,
        model: str,
        tokens_in: int,
        tokens_out: int,
        logger: Logger | logging.Logger | None = None,
    ) -> bool:
        """Count one call's tokens for the tenant today; whether it was written.

        Nothing is written without a table or a tenant (a local CLI run has neither)."""
        if not self.table_name or not tenant_id:
            return False
        day = datetime.fromtimestamp(self._clock(), UTC).date().isoformat()
        key = tokens_key(tenant_id, day, provider, model)
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": key["pk"]}, "sk": {"S": key["sk"]}},
                UpdateExpression="ADD tokens_in :i, tokens_out :o, calls :one "
                "SET provider = :p, model = :m, #day = :d",
                ExpressionAttributeNames={"#day": "day"},
                ExpressionAttributeValues={
                    ":i": {"N": str(int(tokens_in))},
                    ":o": {"N": str(int(tokens_out))},
                    ":one": {"N": "1"},
                    ":p": {"S": provider},
                    ":m": {"S": model},
                    ":d": {"S": day},
                },
            )
        # Whatever went wrong, the provider's answer is already paid for: keep it (see module doc).
        except Exception as exc:
            (logger or logging.getLogger(__name__)).warning(
                "could not record token usage", extra={"error": type(exc).__name__, "model": model}
            )
            return False
        return True
