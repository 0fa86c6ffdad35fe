"""Telegram: the connector declaration, Bot API calls and Telegram's ``ok: false`` error bodies.

The Bot API authenticates by path, not header: ``/bot<token>/<method>``. The credential is the
bot token as ``{"token": "..."}`` (``BearerAuth`` gives it the right shape), and :func:`call`
puts it in the path and sends no ``Authorization`` header. Because the path holds the token,
errors name the Bot API method only, never the URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.sdk import (
    AuthError,
    BearerAuth,
    BearerCredential,
    ConflictError,
    Connector,
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.http_common import parse_retry_after

if TYPE_CHECKING:
    import httpx

    from connectors.sdk import ActionContext

__all__ = ["TELEGRAM", "call", "map_error"]


def _method(response: httpx.Response) -> str:
    return response.request.url.path.rsplit("/", 1)[-1]


def map_error(response: httpx.Response) -> ConnectorError | None:
    """``{"ok": false, "error_code": 400, "description": "Bad Request: chat not found",
    "parameters": {"retry_after": 5}}`` as the SDK error; the message never holds the path."""
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    description = str(body.get("description") or f"HTTP {status}")
    parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    message = f"Telegram {_method(response)}: {description}"
    if status in {401, 404} and "chat not found" not in description:
        # A malformed or revoked token answers 401 Unauthorized, or 404 Not Found for the path.
        return AuthError(f"{message} (check the bot token)", status_code=status)
    if status == 403:  # blocked by the user, kicked from the group: the token itself is fine
        return ConnectorError(message, status_code=status)
    if status == 429:
        retry_after = parameters.get("retry_after")
        if not isinstance(retry_after, int | float):
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimitedError(message, status_code=status, retry_after=retry_after)
    if status == 409:
        return ConflictError(message, status_code=status)
    if "chat not found" in description or "message to reply not found" in description:
        return NotFoundError(message, status_code=status)
    if status == 400:
        if "migrate_to_chat_id" in parameters:
            message = f"{message}; the group is now chat {parameters['migrate_to_chat_id']}"
        return InvalidInputError(message, status_code=status)
    if status >= 500:
        return UpstreamUnavailableError(message, status_code=status)
    return ConnectorError(message, status_code=status)


def call(ctx: ActionContext, method: str, **request: Any) -> Any:
    """POST a Bot API method and return its ``result`` (``json=``, ``data=``/``files=`` pass on).

    Example:
        >>> call(ctx, "sendMessage", json={"chat_id": 42, "text": "hi"})["message_id"]  # doctest: +SKIP
        17
    """
    credential = ctx.credential
    if not isinstance(credential, BearerCredential):
        raise AuthError('Telegram needs a bot token credential ({"token": ...})')
    import httpx

    path = f"/bot{credential.token.get_secret_value()}/{method}"
    try:
        # httpx.Auth() is a no-op: the token is in the path, no Authorization header is sent.
        response = ctx.http.post(path, auth=httpx.Auth(), **request)
    except ConnectorError as exc:  # timeouts and connection errors may quote the path
        exc.message = exc.message.replace(path, f"/bot***/{method}")
        raise
    return response.json()["result"]


TELEGRAM = Connector(
    "telegram",
    "Telegram",
    version="1.0.0",
    icon="telegram.svg",
    category="communication",
    description="Send messages, photos and documents with a Telegram bot; start runs on new updates.",
    auth=BearerAuth(),
    base_url="https://api.telegram.org",
    map_error=map_error,
)
