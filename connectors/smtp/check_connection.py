"""SMTP: connect, secure and log in without sending (smtp.check_connection, v1)."""

from __future__ import annotations

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.smtp.connector import DEFAULT_PORTS, SMTP, open_connection, smtp_credential

__all__ = ["CheckConnectionInput", "CheckConnectionOutput", "check_connection"]


class CheckConnectionInput(ActionInput):
    pass


class CheckConnectionOutput(ActionOutput):
    host: str
    port: int
    security: str
    tls: bool
    authenticated: bool
    extensions: list[str]
    max_message_size: int | None = None


@SMTP.action("check_connection", version=1)
def check_connection(params: CheckConnectionInput, ctx: ActionContext) -> CheckConnectionOutput:
    """Test a credential: TLS and login as a send would do them, then NOOP; reports the server's
    ESMTP extensions (and its SIZE limit)."""
    credential = smtp_credential(ctx)
    with open_connection(credential, ctx.connector.timeout) as client:
        client.noop()
        extensions = sorted(name.upper() for name in client.esmtp_features)
        size = client.esmtp_features.get("size", "")
        tls = credential.security != "none"
    return CheckConnectionOutput(
        host=credential.host,
        port=credential.port or DEFAULT_PORTS[credential.security],
        security=credential.security,
        tls=tls,
        authenticated=bool(credential.username),
        extensions=extensions,
        max_message_size=int(size) if size.isdigit() else None,
    )
