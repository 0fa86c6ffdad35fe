"""SMTP: send a ready-made RFC 5322 message as is (smtp.send_raw_email, v1)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import Field, model_validator

from connectors.sdk import ActionContext, ActionInput, InvalidInputError
from connectors.smtp.connector import SMTP, open_connection, smtp_credential
from connectors.smtp.send_email import Email, SendEmailOutput

__all__ = ["SendRawEmailInput", "send_raw_email"]


class SendRawEmailInput(ActionInput):
    envelope_from: Email
    recipients: Annotated[list[Email], Field(min_length=1, max_length=100, description="RCPT TO addresses")]
    raw_message: Annotated[str | None, Field(description="The message with headers, as text")] = None
    raw_message_base64: Annotated[str | None, Field(description="The message as base64 (8-bit content)")] = (
        None
    )

    @model_validator(mode="after")
    def _one_source(self) -> SendRawEmailInput:
        if (self.raw_message is None) == (self.raw_message_base64 is None):
            raise ValueError("give exactly one of raw_message and raw_message_base64")
        return self


@SMTP.action("send_raw_email", version=1, side_effect=True)
def send_raw_email(params: SendRawEmailInput, ctx: ActionContext) -> SendEmailOutput:
    """Relay a message built elsewhere (an archived .eml, another node's output) unchanged."""
    from email.parser import BytesHeaderParser

    if params.raw_message is not None:
        raw = params.raw_message.replace("\r\n", "\n").replace("\n", "\r\n").encode()
    else:
        try:
            raw = base64.b64decode(params.raw_message_base64 or "", validate=True)
        except binascii.Error:
            raise InvalidInputError("params.raw_message_base64: not valid base64") from None
    headers = BytesHeaderParser().parsebytes(raw)
    if not headers.get("From") or not headers.get("Subject"):
        raise InvalidInputError("params.raw_message: needs at least From and Subject headers")
    with open_connection(smtp_credential(ctx), ctx.connector.timeout) as client:
        refused = client.sendmail(params.envelope_from, params.recipients, raw)
    return SendEmailOutput(
        message_id=str(headers.get("Message-ID", "")),
        accepted=[address for address in params.recipients if address not in refused],
        refused={
            address: f"{code} {reply.decode(errors='replace')}" for address, (code, reply) in refused.items()
        },
    )
