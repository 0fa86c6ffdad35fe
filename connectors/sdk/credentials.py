"""Credentials by reference: the state machine carries a secret id, the function fetches it.

:class:`SecretsManagerCredentials` reads through Powertools parameters (``SecretsProvider``),
which caches each secret for ``max_age`` seconds per warm Lambda; writing back (an OAuth2
refresh) updates the secret and drops the cache. :class:`InMemoryCredentials` is the same
interface over a dict, for tests and scaffolds.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from connectors.sdk.errors import AuthError, UpstreamUnavailableError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

__all__ = ["CredentialSource", "InMemoryCredentials", "SecretsManagerCredentials", "parse_credential"]

M = TypeVar("M", bound=BaseModel)


class CredentialSource(Protocol):
    """Where credentials live: read by reference, written back after a refresh."""

    def get(self, ref: str) -> dict[str, Any]:
        """The secret's JSON object; raises :class:`AuthError` if there is none."""
        ...

    def put(self, ref: str, value: dict[str, Any]) -> None:
        """Replace the secret's value (used by OAuth2 refresh)."""
        ...


class SecretsManagerCredentials:
    """Secrets Manager through Powertools parameters, cached for ``max_age`` seconds.

    boto3 is imported on first use, not at import: most cold starts of a connector never pay for
    it until a credential is needed. ``AWS_ENDPOINT_URL`` points it at moto locally.

    Example:
        >>> source = SecretsManagerCredentials(max_age=300)
        >>> source.get("wfaib/tenant-1/slack-prod")  # doctest: +SKIP
        {'token': 'xoxb-...'}
    """

    def __init__(self, *, max_age: int = 300, client: Any = None) -> None:
        self.max_age = max_age
        self._client = client
        self._provider: SecretsProvider | None = None

    @property
    def provider(self) -> SecretsProvider:
        """The Powertools provider (created on first use)."""
        if self._provider is None:
            from aws_lambda_powertools.utilities.parameters import SecretsProvider

            self._provider = SecretsProvider(boto3_client=self._client)
        return self._provider

    def get(self, ref: str) -> dict[str, Any]:
        """Fetch (or reuse the cached) secret ``ref`` as a JSON object."""
        from aws_lambda_powertools.utilities.parameters.exceptions import (
            GetParameterError,
            TransformParameterError,
        )

        try:
            value = self.provider.get(ref, transform="json", max_age=self.max_age)
        except TransformParameterError:
            raise AuthError(f"credential {ref!r} is not a JSON object") from None
        except GetParameterError as exc:
            text = str(exc)
            if "ResourceNotFoundException" in text:
                raise AuthError(f"credential {ref!r} was not found") from None
            if "AccessDenied" in text or "DecryptionFailure" in text:
                raise AuthError(f"this function may not read credential {ref!r}") from None
            raise UpstreamUnavailableError(
                f"could not read credential {ref!r} from Secrets Manager"
            ) from None
        if not isinstance(value, dict):
            raise AuthError(f"credential {ref!r} is not a JSON object")
        return value

    def put(self, ref: str, value: dict[str, Any]) -> None:
        """Write ``value`` as the secret's new version and forget cached copies."""
        self.provider.client.put_secret_value(SecretId=ref, SecretString=json.dumps(value))
        self.provider.clear_cache()  # type: ignore[no-untyped-call]


class InMemoryCredentials:
    """Credentials in a dict (tests, scaffolds, the benchmark); records write-backs.

    Example:
        >>> source = InMemoryCredentials({"slack": {"token": "xoxb-1"}})
        >>> source.get("slack")
        {'token': 'xoxb-1'}
    """

    def __init__(self, secrets: dict[str, dict[str, Any]] | None = None) -> None:
        self.secrets: dict[str, dict[str, Any]] = dict(secrets or {})
        self.writes: list[tuple[str, dict[str, Any]]] = []

    def get(self, ref: str) -> dict[str, Any]:
        """The stored value; :class:`AuthError` when ``ref`` is unknown."""
        if ref not in self.secrets:
            raise AuthError(f"credential {ref!r} was not found")
        return dict(self.secrets[ref])

    def put(self, ref: str, value: dict[str, Any]) -> None:
        """Store ``value`` and record the write."""
        self.secrets[ref] = dict(value)
        self.writes.append((ref, dict(value)))


def parse_credential(ref: str, value: dict[str, Any], model: type[M]) -> M:
    """Validate a secret against the auth's credential model; errors name fields, never values.

    Example:
        >>> from connectors.sdk.auth import BearerCredential
        >>> parse_credential("c", {"tokn": "x"}, BearerCredential)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        connectors.sdk.errors.AuthError: credential 'c' does not fit bearer auth: token: Field required; ...
    """
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        )
        kind = model.__name__.removesuffix("Credential").lower()
        kind = {"apikey": "api_key", "awsiam": "aws_iam"}.get(kind, kind)
        raise AuthError(f"credential {ref!r} does not fit {kind} auth: {problems}") from None
