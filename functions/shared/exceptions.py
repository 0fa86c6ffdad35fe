"""Errors of the data-access layer; the API maps each to one HTTP answer in one place.

StoreError                  the table could not be read or written (a failure, 503)
├── ItemNotFoundError       the item does not exist for this tenant (404)
├── InvalidCursorError      a pagination cursor this API did not hand out (400)
└── VersionConflictError    a conditional write lost against a newer version (409)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "InvalidCursorError",
    "ItemExistsError",
    "ItemNotFoundError",
    "RunRefusedError",
    "StoreError",
    "VersionConflictError",
]


class StoreError(Exception):
    """Reading or writing the table failed; the message says what was being done."""


class ItemNotFoundError(StoreError):
    """The requested item does not exist (or belongs to another tenant, which is the same to a caller)."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__(f"{kind} '{item_id}' was not found.")
        self.kind = kind
        self.item_id = item_id


class VersionConflictError(StoreError):
    """Someone saved first: ``current`` describes what is stored now, so the caller can merge."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current


class InvalidCursorError(StoreError):
    """A pagination cursor that is malformed or belongs to another tenant or listing."""


class ItemExistsError(StoreError):
    """An item with the requested id already exists for this tenant."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__(f"{kind} '{item_id}' already exists.")
        self.kind = kind
        self.item_id = item_id


class RunRefusedError(Exception):
    """A run was not started; ``code`` and ``details`` say why (the API answers 409)."""

    def __init__(
        self,
        code: str,
        message: str,
        details: dict[str, Any],
        *,
        status: int = 409,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.details = details
        self.status = status
        self.retry_after = retry_after
