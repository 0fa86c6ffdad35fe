"""Who is calling: a Cognito token, a local signed token (HS256) or an API key; never the request body.

Three kinds of credentials, each from a trusted issuer the settings name:

* **Cognito** ID or access tokens (RS256), verified against the user pool's JWKS (keys cached):
  issuer, app client (``aud`` of an ID token, ``client_id`` of an access token), ``token_use``
  and expiry. The tenant is the ``custom:tenant`` claim; the role is the one the user's record in
  the platform table holds (``USER#<email>``), read on every request, so a role change or a
  removal takes effect on the caller's next request and not when the token expires. Cognito
  groups are not consulted: the platform's users API is the one place roles are managed.
* **Local tokens** (HS256, minted by ``wfaib token`` for ``make dev``), accepted only when
  ``Settings.local_tokens`` is on (the AWS deployment turns it off). Their ``role`` claim is the
  role; a token without one gets the role of the user's record, like a Cognito token.
* **API keys** (``wfk_<tenant>_<id>_<secret>``), with a role and optionally a scope: a subset of
  that role's permissions.

Built-in roles are ordered viewer < member < admin < owner; each grants the permissions of the one
before plus its own (SPEC §6). A custom role is a named set of permissions stored per tenant. Every
route asks for one permission with ``Identity.require``.

PyJWT (and the ``cryptography`` it loads for RS256) is imported only when a token is checked:
API-key calls and the cold start of the handler do not pay for it.

Example:
    >>> from functions.shared import Settings
    >>> settings = Settings(jwt_secret="s")
    >>> token = issue_token(settings, tenant_id="acme", subject="ada", role="viewer")
    >>> identity = authenticate({"Authorization": f"Bearer {token}"}, settings)
    >>> (identity.tenant_id, identity.can("workflow:read"), identity.can("workflow:update"))
    ('acme', True, False)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from functions.api.errors import ApiError, ForbiddenError, UnauthorizedError
from functions.shared import ItemNotFoundError, Settings
from functions.shared.store import get_api_key, get_role, get_user

if TYPE_CHECKING:
    from jwt import PyJWKClient

__all__ = [
    "ASSIGNABLE_PERMISSIONS",
    "PERMISSIONS",
    "ROLES",
    "ROLE_PERMISSIONS",
    "Identity",
    "IdentityProviderUnavailableError",
    "Role",
    "authenticate",
    "hash_secret",
    "issue_token",
    "new_api_key",
    "permissions_of",
    "role_at_most",
]

Role = Literal["viewer", "member", "admin", "owner"]
ROLES: tuple[Role, ...] = get_args(Role)
TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
API_KEY_PREFIX = "wfk"
JWKS_PATH = "/.well-known/jwks.json"

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
PERMISSIONS: tuple[str, ...] = tuple(sorted(_OWNER))
# What a custom role or a scoped key may hold: everything but the owner's own tenant settings.
ASSIGNABLE_PERMISSIONS: tuple[str, ...] = tuple(sorted(_ADMIN))


class IdentityProviderUnavailableError(ApiError):
    """The user pool's signing keys could not be fetched: a failure on our side, not the caller's."""

    status = 503


class Identity(BaseModel):
    """The caller of one request: tenant, who, the role they act in and what it permits."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str
    subject: str
    role: str
    permissions: tuple[str, ...]
    via: Literal["token", "cognito", "api_key"]

    def can(self, permission: str) -> bool:
        return permission in self.permissions

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


def permissions_of(tenant_id: str, role: str) -> frozenset[str]:
    """The permissions of a built-in role, or of the tenant's custom role (``ItemNotFoundError``)."""
    if role in ROLE_PERMISSIONS:
        return ROLE_PERMISSIONS[role]  # type: ignore[index]
    return frozenset(get_role(tenant_id, role).permissions) & frozenset(ASSIGNABLE_PERMISSIONS)


def issue_token(
    settings: Settings, *, tenant_id: str, subject: str, role: Role, ttl: timedelta = timedelta(hours=12)
) -> str:
    """A signed bearer token for ``subject`` in ``tenant_id`` (the local platform's sign-in)."""
    import jwt

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
    token = credential.strip()
    algorithm = _unverified_algorithm(token)
    if algorithm == "HS256" and settings.local_tokens:
        return _from_local_token(token, settings)
    if algorithm == "RS256" and (settings.user_pool_id or settings.cognito_issuer):
        return _from_cognito_token(token, settings)
    raise UnauthorizedError("invalid_token", "The token is not one this API accepts.")


def _unverified_algorithm(token: str) -> str | None:
    """The ``alg`` of a JWT's header, read without PyJWT to choose the issuer (verified after)."""
    header, _, rest = token.partition(".")
    if not rest:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, binascii.Error):
        return None
    algorithm = decoded.get("alg") if isinstance(decoded, dict) else None
    return algorithm if isinstance(algorithm, str) else None


def _from_local_token(token: str, settings: Settings) -> Identity:
    import jwt

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
    tenant_id, role, subject = claims.get("tenant"), claims.get("role"), str(claims["sub"])
    if not isinstance(tenant_id, str) or not TENANT_PATTERN.match(tenant_id):
        raise UnauthorizedError("invalid_token", "The token does not name a tenant and a role.")
    if role is None:
        return _member(tenant_id, subject, via="token")
    if role not in ROLES:
        raise UnauthorizedError("invalid_token", "The token does not name a tenant and a role.")
    return Identity(
        tenant_id=tenant_id,
        subject=subject,
        role=role,
        permissions=tuple(sorted(ROLE_PERMISSIONS[role])),
        via="token",
    )


