"""Errors a route raises on purpose; ``app.py`` turns each into ``{"error": {code, message, details}}``.

ApiError                    status + machine-readable code + a sentence for people
├── BadRequestError         400 the request cannot be understood
├── UnauthorizedError       401 no or bad credentials
├── ForbiddenError          403 the role lacks the permission
├── NotFoundError           404
├── ConflictError           409 the resource is not in a state that allows this
├── GoneError               410 it existed, but is no longer usable (an expired link)
└── UnprocessableError      422 understood, but the content is invalid (e.g. a workflow)
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ApiError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "GoneError",
    "NotFoundError",
    "NotImplementedYetError",
    "UnauthorizedError",
    "UnprocessableError",
]


class ApiError(Exception):
    """An error with its HTTP status, a stable ``code`` clients can switch on, and ``details``."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


class BadRequestError(ApiError):
    status = 400


class UnauthorizedError(ApiError):
    status = 401


class ForbiddenError(ApiError):
    status = 403


class NotFoundError(ApiError):
    status = 404


class ConflictError(ApiError):
    status = 409


class GoneError(ApiError):
    status = 410


class UnprocessableError(ApiError):
    status = 422


class NotImplementedYetError(ApiError):
    """A feature this deployment is not configured for."""

    status = 501
