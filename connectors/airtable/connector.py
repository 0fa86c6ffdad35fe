"""Airtable: the connector declaration (personal access token or OAuth token as a bearer token).

Airtable allows 5 requests per second *per base* and answers a burst with 429 and a 30-second
penalty, usually without ``Retry-After``; :func:`map_error` turns that into a
:class:`~connectors.sdk.RateLimitedError` whose ``retry_after`` lets the state machine wait out the
penalty instead of the Lambda.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.sdk import BearerAuth, Connector, RateLimitedError
from connectors.sdk.http_common import parse_retry_after

if TYPE_CHECKING:
    import httpx

__all__ = ["AIRTABLE", "PENALTY_SECONDS", "airtable_error_message", "map_error"]

PENALTY_SECONDS = 30.0
"""How long Airtable refuses a base's requests after its rate limit was exceeded."""


def airtable_error_message(body: Any) -> str | None:
    """Airtable's ``{"error": {"type", "message"}}``, ``{"error": "NOT_FOUND"}`` or ``{"errors": [...]}``.

    Example:
        >>> airtable_error_message({"error": {"type": "INVALID_FILTER_BY_FORMULA", "message": "Bad formula"}})
        'Bad formula (INVALID_FILTER_BY_FORMULA)'
    """
    if not isinstance(body, dict):
        return None
    errors = body["errors"] if isinstance(body.get("errors"), list) else [body.get("error")]
    parts: list[str] = []
    for error in errors:
        if isinstance(error, str):
            parts.append(error)
        elif isinstance(error, dict):
            kind = error.get("type") or error.get("error")
            message = error.get("message")
            parts.append(f"{message} ({kind})" if message and kind else str(message or kind or ""))
    return "; ".join(part for part in parts if part) or None


def map_error(response: httpx.Response) -> RateLimitedError | None:
    """A 429 waits out Airtable's penalty (``Retry-After`` when sent, else 30 seconds)."""
    if response.status_code != 429:
        return None
    try:
        detail = airtable_error_message(response.json())
    except ValueError:
        detail = None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    return RateLimitedError(
        f"Airtable: HTTP 429 for {response.request.method} {response.request.url.path}: "
        f"{detail or 'rate limit of 5 requests per second per base exceeded'}",
        status_code=429,
        retry_after=PENALTY_SECONDS if retry_after is None else retry_after,
    )


AIRTABLE = Connector(
    "airtable",
    "Airtable",
    version="1.0.0",
    icon="airtable.svg",
    category="forms",
    description="List, get, create, update and upsert records in Airtable bases (personal access token).",
    auth=BearerAuth(),
    base_url="https://api.airtable.com",
    error_message=airtable_error_message,
    map_error=map_error,
)
