"""Redis failures as SDK errors.

    WRONGPASS / NOAUTH / NOPERM (AuthenticationError, NoPermissionError)  -> AuthError
    TimeoutError                                                          -> ConnectorTimeoutError (retried)
    ConnectionError, LOADING, READONLY replica                            -> UpstreamUnavailableError (retried)
    WRONGTYPE, "not an integer", bad arguments (ResponseError, DataError) -> InvalidInputError
    a refused certificate (SSL errors), anything else                     -> ConnectorError

redis-py's messages name the host and port, never the password.
"""

from __future__ import annotations

from connectors.sdk import (
    AuthError,
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    UpstreamUnavailableError,
)

__all__ = ["map_redis_error"]

_AUTH_PREFIXES = ("WRONGPASS", "NOAUTH", "NOPERM")


def map_redis_error(exc: Exception) -> ConnectorError:
    """The SDK error for a redis-py error (see the table in this module's docstring).

    Example:
        >>> map_redis_error(redis.exceptions.ResponseError("WRONGTYPE ...")).code  # doctest: +SKIP
        'InvalidInputError'
    """
    from redis import exceptions

    message = f"Redis: {exc}"
    # AuthenticationError subclasses ConnectionError: check it first.
    if isinstance(exc, exceptions.AuthenticationError | exceptions.NoPermissionError) or str(exc).startswith(
        _AUTH_PREFIXES
    ):
        return AuthError(message)
    lowered = str(exc).lower()
    if isinstance(exc, exceptions.ConnectionError) and ("ssl" in lowered or "certificate" in lowered):
        # A refused certificate or a TLS/plain mismatch: a setting to fix, not a retry.
        return ConnectorError(f"Redis TLS failed: {exc}")
    if isinstance(exc, exceptions.TimeoutError):
        return ConnectorTimeoutError(message)
    if isinstance(exc, exceptions.ConnectionError | exceptions.ReadOnlyError | exceptions.BusyLoadingError):
        return UpstreamUnavailableError(message)
    if isinstance(exc, exceptions.ResponseError | exceptions.DataError):
        return InvalidInputError(message)
    return ConnectorError(message)
