"""Twilio: the connector declaration (Basic auth with the Account SID), Twilio's error bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from connectors.sdk import AuthError, BasicAuth, BasicCredential, Connector

if TYPE_CHECKING:
    from connectors.sdk import ActionContext

__all__ = ["TWILIO", "TwilioCredential", "account_path", "twilio_error_message"]


class TwilioCredential(BasicCredential):
    """``username``/``password``: the Account SID and Auth Token, or an API key SID (``SK...``) and
    its secret, in which case ``account_sid`` names the account."""

    account_sid: Annotated[
        str | None,
        Field(pattern=r"^AC[0-9a-fA-F]{32}$", description="Needed when username is an API key SID"),
    ] = None


def twilio_error_message(body: Any) -> str | None:
    """Twilio errors: ``{"code": 21211, "message": "...", "more_info": "https://...", "status": 400}``."""
    if not isinstance(body, dict) or "message" not in body:
        return None
    code = body.get("code")
    return f"{body['message']} (Twilio error {code})" if code else str(body["message"])


def account_path(ctx: ActionContext) -> str:
    """``/2010-04-01/Accounts/{AccountSid}``: every resource lives under the account."""
    credential = ctx.credential
    if not isinstance(credential, TwilioCredential):
        raise AuthError("Twilio needs a credential (Account SID and Auth Token)")
    account_sid = credential.account_sid or credential.username
    if not account_sid.startswith("AC"):
        raise AuthError("Twilio: the credential's username is an API key SID; set account_sid too")
    return f"/2010-04-01/Accounts/{account_sid}"


TWILIO = Connector(
    "twilio",
    "Twilio SMS",
    version="1.0.0",
    icon="twilio.svg",
    category="communication",
    description="Send SMS and MMS, list and fetch messages with Twilio Programmable Messaging.",
    auth=BasicAuth(),
    credential_model=TwilioCredential,
    base_url="https://api.twilio.com",
    error_message=twilio_error_message,
)
