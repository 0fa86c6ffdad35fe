"""The shared pieces of the store modules: records, pages, cursors, and the failure wrapper."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from functions.shared import keys
from functions.shared.exceptions import InvalidCursorError, StoreError

__all__ = [
    "CURSOR",
    "Page",
    "Record",
    "cancelled_by_condition",
    "decode_cursor",
    "encode_cursor",
    "utc_now",
    "wrapped",
]

T = TypeVar("T")
# A cursor is a LastEvaluatedKey of this table: string key attributes only.
CURSOR = TypeAdapter(dict[Literal["pk", "sk", "gsi1pk", "gsi1sk"], dict[Literal["S"], str]])


class Record(BaseModel):
    """Base of the records the store returns: immutable values, no pynamodb in sight."""

    model_config = ConfigDict(frozen=True)


class Page(Record, Generic[T]):
    """One page of a listing; pass ``next_cursor`` back to get the next."""

    items: list[T]
    next_cursor: str | None = None


@contextmanager
def wrapped(doing: str) -> Iterator[None]:
    """Turn any pynamodb failure inside the block into ``StoreError`` saying what was being done."""
    try:
        yield
    except PynamoDBException as exc:
        raise StoreError(f"Could not {doing}: {exc.msg}") from exc


def utc_now() -> datetime:
    return datetime.now(UTC)


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode()


def decode_cursor(tenant_id: str, cursor: str | None) -> dict[str, Any] | None:
    """The query position in ``cursor``; one that is malformed or from another tenant is refused."""
    if not cursor:
        return None
    try:
        decoded = CURSOR.validate_json(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error) as exc:  # pydantic's ValidationError is a ValueError
        raise InvalidCursorError("The cursor is not one this API returned.") from exc
    if decoded.get("pk", {}).get("S") != keys.tenant_pk(tenant_id):
        raise InvalidCursorError("The cursor is not one this API returned.")
    return {str(name): value for name, value in decoded.items()}


def cancelled_by_condition(exc: TransactWriteError) -> bool:
    return any(
        reason is not None and reason.code == "ConditionalCheckFailed" for reason in exc.cancellation_reasons
    )
