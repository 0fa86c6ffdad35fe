"""Discord: post through an incoming webhook (discord.send_webhook_message, v1).

A webhook URL (``https://discord.com/api/webhooks/<id>/<token>``) is its own credential: the
node's credential is ``{"webhook_url": "..."}`` instead of a bot token, and the URL's token is
a secret, so error messages name the webhook id, never the URL path. The SDK builds ``ctx.http``
from the connector's bot credential, so this action builds its client from the same SDK parts
(retrying transport, error mapping) around the webhook credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, SecretStr, model_validator

from connectors.discord.connector import DISCORD, discord_error_message, map_rate_limit
from connectors.discord.models import Embed, Message, Snowflake, message_body
from connectors.sdk import ActionContext, ActionInput, AuthError, ConnectorError, Credential

if TYPE_CHECKING:
    import httpx

__all__ = ["DiscordWebhookCredential", "SendWebhookMessageInput", "send_webhook_message", "webhook_client"]


class DiscordWebhookCredential(Credential):
    """``{"webhook_url": "https://discord.com/api/webhooks/<id>/<token>"}``."""

    webhook_url: SecretStr


class SendWebhookMessageInput(ActionInput):
    content: Annotated[str | None, Field(min_length=1, max_length=2000)] = None
    embeds: Annotated[list[Embed], Field(max_length=10)] = []
    username: Annotated[
        str | None, Field(min_length=1, max_length=80, description="Override the webhook's name")
    ] = None
    avatar_url: str | None = None
    thread_id: Annotated[Snowflake | None, Field(description="Post into this thread of the channel")] = None

    @model_validator(mode="after")
    def _has_content(self) -> SendWebhookMessageInput:
        if self.content is None and not self.embeds:
            raise ValueError("give content or at least one embed")
        return self


def _webhook_error(response: httpx.Response) -> ConnectorError | None:
    from connectors.sdk.http import error_for_response

    if (limited := map_rate_limit(response, "Discord webhook")) is not None:
        return limited
    error = error_for_response(response, service="Discord webhook", extract=discord_error_message)
    if error is not None:  # the path holds the webhook token: name only the webhook id
        error.message = error.message.replace(
            response.request.url.path, _public_path(response.request.url.path)
        )
    return error


def _public_path(path: str) -> str:
    parts = path.rstrip("/").split("/")
    return "/".join([*parts[:-1], "***"]) if "webhooks" in parts else path


def webhook_client(ctx: ActionContext) -> httpx.Client:
    """An HTTP client with the SDK's retries and error mapping, for an absolute webhook URL.

    Example:
        >>> with webhook_client(ctx) as client:  # doctest: +SKIP
        ...     client.post(url, params={"wait": "true"}, json={"content": "hi"})
    """
    import httpx

    from connectors.sdk.http import ConnectorClient, RetryingTransport
    from connectors.sdk.tracing import instrument_httpx

    services = ctx.services
    instrument_httpx(services.tracing)
    return ConnectorClient(
        service="Discord webhook",
        extract=discord_error_message,
        check_response=None,
        map_error=_webhook_error,
        headers={"User-Agent": f"wfaib-connector-discord/{DISCORD.version}"},
        timeout=httpx.Timeout(DISCORD.timeout, connect=10.0),
        transport=RetryingTransport(
            services.transport or httpx.HTTPTransport(),
            max_attempts=DISCORD.max_attempts,
            sleep=services.sleep,
        ),
    )


@DISCORD.action("send_webhook_message", version=1, side_effect=True)
def send_webhook_message(params: SendWebhookMessageInput, ctx: ActionContext) -> Message:
    """Post a message through an incoming webhook (no bot needed; credential: the webhook URL).

    Sent with ``?wait=true`` so Discord answers with the created message.
    """
    credential = ctx.secret(DiscordWebhookCredential)
    if credential is None:
        raise AuthError('Discord webhook: the node needs a webhook credential ({"webhook_url": ...})')
    url = credential.webhook_url.get_secret_value()
    body = message_body(params.content, params.embeds)
    body |= params.model_dump(include={"username", "avatar_url"}, exclude_none=True)
    query = {"wait": "true"} | ({"thread_id": params.thread_id} if params.thread_id else {})
    try:
        with webhook_client(ctx) as client:
            response = client.post(url, params=query, json=body)
    except ConnectorError as exc:  # timeouts name the path too
        from urllib.parse import urlsplit

        path = urlsplit(url).path
        exc.message = exc.message.replace(path, _public_path(path))
        raise
    return Message.model_validate(response.json())
