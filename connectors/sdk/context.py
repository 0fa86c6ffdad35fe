"""What an action receives besides its params: :class:`ActionContext` (``ctx``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from connectors.sdk.auth import AwsIamAuth, Credential, NoAuth, credential_to_secret, secret_values
from connectors.sdk.claim_check import ClaimCheckStore
from connectors.sdk.control_flags import ControlFlags
from connectors.sdk.credentials import CredentialSource, InMemoryCredentials, parse_credential
from connectors.sdk.errors import AuthError
from connectors.sdk.redaction import Redactor
from connectors.sdk.usage import UsageMeter, provider_of

if TYPE_CHECKING:
    import logging

    import httpx
    from aws_lambda_powertools import Logger

    from connectors.sdk.connector import Connector

__all__ = ["ActionContext", "Services"]

C = TypeVar("C", bound=Credential)


@dataclass
class Services:
    """What the runtime wires into every context; tests swap parts (transport, sleep, clock).

    Example:
        >>> services = Services(base_url="http://127.0.0.1:8080")
        >>> services.claim_check.bucket is None
        True
    """

    credentials: CredentialSource = field(default_factory=InMemoryCredentials)
    claim_check: ClaimCheckStore = field(default_factory=lambda: ClaimCheckStore(None))
    control_flags: ControlFlags = field(default_factory=lambda: ControlFlags(None))
    """The kill switches checked before every call (none configured by default: unit tests)."""
    usage: UsageMeter = field(default_factory=lambda: UsageMeter(None))
    """Where token usage per tenant is added up (none configured by default: unit tests)."""
    redactor: Redactor = field(default_factory=Redactor)
    transport: Any = None
    """An ``httpx.BaseTransport`` to send through (``httpx.MockTransport`` in unit tests)."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    base_url: str | None = None
    """Overrides every base URL (the connector's and the credential's): local fakes."""
    tracing: bool = False


class ActionContext:
    """The credential, an HTTP client, the idempotency key, a logger and claim-check storage.

    The credential is fetched by reference on first use (cached per warm function); ``http`` is
    an ``httpx.Client`` already pointed at the provider, authenticated, with timeouts, retries
    on 429/5xx honouring ``Retry-After``, provider errors mapped to SDK errors, and tracing.

    Example:
        >>> @SLACK.action("post_message", version=1, side_effect=True)  # doctest: +SKIP
        ... def post_message(params: PostMessageInput, ctx: ActionContext) -> PostMessageOutput:
        ...     ctx.logger.info("posting", extra={"channel": params.channel})
        ...     body = ctx.http.post("/chat.postMessage", json=params.model_dump()).json()
        ...     return PostMessageOutput.model_validate(body)
    """

    def __init__(
        self,
        *,
        connector: Connector,
        action_id: str,
        version: int,
        side_effect: bool,
        execution_id: str,
        node_id: str,
        idempotency_key: str,
        credential_ref: str | None,
        services: Services,
        logger: Logger | logging.Logger,
        tenant_id: str = "",
    ) -> None:
        self.connector = connector
        self.action_id = action_id
        self.version = version
        self.side_effect = side_effect
        self.execution_id = execution_id
        self.node_id = node_id
        self.tenant_id = tenant_id
        """The tenant the run belongs to (empty for local runs), e.g. to attribute usage."""
        self.idempotency_key = idempotency_key
        """Stable across retries of this node in this execution: pass it to the provider."""
        self.credential_ref = credential_ref
        self.logger = logger
        """A Powertools logger whose records are redacted of every known secret."""
        self.services = services
        self._credential: Credential | None = None
        self._credential_loaded = False
        self._http: httpx.Client | None = None

    @property
    def claim_check(self) -> ClaimCheckStore:
        """Claim-check storage: ``put`` a large value, ``resolve`` references."""
        return self.services.claim_check

    @property
    def credential(self) -> Credential | None:
        """The user's credential (a model with ``SecretStr`` values), fetched on first use."""
        if not self._credential_loaded:
            self._credential = self._load_credential()
            self._credential_loaded = True
        return self._credential

    def _load_credential(self) -> Credential | None:
        auth = self.connector.auth
        if isinstance(auth, NoAuth):
            return None
        model = self.connector.credential_model
        if self.credential_ref is None or model is None:
            if isinstance(auth, AwsIamAuth):
                return None
            raise AuthError(f"{self.connector.name} needs a credential ({auth.type}) and the node has none")
        credential = parse_credential(
            self.credential_ref, self.services.credentials.get(self.credential_ref), model
        )
        self.services.redactor.add(secret_values(credential))
        return credential

    def secret(self, model: type[C]) -> C | None:
        """The node's credential parsed as ``model``, for connectors whose auth varies per node
        (the generic HTTP connector); None when the node has no credential.

        Example:
            >>> ctx.secret(BearerCredential).token  # doctest: +SKIP
            SecretStr('**********')
        """
        if self.credential_ref is None:
            return None
        credential = parse_credential(
            self.credential_ref, self.services.credentials.get(self.credential_ref), model
        )
        self.services.redactor.add(secret_values(credential))
        return credential

    def _store_refreshed(self, credential: Credential) -> None:
        self.services.redactor.add(secret_values(credential))
        self._credential = credential
        if self.credential_ref is not None:
            self.services.credentials.put(self.credential_ref, credential_to_secret(credential))
            self.logger.info("refreshed OAuth2 token written back", extra={"credential": self.credential_ref})

    @property
    def base_url(self) -> str:
        """Where requests with a relative URL go."""
        credential = self.credential
        return (
            self.services.base_url
            or (credential.base_url if credential else None)
            or self.connector.base_url
            or ""
        )

    @property
    def http(self) -> httpx.Client:
        """The provider's HTTP client (built on first use; closed after the action)."""
        if self._http is None:
            from connectors.sdk.http import build_client

            self._http = build_client(self)
        return self._http

    def record_usage(
        self, model: str, *, tokens_in: int, tokens_out: int, provider: str | None = None
    ) -> bool:
        """Add one call's tokens to the tenant's usage (``GET /usage``); whether it was stored.

        The provider defaults to the one the base URL names (:func:`connectors.sdk.usage.provider_of`).
        Never raises: the provider's answer is already paid for.

        Example:
            >>> ctx.record_usage("gpt-4o-mini", tokens_in=12, tokens_out=3)  # doctest: +SKIP
            True
        """
        return self.services.usage.add(
            self.tenant_id,
            provider=provider or provider_of(self.base_url),
            model=model,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            logger=self.logger,
        )

    def close(self) -> None:
        """Release the HTTP client."""
        if self._http is not None:
            self._http.close()
            self._http = None
