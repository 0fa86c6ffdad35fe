"""Discord: the connector declaration (bot token), Discord's error bodies and rate limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.sdk import BearerAuth, Connector, RateLimitedError
from connectors.sdk.http_common import parse_retry_after

if TYPE_CHECKING:
    import httpx

__all__ = ["API_ROOT", "DISCORD", "discord_error_message", "map_rate_limit"]

API_ROOT = "https://discord.com/api/v10"


def _field_errors(errors: Any, path: str = "") -> list[str]:
    """Flatten ``{"content": {"_errors": [{"message": ...}]}, "embeds": {"0": {...}}}``."""
    if not isinstance(errors, dict):
        return []
    found = [
        f"{path or 'body'}: {item.get('message')}"
        for item in errors.get("_errors", [])
        if isinstance(item, dict)
    ]
    for key, value in errors.items():
        if key != "_errors":
            found.extend(_field_errors(value, f"{path}.{key}" if path else str(key)))
    return found


def discord_error_message(body: Any) -> str | None:
    """Discord errors: ``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}``."""
    if not isinstance(body, dict) or "message" not in body:
        return None
    message = f"{body['message']} (code {body.get('code', 0)})"
    details = _field_errors(body.get("errors"))
    return f"{message}: {'; '.join(details)}" if details else message


def map_rate_limit(response: httpx.Response, service: str = "Discord") -> RateLimitedError | None:
    """A 429 carries ``Retry-After`` and ``{"retry_after": 1.5, "global": false}`` (float seconds).

    The body's value is more precise than the header's whole seconds, so it wins; ``global``
    limits apply to the whole bot, not one route, which the message says.
    """
    if response.status_code != 429:
        return None
    try:
        body: Any = response.json()
    except ValueError:
        body = {}
    retry_after = body.get("retry_after") if isinstance(body, dict) else None
    if not isinstance(retry_after, int | float):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    scope = "global" if isinstance(body, dict) and body.get("global") else "route"
    return RateLimitedError(
        f"{service}: rate limited ({scope} limit) on {response.request.method}",
        status_code=429,
        retry_after=float(retry_after) if retry_after is not None else None,
    )


DISCORD = Connector(
    "discord",
    "Discord",
    version="1.0.0",
    icon="discord.svg",
    category="communication",
    description="Send, edit, delete and react to messages with a Discord bot, or post through a webhook.",
    auth=BearerAuth(scheme="Bot"),
    base_url=API_ROOT,
    error_message=discord_error_message,
    map_error=map_rate_limit,
)
