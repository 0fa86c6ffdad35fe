"""Who is calling: a signed token (HS256) or an API key; never anything in the request body.

Roles are ordered viewer < member < admin < owner; each grants the permissions of the one before
plus its own (SPEC §6). Every route asks for one permission with ``authorize``.

Example:
    >>> from functions.shared import Settings
    >>> settings = Settings(jwt_secret="s")
    >>> token = issue_token(settings, tenant_id="acme", subject="ada", role="viewer")
    >>> identity = authenticate({"Authorization": f"Bearer {token}"}, settings)
    >>> (identity.tenant_id, identity.can("workflow:read"), identity.can("workflow:update"))
    ('acme', True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

import jwt
from pydantic import BaseModel, ConfigDict

from functions.api.errors import ForbiddenError, UnauthorizedError
from functions.shared import ItemNotFoundError, Settings
from functions.shared.store import get_api_key

__all__ = [
    "ROLE_PERMISSIONS",
    "Identity",
    "Role",
    "authenticate",
    "hash_secret",
    "issue_token",
    "new_api_key",
    "role_at_most",
]

Role = Literal["viewer", "member", "admin", "owner"]
ROLES: tuple[Role, ...] = get_args(Role)
TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
API_KEY_PREFIX = "wfk"

_VIEWER = frozenset({"workflow:read", "run:read", "connector:read"})
_MEMBER = _VIEWER | {
    "workflow:create",
    "workflow:update",
    "workflow:delete",
    "workflow:execute",
    "run:cancel",
    "run:replay",
    "credential:create",
    "credential:read",
    "credential:use",
    "connector:use",
}
_ADMIN = _MEMBER | {"team:manage", "audit:read"}
_OWNER = _ADMIN | {"tenant:manage"}
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    "viewer": _VIEWER,
    "member": _MEMBER,
    "admin": _ADMIN,
    "owner": _OWNER,
}


class Identity(BaseModel):
    """The caller of one request."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    subject: str
    role: Role
    via: Literal["token", "api_key"]

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: str) -> Identity:
        """This identity, or ``ForbiddenError`` naming the missing permission."""
        if not self.can(permission):
            raise ForbiddenError(
                "forbidden",
                f"The {self.role} role does not have the '{permission}' permission.",
                {"permission": permission, "role": self.role},
            )
        return self


def role_at_most(granted: Role, wanted: Role) -> bool:
    """True when ``wanted`` grants nothing beyond ``granted`` (nobody hands out more than they hold)."""
    return ROLES.index(wanted) <= ROLES.index(granted)


def issue_token(
    settings: Settings, *, tenant_id: str, subject: str, role: Role, ttl: timedelta = timedelta(hours=12)
) -> str:
    """A signed bearer token for ``subject`` in ``tenant_id`` (the local platform's sign-in)."""
    now = datetime.now(UTC)
    claims = {
        "iss": settings.jwt_issuer,
        "sub": subject,
        "tenant": tenant_id,
        "role": role,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key(tenant_id: str) -> tuple[str, str, str]:
    """``(key id, secret, the key as shown once)``; the key carries its tenant so lookup is one read."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_hex(24)
    return key_id, secret, f"{API_KEY_PREFIX}_{tenant_id}_{key_id}_{secret}"


def authenticate(headers: Mapping[str, str], settings: Settings) -> Identity:
    """The identity behind ``Authorization: Bearer <token or API key>`` or ``X-Api-Key``."""
    lowered = {name.lower(): value for name, value in headers.items()}
    api_key = lowered.get("x-api-key")
    authorization = lowered.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    if api_key is None and scheme.lower() == "bearer" and credential.startswith(f"{API_KEY_PREFIX}_"):
        api_key = credential
    if api_key is not None:
        return _from_api_key(api_key.strip())
    if scheme.lower() != "bearer" or not credential.strip():
        raise UnauthorizedError(
            "unauthenticated", "Send 'Authorization: Bearer <token>' or an 'X-Api-Key' header."
        )
    return _from_token(credential.strip(), settings)


def _from_token(token: str, settings: Settings) -> Identity:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("token_expired", "The token has expired; sign in again.") from exc
    except jwt.InvalidTokenError as exc:
        raise UnauthorizedError("invalid_token", f"The token is not valid: {exc}.") from exc
    tenant_id, role = claims.get("tenant"), claims.get("role")
    if not isinstance(tenant_id, str) or not TENANT_PATTERN.match(tenant_id) or role not in ROLES:
        raise UnauthorizedError("invalid_token", "The token does not name a tenant and a role.")
    return Identity(tenant_id=tenant_id, subject=str(claims["sub"]), role=role, via="token")


def _from_api_key(key: str) -> Identity:
    parts = key.split("_")
    if len(parts) != 4 or parts[0] != API_KEY_PREFIX or not TENANT_PATTERN.match(parts[1]):
        raise UnauthorizedError("invalid_api_key", "The API key is not valid.")
    _, tenant_id, key_id, secret = parts
    try:
        record = get_api_key(tenant_id, key_id)
    except ItemNotFoundError as exc:
        raise UnauthorizedError("invalid_api_key", "The API key is not valid.") from exc
    if not hmac.compare_digest(record.secret_sha256, hash_secret(secret)) or record.role not in ROLES:
        raise UnauthorizedError("invalid_api_key", "The API key is not valid.")
    role: Role = ROLES[ROLES.index(record.role)]  # type: ignore[arg-type]
    return Identity(tenant_id=tenant_id, subject=f"api-key:{key_id}", role=role, via="api_key")
