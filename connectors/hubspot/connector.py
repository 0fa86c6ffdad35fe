"""HubSpot: the connector declaration (private-app access token as a bearer token, CRM API v3).

HubSpot's 429s name a ``policyName``: ``TEN_SECONDLY_ROLLING`` (a burst over the ten-second
window, usually without ``Retry-After``: wait out the window) or ``DAILY`` (the account's daily
quota, reset at midnight in the account's time zone). :func:`map_error` turns both into a
:class:`~connectors.sdk.RateLimitedError` with the wait the policy implies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.sdk import BearerAuth, Connector, RateLimitedError
from connectors.sdk.http_common import parse_retry_after

if TYPE_CHECKING:
    import httpx

__all__ = ["HUBSPOT", "hubspot_error_message", "map_error"]

_WINDOW_SECONDS = {"TEN_SECONDLY_ROLLING": 10.0, "SECONDLY": 1.0}


def hubspot_error_message(body: Any) -> str | None:
    """``{"status": "error", "message", "category", "correlationId"}`` as one line; the correlation id
    is what HubSpot support asks for.

    Example:
        >>> hubspot_error_message({"status": "error", "message": "Contact already exists. Existing ID: 51",
        ...                        "category": "CONFLICT", "correlationId": "aeb5f871"})
        'Contact already exists. Existing ID: 51 (CONFLICT, correlationId aeb5f871)'
    """
    if not isinstance(body, dict) or not body.get("message"):
        return None
    tags = [str(body[key]) for key in ("category", "policyName") if body.get(key)]
    if body.get("correlationId"):
        tags.append(f"correlationId {body['correlationId']}")
    return f"{body['message']} ({', '.join(tags)})" if tags else str(body["message"])


def map_error(response: httpx.Response) -> RateLimitedError | None:
    """A 429 waits ``Retry-After`` when sent, else the policy's window (the daily quota: no hint)."""
    if response.status_code != 429:
        return None
    try:
        body: Any = response.json()
    except ValueError:
        body = {}
    policy = str(body.get("policyName", "")) if isinstance(body, dict) else ""
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is None and policy in _WINDOW_SECONDS:
        interval = response.headers.get("x-hubspot-ratelimit-interval-milliseconds", "")
        retry_after = int(interval) / 1000 if interval.isdigit() else _WINDOW_SECONDS[policy]
    detail = hubspot_error_message(body) or "rate limit reached"
    if policy == "DAILY":
        detail += "; the daily quota resets at midnight in the account's time zone"
    return RateLimitedError(
        f"HubSpot: HTTP 429 for {response.request.method} {response.request.url.path}: {detail}",
        status_code=429,
        retry_after=retry_after,
    )


HUBSPOT = Connector(
    "hubspot",
    "HubSpot",
    version="1.0.0",
    icon="hubspot.svg",
    category="crm",
    description="Create, get, update and search HubSpot CRM contacts and deals (private-app token).",
    auth=BearerAuth(),
    base_url="https://api.hubapi.com",
    error_message=hubspot_error_message,
    map_error=map_error,
)
