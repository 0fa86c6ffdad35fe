"""MySQL and MariaDB: the connector declaration, its credential and how a connection is opened.

The credential is a URL (``mysql://user:pass@host:3306/db``) or the separate fields; every
action opens one connection, runs in one transaction and closes it (PyMySQL, pure Python: no
native client library in the Lambda package).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, model_validator

from connectors.mysql.errors import map_mysql_error
from connectors.sdk import ActionContext, AuthError, BasicAuth, BasicCredential, Connector, ConnectorError
from connectors.sdk.sql import url_or_host_problem

if TYPE_CHECKING:
    import ssl

    import pymysql

__all__ = ["MYSQL", "MySQLCredential", "connect"]

SslMode = Literal["disabled", "preferred", "required", "verify_ca", "verify_identity"]


class MySQLCredential(BasicCredential):
    """Where the server is and who connects: a URL, or host/port/database/username/password.

    ``ssl_mode`` follows the MySQL client's ``--ssl-mode``: ``preferred`` encrypts when the
    server offers TLS, ``required`` refuses a plain connection, ``verify_ca`` and
    ``verify_identity`` also check the certificate (and the host name).

    Example:
        >>> MySQLCredential(host="db.internal", database="app", username="app", password="pw").port
        3306
    """

    username: str = ""
    password: SecretStr = SecretStr("")
    url: Annotated[
        SecretStr | None,
        Field(description="mysql://user:password@host:3306/database (instead of the fields)"),
    ] = None
    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] = 3306
    database: str | None = None
    ssl_mode: SslMode = "preferred"
    ssl_ca: Annotated[
        SecretStr | None, Field(description="PEM of the CA that signed the server certificate (verify_*).")
    ] = None
    connect_timeout: Annotated[int, Field(ge=1, le=60, description="Seconds to wait for a connection.")] = 10

    @model_validator(mode="after")
    def _url_or_host(self) -> MySQLCredential:
        problem = url_or_host_problem(
            self.url, self.host, self.username, self.database, {"mysql", "mariadb"}, "mysql://"
        )
        if problem:
            raise ValueError(problem)
        return self


MYSQL = Connector(
    "mysql",
    "MySQL / MariaDB",
    version="1.0.0",
    icon="mysql.svg",
    category="databases",
    description="Query and change a MySQL or MariaDB database with bound parameters.",
    auth=BasicAuth(),
    credential_model=MySQLCredential,
)


def _credential(ctx: ActionContext) -> MySQLCredential:
    credential = ctx.credential
    if not isinstance(credential, MySQLCredential):
        raise AuthError("MySQL needs a credential (url, or host/username/password/database)")
    return credential


def _address(credential: MySQLCredential) -> dict[str, Any]:
    if credential.url is None:
        return {
            "host": credential.host,
            "port": credential.port,
            "user": credential.username,
            "password": credential.password.get_secret_value(),
            "database": credential.database,
        }
    url = urlsplit(credential.url.get_secret_value())
    try:
        port = url.port or 3306
    except ValueError:
        raise AuthError("the credential's url has an invalid port") from None
    return {
        "host": url.hostname,
        "port": port,
        "user": unquote(url.username or ""),
        "password": unquote(url.password or ""),
        "database": unquote(url.path.lstrip("/")) or None,
    }


def _ssl_context(credential: MySQLCredential) -> ssl.SSLContext:
    import ssl

    if credential.ssl_mode == "required":
        # Encrypted but unverified, like the MySQL client's REQUIRED.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    cadata = credential.ssl_ca.get_secret_value() if credential.ssl_ca else None
    context = ssl.create_default_context(cadata=cadata)
    context.check_hostname = credential.ssl_mode == "verify_identity"
    return context


def _tls_options(credential: MySQLCredential) -> dict[str, Any]:
    if credential.ssl_mode == "disabled":
        return {"ssl_disabled": True}
    if credential.ssl_mode == "preferred":
        return {}  # PyMySQL's default: TLS when the server offers it
    return {"ssl": _ssl_context(credential)}


def _statement_limit(conn: pymysql.Connection[Any], timeout_seconds: int) -> None:
    # MariaDB: max_statement_time (seconds, every statement); MySQL: max_execution_time (ms,
    # SELECT only). The server stops a statement over the limit: ConnectorTimeoutError.
    if "mariadb" in conn.get_server_info().lower():
        conn.query(f"SET SESSION max_statement_time = {int(timeout_seconds)}")
    else:
        conn.query(f"SET SESSION max_execution_time = {int(timeout_seconds) * 1000}")


@contextlib.contextmanager
def connect(
    ctx: ActionContext, *, timeout_seconds: int, read_only: bool = False
) -> Iterator[pymysql.Connection[Any]]:
    """One connection in one transaction: committed when the block succeeds, rolled back if not.

    Driver errors leave as SDK errors (:func:`map_mysql_error`), with the password redacted.

    Example:
        >>> with connect(ctx, timeout_seconds=30) as conn, conn.cursor() as cursor:  # doctest: +SKIP
        ...     cursor.execute("SELECT 1")
    """
    import pymysql

    credential = _credential(ctx)
    address = _address(credential)
    ctx.services.redactor.add([address["password"]])
    try:
        conn = pymysql.connect(
            **address,
            charset="utf8mb4",
            connect_timeout=credential.connect_timeout,
            # A backstop for a server that stops answering; the server-side limit comes first.
            read_timeout=timeout_seconds + 10,
            write_timeout=timeout_seconds + 10,
            autocommit=False,
            **_tls_options(credential),
        )
    except pymysql.MySQLError as exc:
        raise map_mysql_error(exc) from None
    except (OSError, ValueError) as exc:
        raise ConnectorError(f"MySQL: cannot connect: {exc}") from None
    try:
        _statement_limit(conn, timeout_seconds)
        conn.query("START TRANSACTION READ ONLY" if read_only else "START TRANSACTION")
        yield conn
        conn.commit()
    except pymysql.MySQLError as exc:
        raise map_mysql_error(exc) from None
    finally:
        # Closing without COMMIT rolls back; a connection the server dropped is already closed.
        with contextlib.suppress(pymysql.MySQLError):
            conn.close()
