"""Slack: the connector declaration and Slack's ``ok: false`` error mapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.sdk import (
    AuthError,
    BearerAuth,
    Connector,
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["SLACK"]

_AUTH = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope"}
_NOT_FOUND = {
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "message_not_found",
    "thread_not_found",
}
_INVALID = {
    "invalid_arguments",
    "invalid_blocks",
    "no_text",
    "msg_too_long",
    "invalid_name",
    "too_many_attachments",
}
_UNAVAILABLE = {"fatal_error", "internal_error", "service_unavailable", "request_timeout"}


def check_response(response: httpx.Response) -> None:
    """Slack answers most failures with HTTP 200 and ``{"ok": false, "error": "<code>"}``."""
    if "json" not in response.headers.get("content-type", ""):
        return
    body = response.json()
    if not isinstance(body, dict) or body.get("ok", True):
        return
    code = str(body.get("error", "unknown_error"))
    message = f"Slack: {code} ({response.request.url.path.lstrip('/')})"
    if code in _AUTH:
        raise AuthError(message)
    if code in _NOT_FOUND:
        raise NotFoundError(message)
    if code == "ratelimited":
        raise RateLimitedError(message, retry_after=float(response.headers.get("retry-after", 1)))
    if code in _INVALID:
        raise InvalidInputError(message)
    if code in _UNAVAILABLE:
        raise UpstreamUnavailableError(message)
    raise ConnectorError(message)


SLACK = Connector(
    "slack",
    "Slack",
    version="1.0.0",
    icon="slack.svg",
    category="communication",
    description="Send and manage messages in Slack workspaces (bot token).",
    auth=BearerAuth(),
    base_url="https://slack.com/api",
    error_message=lambda body: body.get("error") if isinstance(body, dict) else None,
    check_response=check_response,
)
