"""The audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from functions.shared import keys
from functions.shared.models import AuditItem
from functions.shared.store._base import Page, Record, decode_cursor, encode_cursor, utc_now, wrapped

__all__ = ["AuditRecord", "list_audit", "write_audit"]


class AuditRecord(Record):
    """Who changed what, and when."""

    id: str
    actor: str
    action: str
    resource: str
    details: dict[str, Any]
    at: datetime


def write_audit(tenant_id: str, *, actor: str, action: str, resource: str, details: dict[str, Any]) -> None:
    """Append an audit entry for a change."""
    entry_id = keys.new_sortable_id()
    with wrapped(f"write audit entry for {action}"):
        AuditItem(
            keys.tenant_pk(tenant_id),
            keys.audit_sk(entry_id),
            actor=actor,
            action=action,
            resource=resource,
            details=details,
            at=utc_now(),
        ).save()


def list_audit(tenant_id: str, *, limit: int, cursor: str | None = None) -> Page[AuditRecord]:
    """Audit entries newest first."""
    with wrapped("list audit entries"):
        results = AuditItem.query(
            keys.tenant_pk(tenant_id),
            AuditItem.sk.startswith(keys.AUDIT_PREFIX),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=decode_cursor(tenant_id, cursor),
        )
        items = [
            AuditRecord(
                id=item.sk.removeprefix(keys.AUDIT_PREFIX),
                actor=item.actor,
                action=item.action,
                resource=item.resource,
                details=item.details or {},
                at=item.at,
            )
            for item in results
        ]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))
