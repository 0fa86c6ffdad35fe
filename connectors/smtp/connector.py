"""SMTP: the connector declaration, the server credential, and SMTP replies as SDK errors.

Not an HTTP API, so ``ctx.http`` is unused: :func:`open_connection` speaks SMTP with the
standard library's ``smtplib`` (TLS through ``ssl``), and :func:`smtp_error` maps replies the way
RFC 5321 defines them: 4xx is transient (``RetryableError``: the state machine retries), 5xx is
permanent (535 is ``AuthError``, a refused address or an oversized message ``InvalidInputError``).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from connectors.sdk import (
    AuthError,
    BasicAuth,
    BasicCredential,
    Connector,
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    RetryableError,
    UpstreamUnavailableError,
)

if TYPE_CHECKING:
    from connectors.sdk import ActionContext

__all__ = ["DEFAULT_PORTS", "SMTP", "SmtpCredential", "open_connection", "smtp_credential", "smtp_error"]

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class SmtpCredential(BasicCredential):
    """The server and the login. An empty ``username`` sends without AUTH (a trusted relay).

    ``security``: ``starttls`` (upgrade after connecting, port 587), ``ssl`` (TLS from the first
    byte, port 465) or ``none`` (plain text: only for a relay on a trusted network).
    """

    host: Annotated[str, Field(min_length=1, description="e.g. smtp.example.com")]
    port: Annotated[
        int | None, Field(ge=1, le=65535, description="Defaults to 587, 465 or 25 by security")
    ] = None
    security: Literal["starttls", "ssl", "none"] = "starttls"
    default_from: Annotated[str | None, Field(description="From address when a node gives none")] = None
    tls_ca_pem: Annotated[
        str | None, Field(description="PEM of a private CA to trust (self-hosted servers)")
    ] = None


def smtp_credential(ctx: ActionContext) -> SmtpCredential:
    """The node's SMTP credential."""
    credential = ctx.credential
    if not isinstance(credential, SmtpCredential):
        raise AuthError("SMTP needs a server credential (host, username, password)")
    return credential


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def _by_code(code: int, text: str, *, refused_address: bool = False) -> ConnectorError:
    """One SMTP reply code as the SDK error (RFC 5321 §4.2.1: 4yz transient, 5yz permanent)."""
    if code == 421:
        return UpstreamUnavailableError(text)
    if 400 <= code < 500:
        return RetryableError(text)
    if code in {530, 534, 535, 538}:
        return AuthError(text)
    if refused_address or code in {501, 550, 552, 553}:
        return InvalidInputError(text)
    return ConnectorError(text)


def smtp_error(exc: Exception, where: str) -> ConnectorError:
    """The SDK error for an ``smtplib``/``ssl``/socket failure; ``where`` is ``host:port``.

    Example:
        >>> smtp_error(smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), "smtp.test:587").code
        'AuthError'
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = {address: _reply(code, msg) for address, (code, msg) in exc.recipients.items()}
        text = "SMTP: every recipient was refused: " + "; ".join(f"{a}: {r}" for a, r in replies.items())
        transient = all(400 <= code < 500 for code, _ in exc.recipients.values())
        return RetryableError(text) if transient else InvalidInputError(text)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _by_code(
            exc.smtp_code, f"SMTP: {where} refused the login: {_reply(exc.smtp_code, exc.smtp_error)}"
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        text = f"SMTP: sender {exc.sender} refused: {_reply(exc.smtp_code, exc.smtp_error)}"
        return _by_code(exc.smtp_code, text, refused_address=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _by_code(exc.smtp_code, f"SMTP: {where} answered {_reply(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return ConnectorError(f"SMTP: {where}: {exc} (check the credential's security setting)")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return UpstreamUnavailableError(f"SMTP: {where} closed the connection")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ConnectorError(f"SMTP: TLS certificate of {where} not trusted: {exc.verify_message}")
    if isinstance(exc, ssl.SSLError):
        return ConnectorError(f"SMTP: TLS with {where} failed ({exc.reason or type(exc).__name__})")
    if isinstance(exc, TimeoutError):
        return ConnectorTimeoutError(f"SMTP: {where} timed out")
    if isinstance(exc, OSError):
        return UpstreamUnavailableError(f"SMTP: could not reach {where} ({type(exc).__name__})")
    return ConnectorError(f"SMTP: {where}: {type(exc).__name__}")


@contextmanager
def open_connection(credential: SmtpCredential, timeout: float) -> Iterator[smtplib.SMTP]:
    """An SMTP session: connected, TLS per ``security``, logged in; every failure an SDK error.

    Example:
        >>> with open_connection(credential, timeout=30) as client:  # doctest: +SKIP
        ...     client.send_message(message)
    """
    port = credential.port or DEFAULT_PORTS[credential.security]
    where = f"{credential.host}:{port}"
    context = ssl.create_default_context(cadata=credential.tls_ca_pem)
    client: smtplib.SMTP | None = None
    try:
        if credential.security == "ssl":
            client = smtplib.SMTP_SSL(credential.host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(credential.host, port, timeout=timeout)
        client.ehlo()
        if credential.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if credential.username:
            client.login(credential.username, credential.password.get_secret_value())
        yield client
    except ConnectorError:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        raise smtp_error(exc, where) from None
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


SMTP = Connector(
    "smtp",
    "SMTP email",
    version="1.0.0",
    icon="smtp.svg",
    category="communication",
    description="Send email through any SMTP server (STARTTLS, SSL/TLS or plain; optional login).",
    auth=BasicAuth(),
    credential_model=SmtpCredential,
)
