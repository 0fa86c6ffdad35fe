"""Control flags (kill switches), quotas and usage counters."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError, UpdateError

from functions.shared import keys
from functions.shared.exceptions import ItemNotFoundError, StoreError
from functions.shared.models import ControlItem, UsageItem
from functions.shared.store._base import Record, utc_now, wrapped

__all__ = ["ControlRecord", "FlagRecord", "delete_flag", "get_controls", "put_flag", "put_quota", "take_slot"]


class FlagRecord(Record):
    """A control flag: ``action`` (pause | block) on ``scope`` (tenant | workflow | connector) ``target``."""

    scope: str
    target: str
    action: str
    reason: str
    set_by: str
    set_at: datetime
    until: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.until is None or self.until > now


class ControlRecord(Record):
    """Everything checked before a start, read in one query: the flags and the quota settings."""

    flags: list[FlagRecord]
    runs_per_minute: int | None = None


def _flag_record(item: ControlItem) -> FlagRecord:
    scope, _, target = item.sk.removeprefix(keys.FLAG_PREFIX).partition("#")
    return FlagRecord(
        scope=scope,
        target=target,
        action=item.action or "block",
        reason=item.reason or "",
        set_by=item.set_by,
        set_at=item.set_at,
        until=item.until,
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
                flags.append(_flag_record(item))
    return ControlRecord(flags=flags, runs_per_minute=runs_per_minute)


def put_flag(
    tenant_id: str, scope: str, target: str, *, action: str, reason: str, set_by: str, until: datetime | None
) -> FlagRecord:
    """Set (or replace) a control flag."""
    item = ControlItem(
        keys.tenant_pk(tenant_id),
        keys.flag_sk(scope, target),
        action=action,
        reason=reason,
        set_by=set_by,
        set_at=utc_now(),
        until=until,
    )
    with wrapped(f"set flag {scope}/{target}"):
        item.save()
    return _flag_record(item)


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
