"""Redis: the connector declaration, its credential and the client each action uses.

The credential is a URL (``redis://`` or ``rediss://`` for TLS, ``/<db>`` for the database) or
host/port/db with an optional ACL username and a password. Values are text (UTF-8).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, model_validator

from connectors.redis.errors import map_redis_error
from connectors.sdk import ActionContext, AuthError, BasicAuth, BasicCredential, Connector, ConnectorError

if TYPE_CHECKING:
    import redis

__all__ = ["KEY", "REDIS", "RedisCredential", "client"]

KEY = Annotated[str, Field(min_length=1, max_length=1024, description="The key.")]


class RedisCredential(BasicCredential):
    """Where Redis is and how to sign in: a URL, or host/port/db with username (ACL) and password.

    Example:
        >>> RedisCredential(host="cache.internal", password="pw").port
        6379
    """

    username: Annotated[str, Field(description="ACL user; empty for the default user.")] = ""
    password: SecretStr = SecretStr("")
    url: Annotated[
        SecretStr | None,
        Field(description="redis://user:password@host:6379/0, or rediss:// for TLS (instead of the fields)"),
    ] = None
    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] = 6379
    db: Annotated[int, Field(ge=0, le=10_000)] = 0
    tls: Annotated[
        bool, Field(description="Connect with TLS (managed services such as ElastiCache in transit).")
    ] = False
    tls_ca: Annotated[
        SecretStr | None, Field(description="PEM of the CA that signed the server certificate.")
    ] = None
    tls_verify_hostname: bool = True
    timeout_seconds: Annotated[float, Field(gt=0, le=60, description="Connect and command timeout.")] = 5.0

    @model_validator(mode="after")
    def _url_or_host(self) -> RedisCredential:
        if self.url is None and not self.host:
            raise ValueError("give either url or host")
        if self.url is not None and self.host:
            raise ValueError("give either url or host, not both")
        if self.url is not None and urlsplit(self.url.get_secret_value()).scheme not in {"redis", "rediss"}:
            raise ValueError("url must start with redis:// or rediss://")
        return self


REDIS = Connector(
    "redis",
    "Redis",
    version="1.0.0",
    icon="redis.svg",
    category="databases",
    description="Read and write Redis keys and hashes, count, and publish messages.",
    auth=BasicAuth(),
    credential_model=RedisCredential,
)


def _credential(ctx: ActionContext) -> RedisCredential:
    credential = ctx.credential
    if not isinstance(credential, RedisCredential):
        raise AuthError("Redis needs a credential (url, or host and password)")
    return credential


def _options(credential: RedisCredential) -> dict[str, Any]:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options: dict[str, Any] = {
        "decode_responses": True,
        "socket_connect_timeout": credential.timeout_seconds,
        "socket_timeout": credential.timeout_seconds,
        # No retries inside the function: a transient failure leaves as a retryable error and
        # the state machine's Retry waits without billing a running Lambda.
        "retry": Retry(NoBackoff(), 0),
    }
    if credential.tls or credential.tls_ca is not None:
        options.update(ssl=True, ssl_check_hostname=credential.tls_verify_hostname)
        if credential.tls_ca is not None:
            options["ssl_ca_data"] = credential.tls_ca.get_secret_value()
    if credential.url is None:
        options.update(
            host=credential.host,
            port=credential.port,
            db=credential.db,
            username=credential.username or None,
            password=credential.password.get_secret_value() or None,
        )
    return options


@contextlib.contextmanager
def client(ctx: ActionContext) -> Iterator[redis.Redis]:
    """A client for the credential's server, closed after the action; errors leave as SDK errors.

    Example:
        >>> with client(ctx) as r:  # doctest: +SKIP
        ...     r.get("greeting")
        'hello'
    """
    import redis

    credential = _credential(ctx)
    options = _options(credential)
    if credential.url is not None:
        password = urlsplit(credential.url.get_secret_value()).password
        if password:
            ctx.services.redactor.add([unquote(password)])
    try:
        if credential.url is not None:
            connection = redis.Redis.from_url(credential.url.get_secret_value(), **options)
        else:
            connection = redis.Redis(**options)
    except ValueError as exc:
        raise AuthError(f"the credential's url is not a valid Redis URL ({exc})") from None
    try:
        yield connection
    except redis.RedisError as exc:
        raise map_redis_error(exc) from None
    except UnicodeDecodeError:
        raise ConnectorError("Redis: the value is not UTF-8 text") from None
    finally:
        connection.close()
