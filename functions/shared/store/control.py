"""Control flags (kill switches), quotas and usage counters.

Flags live under the tenant they apply to; the one global flag (``global/*``, every tenant) lives
under the reserved tenant ``*`` (``TENANT#*``), which no tenant id can be, so every key still
starts with a tenant. Connector functions read the same keys (``connectors/sdk/control_flags.py``).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError, UpdateError

from functions.shared import keys
from functions.shared.exceptions import ItemNotFoundError, StoreError
from functions.shared.models import ControlItem, UsageItem
from functions.shared.store._base import Record, utc_now, wrapped

__all__ = [
    "GLOBAL_TENANT",
    "ControlRecord",
    "FlagRecord",
    "Slot",
    "delete_flag",
    "flag_record",
    "get_controls",
    "get_global_flags",
    "put_flag",
    "put_quota",
    "take_slot",
]

GLOBAL_TENANT = "*"
"""The reserved tenant the global flag is stored under (tenant ids are ``[a-z0-9][a-z0-9-]*``)."""


class FlagRecord(Record):
    """A control flag: ``action`` (pause | block | rate_limit) on ``scope`` (global | tenant | workflow |
    connector) ``target``; a ``rate_limit`` flag allows ``limit_per_minute`` starts per minute."""

    scope: str
    target: str
    action: str
    reason: str
    set_by: str
    set_at: datetime
    until: datetime | None = None
    limit_per_minute: int | None = None

    def active(self, now: datetime) -> bool:
        return self.until is None or self.until > now


class ControlRecord(Record):
    """Everything checked before a start, read in one query: the flags and the quota settings."""

    flags: list[FlagRecord]
    runs_per_minute: int | None = None


class Slot(Record):
    """One use to count in a fixed one-minute window of a counter under ``tenant_id``, up to ``limit``."""

    tenant_id: str
    counter: str
    window: int
    limit: int

    @property
    def expires_at(self) -> int:
        """The counter outlives its minute by one more, then the table's TTL removes it."""
        return (self.window + 2) * 60


def flag_record(item: ControlItem) -> FlagRecord:
    """The record of a flag item (read by the store, or in a batch by ``store.runs``)."""
    scope, _, target = item.sk.removeprefix(keys.FLAG_PREFIX).partition("#")
    return FlagRecord(
        scope=scope,
        target=target,
        action=item.action or "block",
        reason=item.reason or "",
        set_by=item.set_by,
        set_at=item.set_at,
        until=item.until,
        limit_per_minute=int(item.limit_per_minute) if item.limit_per_minute is not None else None,
    )


def get_controls(tenant_id: str) -> ControlRecord:
    """The tenant's flags and quota settings (one query)."""
    flags: list[FlagRecord] = []
    runs_per_minute: int | None = None
    with wrapped("read control flags"):
        for item in ControlItem.query(
            keys.tenant_pk(tenant_id), ControlItem.sk.startswith(keys.CONTROL_PREFIX)
        ):
            if item.sk == keys.QUOTA_SK:
                runs_per_minute = int(item.runs_per_minute) if item.runs_per_minute is not None else None
            else:
                flags.append(flag_record(item))
    return ControlRecord(flags=flags, runs_per_minute=runs_per_minute)


def get_global_flags() -> list[FlagRecord]:
    """The flags of the whole platform (under the reserved tenant ``*``; one query)."""
    with wrapped("read the global flags"):
        return [
            flag_record(item)
            for item in ControlItem.query(
                keys.tenant_pk(GLOBAL_TENANT), ControlItem.sk.startswith(keys.FLAG_PREFIX)
            )
        ]


def put_flag(
    tenant_id: str,
    scope: str,
    target: str,
    *,
    action: str,
    reason: str,
    set_by: str,
    until: datetime | None,
    limit_per_minute: int | None = None,
) -> FlagRecord:
    """Set (or replace) a control flag (``tenant_id`` ``GLOBAL_TENANT`` for the global one)."""
    item = ControlItem(
        keys.tenant_pk(tenant_id),
        keys.flag_sk(scope, target),
        action=action,
        reason=reason,
        set_by=set_by,
        set_at=utc_now(),
        until=until,
        limit_per_minute=limit_per_minute,
    )
    with wrapped(f"set flag {scope}/{target}"):
        item.save()
    return flag_record(item)


def delete_flag(tenant_id: str, scope: str, target: str) -> None:
    """Lift a control flag; ``ItemNotFoundError`` if there is none."""
    try:
        ControlItem(keys.tenant_pk(tenant_id), keys.flag_sk(scope, target)).delete(
            condition=ControlItem.sk.exists()
        )
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ItemNotFoundError("Flag", f"{scope}/{target}") from exc
        raise StoreError(f"Could not lift flag {scope}/{target}: {exc.msg}") from exc


def put_quota(tenant_id: str, *, runs_per_minute: int, set_by: str) -> None:
    """Set the tenant's run-start rate quota."""
    with wrapped("set quotas"):
        ControlItem(
            keys.tenant_pk(tenant_id),
            keys.QUOTA_SK,
            runs_per_minute=runs_per_minute,
            set_by=set_by,
            set_at=utc_now(),
        ).save()


def take_slot(tenant_id: str, counter: str, *, window: int, limit: int, expires_at: int) -> bool:
    """Count one use in ``window`` unless ``limit`` uses were counted already; whether it was counted.

    One conditional ``ADD``: concurrent starts cannot overshoot the limit.
    """
    try:
        UsageItem(keys.tenant_pk(tenant_id), keys.usage_sk(counter, window)).update(
            actions=[UsageItem.used.add(1), UsageItem.expires_at.set(expires_at)],
            condition=UsageItem.used.does_not_exist() | (UsageItem.used < limit),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise StoreError(f"Could not count usage of {counter}: {exc.msg}") from exc
    return True
