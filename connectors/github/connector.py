"""GitHub: the connector declaration (REST API v3, bearer token) and its rate-limit signals."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from connectors.sdk import BearerAuth, Connector, RateLimitedError
from connectors.sdk.http_common import parse_retry_after

if TYPE_CHECKING:
    import httpx

__all__ = ["GITHUB", "map_error"]


def map_error(response: httpx.Response) -> RateLimitedError | None:
    """GitHub signals rate limits with 403 (or 429) and ``x-ratelimit-remaining: 0`` or ``retry-after``."""
    if response.status_code not in {403, 429}:
        return None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if response.headers.get("x-ratelimit-remaining") == "0":
        reset = float(response.headers.get("x-ratelimit-reset", "0") or 0)
        retry_after = max(0.0, reset - time.time()) if reset else retry_after
    elif retry_after is None:
        return None
    return RateLimitedError(
        f"GitHub: rate limit exceeded on {response.request.method} {response.request.url.path}",
        status_code=response.status_code,
        retry_after=retry_after,
    )


GITHUB = Connector(
    "github",
    "GitHub",
    version="1.0.0",
    icon="github.svg",
    category="developer",
    description="Issues, comments and repository events on GitHub or GitHub Enterprise Server.",
    auth=BearerAuth(),
    base_url="https://api.github.com",
    default_headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
    map_error=map_error,
)
