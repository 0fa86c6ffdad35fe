"""SMTP: send an email with text, HTML, attachments, cc/bcc and reply-to (smtp.send_email, v1)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Annotated

from pydantic import Field, model_validator

from connectors.sdk import ActionContext, ActionInput, ActionOutput, InvalidInputError
from connectors.smtp.connector import SMTP, open_connection, smtp_credential

__all__ = ["Attachment", "Email", "SendEmailInput", "SendEmailOutput", "message_id_for", "send_email"]

Email = Annotated[str, Field(pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$", max_length=320)]
HeaderText = Annotated[str, Field(pattern=r"^[^\r\n]*$")]


class Attachment(ActionInput):
    filename: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^\r\n/\\]+$")]
    content_base64: str
    content_type: Annotated[str, Field(pattern=r"^[\w.+-]+/[\w.+-]+$")] = "application/octet-stream"


class SendEmailInput(ActionInput):
    to: Annotated[list[Email], Field(min_length=1, max_length=100)]
    cc: Annotated[list[Email], Field(max_length=100)] = []
    bcc: Annotated[list[Email], Field(max_length=100)] = []
    from_email: Annotated[Email | None, Field(description="Defaults to the credential's default_from")] = None
    from_name: Annotated[HeaderText | None, Field(max_length=200)] = None
    reply_to: Email | None = None
    subject: Annotated[HeaderText, Field(min_length=1, max_length=998)]
    text: str | None = None
    html: str | None = None
    attachments: Annotated[list[Attachment], Field(max_length=20)] = []
    headers: Annotated[
        dict[Annotated[str, Field(pattern=r"^X-[A-Za-z0-9-]+$")], HeaderText],
        Field(description="Extra X- headers, e.g. X-Campaign"),
    ] = {}

    @model_validator(mode="after")
    def _has_content(self) -> SendEmailInput:
        if not (self.text or self.html):
            raise ValueError("give text or html (or both)")
        return self


class SendEmailOutput(ActionOutput):
    message_id: str
    accepted: list[str]
    refused: dict[str, str]


def message_id_for(idempotency_key: str, from_email: str) -> str:
    """A Message-ID derived from the node's idempotency key: a retried attempt sends the same id,
    so receiving systems that deduplicate on Message-ID keep one copy."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}.wfaib@{from_email.rsplit('@', 1)[1]}>"


def _cte(body: str) -> str | None:
    """Quoted-printable for non-ASCII text: the email package would pick 8bit, which a server
    without 8BITMIME may mangle. ASCII keeps the package's choice (7bit, or QP for long lines)."""
    return None if body.isascii() else "quoted-printable"


def _build(params: SendEmailInput, sender: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((params.from_name, sender)) if params.from_name else sender
    message["To"] = ", ".join(params.to)
    if params.cc:
        message["Cc"] = ", ".join(params.cc)
    if params.reply_to:
        message["Reply-To"] = params.reply_to
    message["Subject"] = params.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    for name, value in params.headers.items():
        message[name] = value
    if params.text:
        message.set_content(params.text, cte=_cte(params.text))
        if params.html:
            message.add_alternative(params.html, subtype="html", cte=_cte(params.html))
    else:
        message.set_content(params.html or "", subtype="html", cte=_cte(params.html or ""))
    for attachment in params.attachments:
        try:
            content = base64.b64decode(attachment.content_base64, validate=True)
        except binascii.Error:
            raise InvalidInputError(
                f"params.attachments: {attachment.filename} is not valid base64"
            ) from None
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


@SMTP.action("send_email", version=1, side_effect=True)
def send_email(params: SendEmailInput, ctx: ActionContext) -> SendEmailOutput:
    """Send one email; Bcc recipients get it without appearing in any header.

    Recipients the server refuses while accepting others are listed in ``refused``; when all
    are refused the action fails (4xx replies retry, 5xx do not).
    """
    credential = smtp_credential(ctx)
    sender = params.from_email or credential.default_from
    if not sender:
        raise InvalidInputError("params.from_email: required when the credential has no default_from")
    message = _build(params, sender, message_id_for(ctx.idempotency_key, sender))
    recipients = list(dict.fromkeys([*params.to, *params.cc, *params.bcc]))
    with open_connection(credential, ctx.connector.timeout) as client:
        refused = client.send_message(message, from_addr=sender, to_addrs=recipients)
    ctx.logger.info("email sent", extra={"recipients": len(recipients), "refused": len(refused)})
    return SendEmailOutput(
        message_id=str(message["Message-ID"]),
        accepted=[address for address in recipients if address not in refused],
        refused={
            address: f"{code} {reply.decode(errors='replace')}" for address, (code, reply) in refused.items()
        },
    )
