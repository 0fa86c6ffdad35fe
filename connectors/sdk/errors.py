"""Exceptions raised by connector actions. Their class names are a contract.

A failed Lambda task reaches Step Functions as the exception's *class name* (the Lambda runtime's
``errorType``), and the compiler writes those names into ``Retry`` and ``Catch`` ``ErrorEquals``.
Renaming or re-parenting a class here is a breaking change for every published workflow.

    ConnectorError                  permanent: retrying the same call will not help
     ├── AuthError                  credential missing, malformed, expired or refused (401/403)
     ├── InvalidInputError          params fail the input model, or the provider rejects them (400/422)
     ├── NotFoundError              the provider says the object does not exist (404/410)
     ├── ConflictError              the provider refuses because of the object's state (409)
     ├── UnknownActionError         the event names an action or version the connector lacks
     ├── PayloadTooLargeError       an output over the claim-check threshold and no bucket to put it
     ├── BlockedError               a kill switch (control flag ``block``) refuses the call
     └── RetryableError             transient: the default ``Retry`` of every task retries these
          ├── RateLimitedError      429 or a provider rate limit; ``retry_after`` in seconds
          ├── UpstreamUnavailableError  5xx, connection refused or reset
          ├── ConnectorTimeoutError connect or read timeout (not named TimeoutError: no shadowing)
          └── PausedError           a kill switch (control flag ``pause``) holds the call; retried

Step Functions matches ``ErrorEquals`` by exact name, not by class hierarchy, so
:data:`RETRYABLE_ERRORS` lists the transient base *and* each subclass.

Messages are shown to users in the run timeline: they must never contain a secret. The runtime
redacts known credential values from every message as a second line of defence.
"""

from __future__ import annotations

__all__ = [
    "ERROR_NAMES",
    "RETRYABLE_ERRORS",
    "AuthError",
    "BlockedError",
    "ConflictError",
    "ConnectorError",
    "ConnectorTimeoutError",
    "InvalidInputError",
    "NotFoundError",
    "PausedError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "RetryableError",
    "UnknownActionError",
    "UpstreamUnavailableError",
]


class ConnectorError(Exception):
    """Base of every connector failure; permanent unless it is a :class:`RetryableError`.

    ``status_code`` is the provider's HTTP status when there was one; ``code`` is the stable name
    Step Functions sees.

    Example:
        >>> raise ConnectorError("channel_not_found")
        Traceback (most recent call last):
        ...
        connectors.sdk.errors.ConnectorError: channel_not_found
    """

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code

    @property
    def code(self) -> str:
        """The error name Step Functions sees, e.g. ``RateLimitedError``."""
        return type(self).__name__

    def __str__(self) -> str:
        return self.message


class AuthError(ConnectorError):
    """The credential is missing, malformed, expired or refused by the provider.

    Example:
        >>> AuthError("Slack refused the credential (invalid_auth)").code
        'AuthError'
    """


class InvalidInputError(ConnectorError):
    """The params are invalid; the message names the field.

    Example:
        >>> str(InvalidInputError("params.channel: Field required"))
        'params.channel: Field required'
    """


class NotFoundError(ConnectorError):
    """The provider says the object does not exist.

    Example:
        >>> NotFoundError("issue 42 not found", status_code=404).status_code
        404
    """


class ConflictError(ConnectorError):
    """The provider refuses the call because of the object's current state (HTTP 409).

    Example:
        >>> ConflictError("branch already exists", status_code=409).code
        'ConflictError'
    """


class UnknownActionError(ConnectorError):
    """The event names an action or an action version this connector does not declare.

    Example:
        >>> UnknownActionError("slack.post_message v9 is not declared").code
        'UnknownActionError'
    """


class PayloadTooLargeError(ConnectorError):
    """An output is over the claim-check threshold and no claim-check bucket is configured.

    Example:
        >>> PayloadTooLargeError("output is 900000 bytes").code
        'PayloadTooLargeError'
    """


class BlockedError(ConnectorError):
    """A control flag blocks this call (global, tenant, workflow or connector kill switch).

    Permanent: the run fails (or takes its error branch) instead of reaching the provider. The
    message names the scope, the reason and who set the flag.

    Example:
        >>> BlockedError("connector 'slack' is blocked: incident 42 (set by ops@example.com)").code
        'BlockedError'
    """


class RetryableError(ConnectorError):
    """A transient failure: the same call may succeed later.

    ``retry_after`` (seconds) is the provider's hint, when it gave one.

    Example:
        >>> RetryableError("try again", retry_after=2.0).retry_after
        2.0
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after


class RateLimitedError(RetryableError):
    """The provider rate-limited the call (HTTP 429 or a provider-specific signal).

    Example:
        >>> RateLimitedError("rate limited", status_code=429, retry_after=30.0).retry_after
        30.0
    """


class UpstreamUnavailableError(RetryableError):
    """The provider failed (HTTP 5xx) or could not be reached.

    Example:
        >>> UpstreamUnavailableError("HTTP 503", status_code=503).code
        'UpstreamUnavailableError'
    """


class ConnectorTimeoutError(RetryableError):
    """Connecting to or reading from the provider timed out.

    Example:
        >>> ConnectorTimeoutError("read timeout after 30 s").code
        'ConnectorTimeoutError'
    """


class PausedError(RetryableError):
    """A control flag pauses this call; the task's ``Retry`` tries again, so the run continues
    once the pause is lifted (or expires) within the retry budget. ``retry_after`` is the seconds
    until the flag's ``until`` when it has one.

    Example:
        >>> PausedError("tenant is paused: maintenance", retry_after=60.0).retry_after
        60.0
    """


RETRYABLE_ERRORS: tuple[str, ...] = (
    "RetryableError",
    "RateLimitedError",
    "UpstreamUnavailableError",
    "ConnectorTimeoutError",
    "PausedError",
)
"""Error names for the compiler's default ``Retry`` (Step Functions matches names exactly)."""

ERROR_NAMES: tuple[str, ...] = (
    "ConnectorError",
    "AuthError",
    "InvalidInputError",
    "NotFoundError",
    "ConflictError",
    "UnknownActionError",
    "PayloadTooLargeError",
    "BlockedError",
    *RETRYABLE_ERRORS,
)
"""Every error name a connector task can fail with (besides Lambda's own ``Lambda.*`` errors)."""
