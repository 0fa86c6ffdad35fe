"""MySQL/MariaDB failures as SDK errors, by the server's (or the client's) error number.

    1044 1045 1142 1143 1227 1698 access denied                -> AuthError
    1062 1586 duplicate entry                                  -> ConflictError
    other integrity, 1064 syntax, unknown table/column, data,
    1792 write in a read-only query                            -> InvalidInputError
    1049 unknown database                                      -> NotFoundError
    1969 3024 1317 statement time exceeded, client "timed out" -> ConnectorTimeoutError (retried)
    2003 2006 2013 1040 1053 cannot reach or lost the server   -> UpstreamUnavailableError (retried)
    1205 lock wait timeout, 1213 deadlock                      -> RetryableError (retried)
    2026 TLS failed, a refused certificate, anything else      -> ConnectorError

Messages carry the server's own text, never connection settings.
"""

from __future__ import annotations

from connectors.sdk import (
    AuthError,
    ConflictError,
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    NotFoundError,
    RetryableError,
    UpstreamUnavailableError,
)

__all__ = ["map_mysql_error"]

_AUTH = {1044, 1045, 1142, 1143, 1227, 1251, 1698}
_CONFLICT = {1062, 1586}
# Bad values and bad SQL the server may report outside PyMySQL's Programming/Integrity/DataError.
_INVALID = {
    1048,
    1054,
    1060,
    1064,
    1136,
    1146,
    1264,
    1265,
    1292,
    1364,
    1366,
    1406,
    1451,
    1452,
    1792,
    3819,
    4025,
}
_TIMEOUT = {1317, 1969, 3024}
_UNAVAILABLE = {1040, 1053, 2002, 2003, 2006, 2013, 2055}
_TRANSIENT = {1205, 1213}


def _is_tls_failure(text: str) -> bool:
    # A refused certificate arrives as "can't connect" (2003): a setting to fix, not a retry.
    lowered = text.lower()
    return "ssl" in lowered or "certificate" in lowered or "tls" in lowered


def map_mysql_error(exc: Exception) -> ConnectorError:
    """The SDK error for a PyMySQL error (see the table in this module's docstring).

    Example:
        >>> map_mysql_error(pymysql.err.IntegrityError(1062, "Duplicate entry 'a' for key 'email'")).code  # doctest: +SKIP
        'ConflictError'
    """
    import pymysql

    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
    text = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
    message = f"MySQL {code}: {text}" if code else f"MySQL: {text}"
    if code in _AUTH:
        return AuthError(message)
    if code in _CONFLICT:
        return ConflictError(message)
    if code == 1049:
        return NotFoundError(message)
    if code in _UNAVAILABLE and _is_tls_failure(text):
        return ConnectorError(f"MySQL TLS failed: {text}")
    if code in _TIMEOUT or (code in _UNAVAILABLE and "timed out" in text):
        return ConnectorTimeoutError(message)
    if code in _UNAVAILABLE or isinstance(exc, pymysql.err.InterfaceError):
        return UpstreamUnavailableError(message)
    if code in _TRANSIENT:
        return RetryableError(message)
    if code in _INVALID or isinstance(
        exc, pymysql.err.ProgrammingError | pymysql.err.IntegrityError | pymysql.err.DataError
    ):
        return InvalidInputError(message)
    return ConnectorError(message)
