"""Webhook paths with their signing secrets, and idempotency claims for exactly-once starts."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError, PynamoDBException

from functions.shared import keys
from functions.shared.exceptions import ItemExistsError, ItemNotFoundError, StoreError
from functions.shared.models import IdempotencyItem, WebhookItem
from functions.shared.store._base import Record, utc_now, wrapped

__all__ = [
    "IdempotencyClaim",
    "WebhookRecord",
    "claim_idempotency_key",
    "get_webhook",
    "register_webhook",
    "rotate_webhook_secret",
    "webhook_record",
]


class WebhookRecord(Record):
    """A webhook path, the workflow it starts, and its signing secret."""

    path: str
    workflow_id: str
    secret: str
    created_at: datetime


class IdempotencyClaim(Record):
    """Which run an idempotency key started, and a hash of the body it came with."""

    run_id: str
    body_sha256: str
    claimed: bool


def webhook_record(item: WebhookItem) -> WebhookRecord:
    """The record of a webhook item (read here, or in a batch by ``store.runs``)."""
    return WebhookRecord(
        path=item.sk.removeprefix("HOOK#"),
        workflow_id=item.workflow_id,
        secret=item.secret,
        created_at=item.created_at,
    )


def get_webhook(tenant_id: str, path: str) -> WebhookRecord:
    """The webhook at ``path``, or ``ItemNotFoundError``."""
    try:
        item = WebhookItem.get(keys.tenant_pk(tenant_id), keys.hook_sk(path))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Webhook", path) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read webhook {path}: {exc.msg}") from exc
    return webhook_record(item)


def register_webhook(tenant_id: str, path: str, workflow_id: str, *, new_secret: str) -> WebhookRecord:
    """The webhook at ``path`` for ``workflow_id``, created with ``new_secret`` if there is none.

    ``ItemExistsError`` if another workflow of the tenant has the path.
    """
    item = WebhookItem(
        keys.tenant_pk(tenant_id),
        keys.hook_sk(path),
        workflow_id=workflow_id,
        secret=new_secret,
        created_at=utc_now(),
    )
    try:
        item.save(condition=WebhookItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise StoreError(f"Could not save webhook {path}: {exc.msg}") from exc
        existing = get_webhook(tenant_id, path)
        if existing.workflow_id != workflow_id:
            raise ItemExistsError("Webhook path", path) from exc
        return existing
    return webhook_record(item)


def rotate_webhook_secret(tenant_id: str, path: str, secret: str) -> WebhookRecord:
    """Replace the signing secret of a webhook."""
    with wrapped(f"rotate the secret of webhook {path}"):
        WebhookItem(keys.tenant_pk(tenant_id), keys.hook_sk(path)).update(
            actions=[WebhookItem.secret.set(secret)], condition=WebhookItem.sk.exists()
        )
    return get_webhook(tenant_id, path)


def claim_idempotency_key(
    tenant_id: str, workflow_id: str, key_hash: str, *, run_id: str, body_sha256: str, keep_for: timedelta
) -> IdempotencyClaim:
    """Claim ``key_hash`` for ``run_id``; if it was claimed before, the first claim (``claimed=False``).

    The conditional put is what makes a start exactly-once: of any number of concurrent deliveries
    of one key, one claim wins and every other sees the winner's run id.
    """
    now = utc_now()
    item = IdempotencyItem(
        keys.tenant_pk(tenant_id),
        keys.idempotency_sk(workflow_id, key_hash),
        run_id=run_id,
        body_sha256=body_sha256,
        created_at=now,
        expires_at=int((now + keep_for).timestamp()),
    )
    try:
        item.save(condition=IdempotencyItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise StoreError(f"Could not claim an idempotency key: {exc.msg}") from exc
        with wrapped("read an idempotency key"):
            first = IdempotencyItem.get(
                keys.tenant_pk(tenant_id), keys.idempotency_sk(workflow_id, key_hash), consistent_read=True
            )
        return IdempotencyClaim(run_id=first.run_id, body_sha256=first.body_sha256, claimed=False)
    return IdempotencyClaim(run_id=run_id, body_sha256=body_sha256, claimed=True)