def _from_cognito_token(token: str, settings: Settings) -> Identity:
    import jwt

    issuer = settings.cognito_issuer or _pool_issuer(settings.user_pool_id)
    try:
        signing_key = _jwks_client(issuer + JWKS_PATH).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key.key,
            algorithms=["RS256"],
            issuer=issuer,
            options={"require": ["exp", "iss", "sub", "token_use"], "verify_aud": False},
        )
    except jwt.PyJWKClientConnectionError as exc:
        raise IdentityProviderUnavailableError(
            "identity_provider_unavailable", "The user pool's signing keys could not be fetched; try again."
        ) from exc
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("token_expired", "The token has expired; sign in again.") from exc
    except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
        raise UnauthorizedError("invalid_token", f"The token is not valid: {exc}.") from exc
    _check_client(claims, _allowed_clients(settings))
    tenant_id = claims.get(settings.cognito_tenant_claim)
    if not isinstance(tenant_id, str) or not TENANT_PATTERN.match(tenant_id):
        raise UnauthorizedError(
            "invalid_token",
            f"The token has no '{settings.cognito_tenant_claim}' claim naming a tenant.",
            {"claim": settings.cognito_tenant_claim},
        )
    email = claims.get("email") or claims.get("username")
    if not isinstance(email, str) or not email:
        raise UnauthorizedError(
            "invalid_token", "The token names no user (no 'email' claim).", {"claim": "email"}
        )
    return _member(tenant_id, email.lower(), via="cognito")


def _check_client(claims: Mapping[str, Any], allowed: Collection[str]) -> None:
    """An ID token's ``aud`` or an access token's ``client_id`` must be one of our app clients."""
    token_use = claims.get("token_use")
    if token_use == "id":
        audience = claims.get("aud")
        client = audience if isinstance(audience, str) else None
    elif token_use == "access":
        client = claims.get("client_id")
    else:
        raise UnauthorizedError(
            "invalid_token", "The token is neither a Cognito ID token nor an access token."
        )
    if client not in allowed:
        raise UnauthorizedError(
            "invalid_token",
            "The token was issued to an app client this API does not accept.",
            {"client": client},
        )


def _member(tenant_id: str, subject: str, *, via: Literal["token", "cognito"]) -> Identity:
    """The identity of a signed-in user: the role their record in the tenant holds now."""
    try:
        record = get_user(tenant_id, subject)
        permissions = permissions_of(tenant_id, record.role)
    except ItemNotFoundError as exc:
        raise ForbiddenError(
            "not_a_member",
            f"'{subject}' is not a user of tenant '{tenant_id}'; ask an admin to add you.",
            {"tenant": tenant_id, "user": subject},
        ) from exc
    return Identity(
        tenant_id=tenant_id,
        subject=subject,
        role=record.role,
        permissions=tuple(sorted(permissions)),
        via=via,
    )


def _pool_issuer(user_pool_id: str) -> str:
    region = user_pool_id.partition("_")[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


@cache
def _jwks_client(url: str) -> PyJWKClient:
    """One JWKS client per URL for the life of the process: keys are fetched once and cached.

    A token naming a key the cached set lacks (the pool rotated its keys) refetches the set at most
    once a minute, so tokens with made-up key ids cannot make every request fetch it.
    """
    from jwt import PyJWKClient

    return PyJWKClient(
        url, cache_keys=True, max_cached_keys=16, lifespan=3600, timeout=5, cooldown_duration=60
    )


def _allowed_clients(settings: Settings) -> frozenset[str]:
    """The app clients named in the settings, plus those in the SSM parameter (read once, cached)."""
    if not settings.cognito_client_id_parameter:
        return frozenset(settings.cognito_client_ids)
    return frozenset(settings.cognito_client_ids) | _clients_from_parameter(
        settings.cognito_client_id_parameter
    )


@cache
def _clients_from_parameter(name: str) -> frozenset[str]:
    # The editor's app client is created by the web stack, after the API: the stack writes its id
    # to an SSM parameter rather than into the API function's environment (a stack cycle).
    from aws_lambda_powertools.utilities.parameters import get_parameter

    try:
        value = str(get_parameter(name))
    except Exception as exc:  # any failure to read it is the same outage to a caller (not cached)
        raise IdentityProviderUnavailableError(
            "identity_provider_unavailable", "The accepted app clients could not be read; try again."
        ) from exc
    return frozenset(client.strip() for client in value.split(",") if client.strip())


def _from_api_key(key: str) -> Identity:
    parts = key.split("_")
    if len(parts) != 4 or parts[0] != API_KEY_PREFIX or not TENANT_PATTERN.match(parts[1]):
        raise UnauthorizedError("invalid_api_key", "The API key is not valid.")
    _, tenant_id, key_id, secret = parts
    try:
        record = get_api_key(tenant_id, key_id)
    except ItemNotFoundError as exc:
        raise UnauthorizedError("invalid_api_key", "The API key is not valid.") from exc
    if not hmac.compare_digest(record.secret_sha256, hash_secret(secret)):
        raise UnauthorizedError("invalid_api_key", "The API key is not valid.")
    try:
        permissions = permissions_of(tenant_id, record.role)
    except ItemNotFoundError as exc:
        raise UnauthorizedError("invalid_api_key", "The API key's role no longer exists.") from exc
    if record.permissions is not None:
        permissions &= frozenset(record.permissions)
    return Identity(
        tenant_id=tenant_id,
        subject=f"api-key:{key_id}",
        role=record.role,
        permissions=tuple(sorted(permissions)),
        via="api_key",
    )
