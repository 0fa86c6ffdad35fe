"""How a connector authenticates: one declaration per connector, one credential per user.

A connector declares its auth once (``auth=BearerAuth()``); the user's credential is a JSON
secret in Secrets Manager whose shape is the auth's ``credential_model``. Every credential may
also carry ``base_url`` (a self-hosted or enterprise endpoint, or a local fake in tests).

| auth            | secret JSON                                                            |
|-----------------|------------------------------------------------------------------------|
| ``none``        | (no credential)                                                        |
| ``api_key``     | ``{"api_key": "..."}``                                                 |
| ``basic``       | ``{"username": "...", "password": "..."}``                             |
| ``bearer``      | ``{"token": "..."}``                                                   |
| ``oauth2``      | ``{"access_token", "refresh_token", "expires_at", "client_id", "client_secret"}`` |
| ``aws_iam``     | ``{}`` (the function's role) or ``{"role_arn": "...", "region": "..."}`` |

The values are :class:`~pydantic.SecretStr`: they print as ``**********`` and never reach logs,
state or errors.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = [
    "ApiKeyAuth",
    "ApiKeyCredential",
    "AuthSpec",
    "AwsIamAuth",
    "AwsIamCredential",
    "BasicAuth",
    "BasicCredential",
    "BearerAuth",
    "BearerCredential",
    "Credential",
    "NoAuth",
    "OAuth2Auth",
    "OAuth2Credential",
    "credential_to_secret",
    "secret_values",
]


class Credential(BaseModel):
    """Base of every credential model: frozen, no unknown keys, an optional ``base_url``.

    Example:
        >>> BearerCredential(token="xoxb-1").token
        SecretStr('**********')
    """

    # defer_build: validators are built on first use, so a cold start pays only for the one
    # credential model its connector uses.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    base_url: Annotated[
        str | None, Field(description="Override the provider's API root (self-hosted, enterprise, fakes).")
    ] = None


class ApiKeyCredential(Credential):
    """An API key (``{"api_key": "..."}``).

    Example:
        >>> ApiKeyCredential(api_key="SG.abc").api_key.get_secret_value()
        'SG.abc'
    """

    api_key: SecretStr


class BasicCredential(Credential):
    """A user name and password for HTTP Basic auth.

    Example:
        >>> BasicCredential(username="ada", password="pw").username
        'ada'
    """

    username: str
    password: SecretStr


class BearerCredential(Credential):
    """A static bearer token (``{"token": "..."}``).

    Example:
        >>> BearerCredential(token="ghp_x").token
        SecretStr('**********')
    """

    token: SecretStr


class OAuth2Credential(Credential):
    """An OAuth2 token set; refreshed by the SDK and written back to its secret.

    ``expires_at`` is a Unix time in seconds. ``client_id``/``client_secret`` are the app's
    registration, needed to refresh.

    Example:
        >>> OAuth2Credential(access_token="a", refresh_token="r", expires_at=0).expires_at
        0.0
    """

    access_token: SecretStr
    refresh_token: SecretStr | None = None
    expires_at: float | None = None
    token_type: str = "Bearer"
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scope: str | None = None


class AwsIamCredential(Credential):
    """AWS IAM: the function's own role, or a role to assume (cross-account).

    Example:
        >>> AwsIamCredential(region="eu-west-1").role_arn is None
        True
    """

    role_arn: str | None = None
    external_id: SecretStr | None = None
    region: str | None = None


CredentialModel = type[Credential] | None


class _AuthBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    credential_model: ClassVar[CredentialModel] = None


class NoAuth(_AuthBase):
    """The connector needs no credential.

    Example:
        >>> NoAuth().type
        'none'
    """

    type: Literal["none"] = "none"


class ApiKeyAuth(_AuthBase):
    """An API key sent in a header (default) or a query parameter.

    Example:
        >>> ApiKeyAuth(header="X-Api-Key").header
        'X-Api-Key'
    """

    type: Literal["api_key"] = "api_key"
    header: str | None = "X-API-Key"
    prefix: Annotated[str, Field(description="Put before the key, e.g. 'Bearer ' or 'Token '.")] = ""
    query_param: Annotated[str | None, Field(description="Send as this query parameter instead.")] = None
    credential_model: ClassVar[CredentialModel] = ApiKeyCredential


class BasicAuth(_AuthBase):
    """HTTP Basic auth with a user name and password.

    Example:
        >>> BasicAuth().type
        'basic'
    """

    type: Literal["basic"] = "basic"
    credential_model: ClassVar[CredentialModel] = BasicCredential


class BearerAuth(_AuthBase):
    """A static token in ``Authorization: Bearer <token>`` (header and scheme configurable).

    Example:
        >>> BearerAuth(scheme="token").scheme
        'token'
    """

    type: Literal["bearer"] = "bearer"
    header: str = "Authorization"
    scheme: str = "Bearer"
    credential_model: ClassVar[CredentialModel] = BearerCredential


class OAuth2Auth(_AuthBase):
    """OAuth2 authorization code with refresh.

    The access token is refreshed when it expires within ``refresh_margin`` seconds or when the
    provider answers 401; the new token set is written back to the same secret, so the next
    invocation (and every other Lambda) uses it.

    Example:
        >>> OAuth2Auth(token_url="https://oauth2.example.com/token", scopes=["read"]).type
        'oauth2'
    """

    type: Literal["oauth2"] = "oauth2"
    authorize_url: str | None = None
    token_url: str
    scopes: list[str] = []
    client_auth: Annotated[
        Literal["body", "basic"], Field(description="Send client id/secret in the form body or Basic auth.")
    ] = "body"
    refresh_margin: float = 60.0
    credential_model: ClassVar[CredentialModel] = OAuth2Credential


class AwsIamAuth(_AuthBase):
    """AWS IAM (SigV4) for AWS APIs or IAM-protected endpoints, e.g. API Gateway.

    Example:
        >>> AwsIamAuth(service="execute-api").service
        'execute-api'
    """

    type: Literal["aws_iam"] = "aws_iam"
    service: str
    credential_model: ClassVar[CredentialModel] = AwsIamCredential


AuthSpec = Annotated[
    NoAuth | ApiKeyAuth | BasicAuth | BearerAuth | OAuth2Auth | AwsIamAuth, Field(discriminator="type")
]
"""Any auth declaration, discriminated on ``type``."""


def secret_values(credential: BaseModel | None) -> list[str]:
    """Every secret string in ``credential``, for redaction.

    Example:
        >>> secret_values(BasicCredential(username="ada", password="hunter22"))
        ['hunter22']
    """
    if credential is None:
        return []
    found: list[str] = []
    for name in type(credential).model_fields:
        value: Any = getattr(credential, name)
        if isinstance(value, SecretStr):
            found.append(value.get_secret_value())
    return found


def credential_to_secret(credential: Credential) -> dict[str, Any]:
    """The secret JSON for ``credential`` (secrets unwrapped, unset fields left out).

    Example:
        >>> credential_to_secret(BearerCredential(token="t0k3n"))
        {'token': 't0k3n'}
    """
    return {
        name: value.get_secret_value() if isinstance(value, SecretStr) else value
        for name, value in credential
        if value is not None
    }
