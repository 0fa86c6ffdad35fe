"""Posting to a Teams webhook: an incoming webhook (Microsoft 365 connector, answers ``1``) or a
Workflows / Power Automate webhook (answers 202).

A webhook URL is its own credential, ``{"webhook_url": "..."}`` instead of the Graph token, and
carries a signature (``sig=`` or the path's last segments), so errors name the host only. The
SDK builds ``ctx.http`` from the connector's OAuth2 credential, so webhook actions build their
client from the same SDK parts (retrying transport, error mapping) around the webhook credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from connectors.sdk import (
    ActionContext,
    ActionOutput,
    AuthError,
    ConnectorError,
    Credential,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.teams.connector import TEAMS, graph_error_message

if TYPE_CHECKING:
    import httpx

__all__ = ["TeamsWebhookCredential", "WebhookDelivery", "post_to_webhook"]


class TeamsWebhookCredential(Credential):
    """``{"webhook_url": "https://....webhook.office.com/webhookb2/..."}`` or a Workflows URL."""

    webhook_url: SecretStr


class WebhookDelivery(ActionOutput):
    delivered: bool
    status_code: int


def _check_legacy_reply(response: httpx.Response) -> None:
    """Incoming webhooks answer HTTP 200 with ``1``; a throttled or failed post answers 200 with
    ``Microsoft Teams endpoint returned HTTP error 429 ...`` in the text instead."""
    text = response.text.strip()
    if response.status_code != 200 or text in {"", "1"} or "HTTP error" not in text:
        return
    if "HTTP error 429" in text:
        raise RateLimitedError("Teams webhook: throttled (HTTP error 429 in the reply)", status_code=429)
    raise UpstreamUnavailableError(f"Teams webhook: {text[:200]}")


def _webhook_error(response: httpx.Response) -> ConnectorError | None:
    from connectors.sdk.http import error_for_response

    error = error_for_response(response, service="Teams webhook", extract=graph_error_message)
    if error is not None:  # the path and query hold the webhook's signature
        error.message = error.message.replace(response.request.url.path, "/…")
    return error


def _client(ctx: ActionContext) -> httpx.Client:
    import httpx

    from connectors.sdk.http import ConnectorClient, RetryingTransport
    from connectors.sdk.tracing import instrument_httpx

    services = ctx.services
    instrument_httpx(services.tracing)
    return ConnectorClient(
        service="Teams webhook",
        extract=graph_error_message,
        check_response=_check_legacy_reply,
        map_error=_webhook_error,
        headers={"User-Agent": f"wfaib-connector-teams/{TEAMS.version}"},
        timeout=httpx.Timeout(TEAMS.timeout, connect=10.0),
        transport=RetryingTransport(
            services.transport or httpx.HTTPTransport(), max_attempts=TEAMS.max_attempts, sleep=services.sleep
        ),
    )


def post_to_webhook(ctx: ActionContext, payload: dict[str, Any]) -> WebhookDelivery:
    """POST ``payload`` to the node's webhook credential with the SDK's retries and errors.

    Example:
        >>> post_to_webhook(ctx, {"@type": "MessageCard", "text": "hi"}).delivered  # doctest: +SKIP
        True
    """
    credential = ctx.secret(TeamsWebhookCredential)
    if credential is None:
        raise AuthError('Teams webhook: the node needs a webhook credential ({"webhook_url": ...})')
    url = credential.webhook_url.get_secret_value()
    try:
        with _client(ctx) as client:
            response = client.post(url, json=payload)
    except ConnectorError as exc:  # timeouts name the path too
        from urllib.parse import urlsplit

        path = urlsplit(url).path
        if path:
            exc.message = exc.message.replace(path, "/…")
        raise
    return WebhookDelivery(delivered=True, status_code=response.status_code)
