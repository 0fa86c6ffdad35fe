"""Approval links: a signed, expiring token naming one approval, never the task token itself.

The token is a JWT (PyJWT, HS256) with audience ``wfaib:approval-link``, signed with a key derived
from the platform's token secret for this one purpose, so a link can never pass as a bearer token
of the API (nor a bearer token as a link). It carries the tenant and approval id; the task token
stays in the table. Single use is enforced by the table (``store.claim_decision``), not the token.

Each link is issued to one approver (``sub``: an email address, or ``slack:<channel>`` for the
links posted to a channel); a decision through the link is that approver's, and is refused when
they are not among the approval's approvers.

Example:
    >>> from functions.shared.settings import Settings
    >>> settings = Settings(jwt_secret="s")
    >>> token = sign_link(settings, "acme", "A1", expires_at=4_000_000_000, approver="ann@example.com")
    >>> verify_link(settings, token, now=1_700_000_000)
    LinkClaims(tenant_id='acme', approval_id='A1', expires_at=4000000000, approver='ann@example.com')
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from functions.shared.settings import Settings

__all__ = ["LINK_AUDIENCE", "LinkClaims", "LinkError", "link_urls", "sign_link", "verify_link"]

LINK_AUDIENCE = "wfaib:approval-link"


class LinkError(Exception):
    """The link is malformed, forged or expired; the message says which (never why in detail)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LinkClaims(BaseModel):
    """What a valid link names."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    approval_id: str
    expires_at: int
    approver: str | None = None
    """Whom the link was issued to (``None``: a link of an approval open to any member)."""


def _key(settings: Settings) -> bytes:
    return hmac.new(
        settings.jwt_secret.get_secret_value().encode(), LINK_AUDIENCE.encode(), hashlib.sha256
    ).digest()


def sign_link(
    settings: Settings, tenant_id: str, approval_id: str, *, expires_at: int, approver: str | None = None
) -> str:
    """The link token of an approval for ``approver``, valid until ``expires_at`` (epoch seconds)."""
    import jwt  # only link routes pay for PyJWT

    claims: dict[str, object] = {
        "aud": LINK_AUDIENCE,
        "tenant": tenant_id,
        "approval": approval_id,
        "exp": expires_at,
    }
    if approver is not None:
        claims["sub"] = approver
    return jwt.encode(claims, _key(settings), algorithm="HS256")


def verify_link(settings: Settings, token: str, *, now: int) -> LinkClaims:
    """The claims of a genuine, unexpired link token; ``LinkError`` otherwise."""
    import jwt  # only link routes pay for PyJWT

    try:
        claims = jwt.decode(
            token,
            _key(settings),
            algorithms=["HS256"],
            audience=LINK_AUDIENCE,
            options={"require": ["exp", "aud"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise LinkError("invalid_link", "This approval link is not valid.") from exc
    tenant_id, approval_id, expires_at = claims.get("tenant"), claims.get("approval"), claims.get("exp")
    approver = claims.get("sub")
    if (
        not isinstance(tenant_id, str)
        or not isinstance(approval_id, str)
        or not isinstance(expires_at, int)
        or not isinstance(approver, str | None)
    ):
        raise LinkError("invalid_link", "This approval link is not valid.")
    # Checked here, against the caller's clock, rather than by PyJWT against the wall clock.
    if expires_at <= now:
        raise LinkError("link_expired", "This approval link has expired.")
    return LinkClaims(tenant_id=tenant_id, approval_id=approval_id, expires_at=expires_at, approver=approver)


def link_urls(settings: Settings, token: str) -> dict[str, str]:
    """The approve and reject URLs of a link token (relative when no public URL is configured)."""
    base = f"{settings.public_api_url.rstrip('/')}/approvals/links/{quote(token, safe='')}"
    return {"approve": f"{base}?decision=approve", "reject": f"{base}?decision=reject"}
