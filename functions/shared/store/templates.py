"""A tenant's own template gallery (the built-in templates are files shipped with the function)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, PynamoDBException

from functions.shared import keys
from functions.shared.exceptions import ItemExistsError, ItemNotFoundError, StoreError
from functions.shared.models import TemplateItem
from functions.shared.store._base import Record, utc_now, wrapped

__all__ = ["TemplateRecord", "create_template", "delete_template", "get_template", "list_templates"]


class TemplateRecord(Record):
    """A template: a workflow document others can install."""

    id: str
    name: str
    description: str
    document: dict[str, Any]
    published_by: str
    created_at: datetime


def _template_record(item: TemplateItem) -> TemplateRecord:
    return TemplateRecord(
        id=item.sk.removeprefix(keys.TEMPLATE_PREFIX),
        name=item.name,
        description=item.description,
        document=item.document,
        published_by=item.published_by,
        created_at=item.created_at,
    )


def create_template(
    tenant_id: str, template_id: str, *, name: str, description: str, document: dict[str, Any], actor: str
) -> TemplateRecord:
    """Add a template to the tenant's gallery; ``ItemExistsError`` if the id is taken."""
    item = TemplateItem(
        keys.tenant_pk(tenant_id),
        keys.template_sk(template_id),
        name=name,
        description=description,
        document=document,
        published_by=actor,
        created_at=utc_now(),
    )
    try:
        item.save(condition=TemplateItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ItemExistsError("Template", template_id) from exc
        raise StoreError(f"Could not save template {template_id}: {exc.msg}") from exc
    return _template_record(item)


def get_template(tenant_id: str, template_id: str) -> TemplateRecord:
    """One of the tenant's templates, or ``ItemNotFoundError``."""
    try:
        item = TemplateItem.get(keys.tenant_pk(tenant_id), keys.template_sk(template_id))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Template", template_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read template {template_id}: {exc.msg}") from exc
    return _template_record(item)


def list_templates(tenant_id: str) -> list[TemplateRecord]:
    """The tenant's templates."""
    with wrapped("list templates"):
        return [
            _template_record(item)
            for item in TemplateItem.query(
                keys.tenant_pk(tenant_id), TemplateItem.sk.startswith(keys.TEMPLATE_PREFIX)
            )
        ]


def delete_template(tenant_id: str, template_id: str) -> None:
    """Remove a template from the tenant's gallery; ``ItemNotFoundError`` if there is none."""
    try:
        TemplateItem(keys.tenant_pk(tenant_id), keys.template_sk(template_id)).delete(
            condition=TemplateItem.sk.exists()
        )
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ItemNotFoundError("Template", template_id) from exc
        raise StoreError(f"Could not delete template {template_id}: {exc.msg}") from exc
