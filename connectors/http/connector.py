"""HTTP: call any HTTP API. Auth varies per node, so it comes from the node's credential (if any)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr

from connectors.sdk import Connector, Credential, InvalidInputError, NoAuth

if TYPE_CHECKING:
    from connectors.sdk import ActionContext

__all__ = ["HTTP", "AuthMode", "HttpCredential", "auth_for", "check_url", "dig"]

HTTP = Connector(
    "http",
    "HTTP Request",
    version="1.0.0",
    icon="http.svg",
    category="developer",
    description="Call any HTTP API: any method, query, JSON/form/multipart bodies, auth, pagination.",
    auth=NoAuth(),
    timeout=30.0,
)

AuthMode = Literal["none", "bearer", "basic", "api_key_header", "api_key_query"]


class HttpCredential(Credential):
    """The secret behind a node's ``auth`` choice; only the fields that mode uses are needed."""

    token: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    api_key_name: Annotated[str | None, Field(description="Header or query parameter name for the key")] = (
        None
    )


def _need(value: Any, mode: str, field: str) -> Any:
    if value is None:
        raise InvalidInputError(f"auth {mode!r} needs the credential field {field!r}")
    return value


def auth_for(
    mode: AuthMode, ctx: ActionContext
) -> tuple[dict[str, str], dict[str, str], tuple[str, str] | None]:
    """Headers, query parameters and basic-auth pair for ``mode`` from the node's credential."""
    if mode == "none":
        return {}, {}, None
    credential = ctx.secret(HttpCredential)
    if credential is None:
        raise InvalidInputError(f"auth {mode!r} needs a credential on the node")
    if mode == "bearer":
        return (
            {"Authorization": f"Bearer {_need(credential.token, mode, 'token').get_secret_value()}"},
            {},
            None,
        )
    if mode == "basic":
        password = _need(credential.password, mode, "password").get_secret_value()
        return {}, {}, (_need(credential.username, mode, "username"), password)
    key = _need(credential.api_key, mode, "api_key").get_secret_value()
    name = credential.api_key_name or ("X-API-Key" if mode == "api_key_header" else "api_key")
    return ({name: key}, {}, None) if mode == "api_key_header" else ({}, {name: key}, None)


_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


def check_url(url: str) -> None:
    """Refuse non-HTTP schemes and cloud metadata endpoints (link-local addresses).

    Names are not resolved here, so a DNS name pointing at a link-local address is not caught;
    the Lambda's network configuration is the real boundary.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInputError(f"params.url: must be an absolute http(s) URL, got scheme {parts.scheme!r}")
    host = parts.hostname.lower()
    if host in _METADATA_HOSTS:
        raise InvalidInputError(f"params.url: {host} is a metadata endpoint and is not allowed")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if address.is_link_local or str(address) == "fd00:ec2::254":
        raise InvalidInputError(f"params.url: {host} is link-local (instance metadata) and is not allowed")


def dig(data: Any, path: str | None) -> Any:
    """``data`` at a dotted path (``data.items``, ``results.0.id``); the whole value for None/empty."""
    for key in (path or "").split("."):
        if not key:
            continue
        if isinstance(data, list) and key.isdigit():
            data = data[int(key)] if int(key) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(key)
        else:
            return None
    return data
