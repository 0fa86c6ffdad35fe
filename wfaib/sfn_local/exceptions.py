"""Errors of the local Step Functions API, named and shaped exactly as AWS sends them.

Every error travels as HTTP 400 with ``{"__type": "<namespace>#<Name>", "message": "..."}``;
SDKs keep what follows ``#`` as the error code, so ``botocore`` raises
``client.exceptions.StateMachineDoesNotExist`` for ours as it does for AWS's.

    SfnApiError                       (com.amazonaws.swf.service.v2.model#<Name>)
    ├── ValidationError               (com.amazon.coral.validate#ValidationException)
    ├── SerializationError            (a body that is not a JSON object)
    └── UnknownOperationError         (an X-Amz-Target we do not serve)
"""

from __future__ import annotations

__all__ = [
    "SERVICE_NAMESPACE",
    "SerializationError",
    "SfnApiError",
    "UnknownOperationError",
    "ValidationError",
]

SERVICE_NAMESPACE = "com.amazonaws.swf.service.v2.model"


class SfnApiError(Exception):
    """An error of the Step Functions API, e.g. ``StateMachineDoesNotExist``.

    Example:
        >>> raise SfnApiError("StateMachineDoesNotExist", "State Machine Does Not Exist: 'arn:...'")
    """

    namespace = SERVICE_NAMESPACE
    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def type(self) -> str:
        """The ``__type`` of the error body."""
        return f"{self.namespace}#{self.code}"


class ValidationError(SfnApiError):
    """A request that breaks the API's model constraints (missing member, bad enum, range)."""

    namespace = "com.amazon.coral.validate"

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class SerializationError(SfnApiError):
    """A request body that is not a JSON object."""

    namespace = "com.amazon.coral.service"

    def __init__(self, message: str) -> None:
        super().__init__("SerializationException", message)


class UnknownOperationError(SfnApiError):
    """An ``X-Amz-Target`` naming an operation this server does not implement."""

    namespace = "com.amazon.coral.service"

    def __init__(self, target: str) -> None:
        super().__init__("UnknownOperationException", f"Unknown operation: {target!r}")
