"""The connector SDK: declare a connector, its auth and its versioned actions; the SDK does the rest.

Example:
    >>> from connectors.sdk import ActionContext, ActionInput, ActionOutput, BearerAuth, Connector
    >>> DEMO = Connector("demo", "Demo", version="1.0.0", auth=BearerAuth(), base_url="https://api.demo.test")
    >>> class PingInput(ActionInput):
    ...     message: str
    >>> class PingOutput(ActionOutput):
    ...     echo: str
    >>> @DEMO.action("ping", version=1)
    ... def ping(params: PingInput, ctx: ActionContext) -> PingOutput:
    ...     return PingOutput.model_validate(ctx.http.post("/ping", json=params.model_dump()).json())
    >>> DEMO.get_action("ping", 1).id
    'demo.ping'

See ``docs/connectors.md`` for the guide.
"""

from connectors.sdk.auth import (
    ApiKeyAuth,
    ApiKeyCredential,
    AuthSpec,
    AwsIamAuth,
    AwsIamCredential,
    BasicAuth,
    BasicCredential,
    BearerAuth,
    BearerCredential,
    Credential,
    NoAuth,
    OAuth2Auth,
    OAuth2Credential,
)
from connectors.sdk.claim_check import ClaimCheckRef, ClaimCheckStore
from connectors.sdk.connector import (
    ActionInput,
    ActionOutput,
    ActionSpec,
    Connector,
    HttpRequest,
    PollResult,
    TriggerSpec,
    WebhookRequest,
)
from connectors.sdk.context import ActionContext
from connectors.sdk.errors import (
    RETRYABLE_ERRORS,
    AuthError,
    BlockedError,
    ConflictError,
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    NotFoundError,
    PausedError,
    PayloadTooLargeError,
    RateLimitedError,
    RetryableError,
    UnknownActionError,
    UpstreamUnavailableError,
)

__all__ = [
    "RETRYABLE_ERRORS",
    "ActionContext",
    "ActionInput",
    "ActionOutput",
    "ActionSpec",
    "ApiKeyAuth",
    "ApiKeyCredential",
    "AuthError",
    "AuthSpec",
    "AwsIamAuth",
    "AwsIamCredential",
    "BasicAuth",
    "BasicCredential",
    "BearerAuth",
    "BearerCredential",
    "BlockedError",
    "ClaimCheckRef",
    "ClaimCheckStore",
    "ConflictError",
    "Connector",
    "ConnectorError",
    "ConnectorTimeoutError",
    "Credential",
    "HttpRequest",
    "InvalidInputError",
    "NoAuth",
    "NotFoundError",
    "OAuth2Auth",
    "OAuth2Credential",
    "PausedError",
    "PayloadTooLargeError",
    "PollResult",
    "RateLimitedError",
    "RetryableError",
    "TriggerSpec",
    "UnknownActionError",
    "UpstreamUnavailableError",
    "WebhookRequest",
]
