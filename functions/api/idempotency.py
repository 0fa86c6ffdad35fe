"""``Idempotency-Key`` on the API's run starts, with Powertools' idempotency utility.

A client that retries ``POST /workflows/{id}/runs`` with the same key gets the first run back
instead of a second one; the same key with another body is refused. Records live in the
idempotency table (Powertools' layout: ``id`` key, ``expiration`` TTL) for a day. Webhooks,
schedules and events need no such table: their starts are exactly-once through the platform's own
claim and the execution name (``functions/shared/runs.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from functions.api.errors import ConflictError, NotImplementedYetError, UnprocessableError
from functions.shared import aws_clients
from functions.shared.settings import Settings

__all__ = ["KEEP_SECONDS", "once"]

KEEP_SECONDS = 24 * 3600


@cache
def _persistence(table: str, dynamodb: Any) -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=table, boto3_client=dynamodb)


def once(
    settings: Settings,
    scope: dict[str, str],
    key: str,
    body: Any,
    produce: Callable[[], dict[str, Any]],
    lambda_context: Any = None,
) -> tuple[dict[str, Any], bool]:
    """``produce()`` at most once per ``scope`` + ``key``: ``(result, replayed)``.

    ``scope`` (tenant, workflow) keeps one tenant's keys apart from another's; ``body`` must be the
    same on a retry. ``lambda_context`` bounds how long an interrupted attempt blocks a retry.
    """
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    if not settings.idempotency_table_name:
        raise NotImplementedYetError(
            "idempotency_unavailable",
            "Idempotency-Key is not available: no idempotency table is configured.",
            {},
        )
    persistence = _persistence(
        settings.idempotency_table_name, aws_clients.client("dynamodb", settings, settings.dynamodb_endpoint)
    )
    config = IdempotencyConfig(
        event_key_jmespath="[scope, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=KEEP_SECONDS,
    )
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)
    fresh: list[bool] = []

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)  # type: ignore[untyped-decorator]
    def start(request: dict[str, Any]) -> dict[str, Any]:
        fresh.append(True)
        return produce()

    try:
        result = start(request={"scope": scope, "key": key, "body": body})
    except IdempotencyValidationError:
        raise UnprocessableError(
            "idempotency_key_reused",
            "This Idempotency-Key was used with another request body; use a new key for a new run.",
            {"header": "Idempotency-Key"},
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise ConflictError(
            "request_in_progress",
            "A request with this Idempotency-Key is still being answered; retry shortly.",
            {},
        ) from None
    return result, not fresh
