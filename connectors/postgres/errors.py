"""PostgreSQL failures as SDK errors, by SQLSTATE class (and libpq's text when connecting).

    28xxx invalid authorization, 42501 insufficient privilege   -> AuthError
    23505 unique violation                                     -> ConflictError
    22xxx data, 23xxx other constraints, 42xxx bad SQL,
    25006 write in a read-only query, 0A000 not supported       -> InvalidInputError
    3D000 database does not exist                              -> NotFoundError
    57014 statement timeout, libpq "timeout expired"           -> ConnectorTimeoutError (retried)
    08xxx, 53xxx, 57Pxx, refused/unreachable server            -> UpstreamUnavailableError (retried)
    40xxx serialization failure, deadlock                      -> RetryableError (retried)
    anything else                                              -> ConnectorError

Messages carry the server's own text (primary message and detail), never connection settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    import psycopg

__all__ = ["map_postgres_error"]

_AUTH_TEXT = ("password authentication failed", "no pg_hba.conf entry", "authentication failed", 'role "')
_TIMEOUT_TEXT = ("timeout expired", "timed out")


def _server_message(exc: psycopg.Error) -> str:
    diag = exc.diag
    primary = diag.message_primary or str(exc).strip().splitlines()[0]
    detail = f" ({diag.message_detail})" if diag.message_detail else ""
    return f"{primary}{detail}"


def _connect_error(exc: psycopg.Error) -> ConnectorError:
    # libpq reports connection failures as text without a SQLSTATE; the last line names the cause.
    text = str(exc).strip()
    lowered = text.lower()
    reason = text.splitlines()[0].removeprefix("connection failed: ")
    if (exc.sqlstate or "").startswith("28") or any(part in lowered for part in _AUTH_TEXT):
        return AuthError(f"PostgreSQL refused the credential: {reason}")
    if exc.sqlstate == "3D000" or "does not exist" in lowered:
        return NotFoundError(f"PostgreSQL: {reason}")
    if any(part in lowered for part in _TIMEOUT_TEXT):
        return ConnectorTimeoutError(f"PostgreSQL: connecting timed out ({reason})")
    if "ssl" in lowered and ("not support" in lowered or "certificate" in lowered):
        return ConnectorError(f"PostgreSQL: TLS failed: {reason}")
    return UpstreamUnavailableError(f"PostgreSQL is unavailable: {reason}")


def map_postgres_error(exc: psycopg.Error, *, connecting: bool) -> ConnectorError:
    """The SDK error for a driver error (see the table in this module's docstring).

    Example:
        >>> map_postgres_error(psycopg.errors.UniqueViolation("duplicate key"), connecting=False).code  # doctest: +SKIP
        'ConflictError'
    """
    import psycopg

    state = exc.sqlstate or ""
    if not state:
        # No SQLSTATE: libpq (connecting, or the connection was lost) or psycopg itself.
        if connecting or isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return _connect_error(exc)
        if isinstance(exc, psycopg.ProgrammingError | psycopg.DataError | psycopg.NotSupportedError):
            return InvalidInputError(f"PostgreSQL: {str(exc).strip()}")
        return ConnectorError(f"PostgreSQL: {str(exc).strip()}")
    message = f"PostgreSQL {state}: {_server_message(exc)}"
    if state.startswith("28") or state == "42501":
        return AuthError(message)
    if state == "23505":
        return ConflictError(message)
    if state.startswith(("22", "23", "42")) or state in {"25006", "0A000"}:
        return InvalidInputError(message)
    if state == "3D000":
        return NotFoundError(message)
    if state == "57014":
        return ConnectorTimeoutError(message)
    if state.startswith(("08", "53", "57P")):
        return UpstreamUnavailableError(message)
    if state.startswith("40"):
        return RetryableError(message)
    return ConnectorError(message)
