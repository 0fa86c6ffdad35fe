"""SendGrid: send an email (sendgrid.send_email, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.sendgrid.connector import SENDGRID

__all__ = ["SendEmailInput", "SendEmailOutput", "send_email"]

Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]


class SendEmailInput(ActionInput):
    to: Annotated[list[Email], Field(min_length=1, max_length=1000)]
    from_email: Email
    from_name: str | None = None
    subject: Annotated[str, Field(min_length=1, max_length=998)]
    text: str | None = None
    html: str | None = None
    reply_to: Email | None = None
    categories: Annotated[list[str], Field(max_length=10)] = []

    @model_validator(mode="after")
    def _has_content(self) -> SendEmailInput:
        if not (self.text or self.html):
            raise ValueError("give text or html (or both)")
        return self


class SendEmailOutput(ActionOutput):
    accepted: bool
    message_id: str | None = None


@SENDGRID.action("send_email", version=1, side_effect=True)
def send_email(params: SendEmailInput, ctx: ActionContext) -> SendEmailOutput:
    """Send one email to one or more recipients.

    SendGrid's mail API takes no idempotency key: the node's key is attached as the custom
    argument ``wfaib_idempotency_key`` so duplicates from a retried attempt can be traced.
    """
    sender: dict[str, Any] = {"email": params.from_email}
    if params.from_name:
        sender["name"] = params.from_name
    content = [
        {"type": kind, "value": value}
        for kind, value in (("text/plain", params.text), ("text/html", params.html))
        if value
    ]
    body: dict[str, Any] = {
        "personalizations": [{"to": [{"email": address} for address in params.to]}],
        "from": sender,
        "subject": params.subject,
        "content": content,
        "custom_args": {"wfaib_idempotency_key": ctx.idempotency_key},
    }
    if params.reply_to:
        body["reply_to"] = {"email": params.reply_to}
    if params.categories:
        body["categories"] = params.categories
    response = ctx.http.post("/v3/mail/send", json=body)
    return SendEmailOutput(
        accepted=response.status_code == 202, message_id=response.headers.get("x-message-id")
    )
