"""PostgreSQL: the connector declaration, its credential and how a connection is opened.

The credential is a libpq connection URL (``postgresql://user:pass@host:5432/db``) or the
separate fields; every action opens one connection, runs in one transaction and closes it, so
nothing outlives an invocation (put PgBouncer or RDS Proxy in front for many concurrent runs).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, model_validator

from connectors.postgres.errors import map_postgres_error
from connectors.sdk import ActionContext, AuthError, BasicAuth, BasicCredential, Connector
from connectors.sdk.sql import url_or_host_problem

if TYPE_CHECKING:
    import psycopg

__all__ = ["POSTGRES", "PostgresCredential", "connect"]


class PostgresCredential(BasicCredential):
    """Where the database is and who connects: a URL, or host/port/database/username/password.

    Example:
        >>> PostgresCredential(host="db.internal", database="app", username="app", password="pw").port
        5432
    """

    username: str = ""
    password: SecretStr = SecretStr("")
    url: Annotated[
        SecretStr | None,
        Field(
            description="postgresql://user:password@host:5432/database?sslmode=require (instead of the fields)"
        ),
    ] = None
    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] = 5432
    database: str | None = None
    sslmode: Annotated[
        Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
        Field(description="libpq sslmode; verify-full checks the certificate and the host name."),
    ] = "prefer"
    ssl_root_cert: Annotated[
        SecretStr | None,
        Field(description="PEM of the CA that signed the server certificate (verify-ca/full)."),
    ] = None
    connect_timeout: Annotated[int, Field(ge=1, le=60, description="Seconds to wait for a connection.")] = 10

    @model_validator(mode="after")
    def _url_or_host(self) -> PostgresCredential:
        problem = url_or_host_problem(
            self.url, self.host, self.username, self.database, {"postgres", "postgresql"}, "postgresql://"
        )
        if problem:
            raise ValueError(problem)
        return self


POSTGRES = Connector(
    "postgres",
    "PostgreSQL",
    version="1.0.0",
    icon="postgres.svg",
    category="databases",
    description="Query and change a PostgreSQL database with bound parameters (never formatted SQL).",
    auth=BasicAuth(),
    credential_model=PostgresCredential,
)


def _credential(ctx: ActionContext) -> PostgresCredential:
    credential = ctx.credential
    if not isinstance(credential, PostgresCredential):
        raise AuthError("PostgreSQL needs a credential (url, or host/username/password/database)")
    return credential


def _connect_kwargs(credential: PostgresCredential, root_cert: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "connect_timeout": credential.connect_timeout,
        "application_name": "wfaib",
        "autocommit": True,  # transactions are explicit: one per action, see connect()
    }
    if credential.url is not None:
        kwargs["conninfo"] = credential.url.get_secret_value()
    else:
        kwargs.update(
            conninfo="",
            host=credential.host,
            port=credential.port,
            dbname=credential.database,
            user=credential.username,
            password=credential.password.get_secret_value(),
        )
    if credential.url is None or "sslmode" in credential.model_fields_set:
        # With a URL, its own ?sslmode= applies unless the field is set (then the field wins).
        kwargs["sslmode"] = credential.sslmode
    if root_cert is not None:
        kwargs["sslrootcert"] = root_cert
    return kwargs


@contextlib.contextmanager
def _root_cert_file(credential: PostgresCredential) -> Iterator[str | None]:
    """libpq reads the CA from a file only: write the PEM to a private temporary file."""
    if credential.ssl_root_cert is None:
        yield None
        return
    handle, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(credential.ssl_root_cert.get_secret_value())
        yield path
    finally:
        os.unlink(path)


@contextlib.contextmanager
def connect(
    ctx: ActionContext, *, timeout_seconds: int, read_only: bool = False
) -> Iterator[psycopg.Connection[Any]]:
    """One connection in one transaction: committed when the block succeeds, rolled back if not.

    Driver errors leave as SDK errors (:func:`map_postgres_error`), with the password redacted.

    Example:
        >>> with connect(ctx, timeout_seconds=30) as conn:  # doctest: +SKIP
        ...     conn.execute("SELECT 1").fetchone()
        (1,)
    """
    import psycopg

    credential = _credential(ctx)
    if credential.url is not None:
        password = urlsplit(credential.url.get_secret_value()).password
        if password:
            ctx.services.redactor.add([unquote(password)])
    try:
        with _root_cert_file(credential) as root_cert:
            conn = psycopg.connect(**_connect_kwargs(credential, root_cert))
    except psycopg.Error as exc:
        raise map_postgres_error(exc, connecting=True) from None
    try:
        with conn:
            conn.read_only = read_only
            with conn.transaction():
                # SET LOCAL (not a startup option): works through PgBouncer and RDS Proxy too. The
                # server cancels a statement over the limit; that is ConnectorTimeoutError.
                conn.execute("SELECT set_config('statement_timeout', %s, true)", [f"{timeout_seconds}s"])
                yield conn
    except psycopg.Error as exc:
        raise map_postgres_error(exc, connecting=False) from None
