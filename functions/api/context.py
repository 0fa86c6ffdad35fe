"""The per-process settings of the API and the caller of the current request."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar, Token
from typing import Any

from aws_lambda_powertools.event_handler import Response

from functions.api.auth import Identity, authenticate
from functions.api.errors import UnauthorizedError
from functions.shared.models import bind_table
from functions.shared.settings import Settings, settings_from_env

__all__ = [
    "authenticated",
    "caller",
    "configure",
    "current_settings",
    "forget",
    "header",
    "json_response",
]

_settings: list[Settings] = []
_identity: ContextVar[Identity | None] = ContextVar("identity", default=None)


def configure(settings: Settings) -> None:
    """Use ``settings`` from now on (the local platform calls this; Lambda reads the environment)."""
    bind_table(settings)
    _settings[:] = [settings]


def current_settings() -> Settings:
    if not _settings:
        configure(settings_from_env())
    return _settings[0]


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A request header by case-insensitive name."""
    wanted = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == wanted:
            return value
    return None


def authenticated(headers: Mapping[str, str] | None) -> Token[Identity | None]:
    """Authenticate the request once, before routing and validation (like an API Gateway authorizer)."""
    return _identity.set(authenticate(dict(headers or {}), current_settings()))


def forget(token: Token[Identity | None]) -> None:
    _identity.reset(token)


def caller(permission: str) -> Identity:
    """The authenticated caller of this request, provided the role grants ``permission`` (else 403)."""
    identity = _identity.get()
    if identity is None:
        raise UnauthorizedError(
            "unauthenticated", "Send 'Authorization: Bearer <token>' or an 'X-Api-Key' header."
        )
    return identity.require(permission)


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response[str]:
    """A JSON response with explicit headers (ETag, Location) that a plain return value cannot carry."""
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(payload, default=str, separators=(",", ":")),
        headers=dict(headers or {}),
    )
