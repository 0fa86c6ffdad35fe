"""SendGrid: the connector declaration (API key as bearer) and its rate-limit and error shapes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from connectors.sdk import ApiKeyAuth, Connector, RateLimitedError
from connectors.sdk.http_common import parse_retry_after

if TYPE_CHECKING:
    import httpx

__all__ = ["SENDGRID"]


def _error_message(body: Any) -> str | None:
    """SendGrid errors: ``{"errors": [{"message": ..., "field": ...}]}``."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return "; ".join(
            f"{e.get('field')}: {e.get('message')}" if e.get("field") else str(e.get("message"))
            for e in body["errors"]
            if isinstance(e, dict)
        )
    return None


def _map_error(response: httpx.Response) -> RateLimitedError | None:
    """A 429 carries ``X-RateLimit-Reset`` (Unix time) rather than ``Retry-After``."""
    if response.status_code != 429:
        return None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    reset = response.headers.get("x-ratelimit-reset")
    if retry_after is None and reset and reset.isdigit():
        retry_after = max(0.0, int(reset) - time.time())
    return RateLimitedError(
        f"SendGrid: rate limited on {response.request.url.path}", status_code=429, retry_after=retry_after
    )


SENDGRID = Connector(
    "sendgrid",
    "SendGrid",
    version="1.0.0",
    icon="sendgrid.svg",
    category="communication",
    description="Send email and manage marketing contacts with Twilio SendGrid.",
    auth=ApiKeyAuth(header="Authorization", prefix="Bearer "),
    base_url="https://api.sendgrid.com",
    error_message=_error_message,
    map_error=_map_error,
)
