"""HubSpot contacts: hubspot.create_contact, get_contact, update_contact and search_contacts (v1)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from connectors.hubspot.connector import HUBSPOT
from connectors.hubspot.objects import (
    CrmObject,
    GetObjectInput,
    PropertyValue,
    SearchInput,
    SearchOutput,
    UpdateObjectInput,
    create_object,
    get_object,
    search_objects,
    update_object,
)
from connectors.sdk import ActionContext, ActionInput, ConflictError

__all__ = ["CreateContactInput", "create_contact", "get_contact", "search_contacts", "update_contact"]

CONTACTS = "contacts"
_EXISTING_ID = re.compile(r"Existing ID: (\d+)")


class CreateContactInput(ActionInput):
    email: Annotated[str | None, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)] = None
    firstname: str | None = None
    lastname: str | None = None
    phone: str | None = None
    company: str | None = None
    properties: Annotated[
        dict[str, PropertyValue], Field(description="More properties by internal name, e.g. lifecyclestage")
    ] = {}
    if_exists: Annotated[
        Literal["error", "return_existing"],
        Field(description="A contact with this email exists: fail (ConflictError) or return that contact"),
    ] = "error"


@HUBSPOT.action("create_contact", version=1, side_effect=True)
def create_contact(params: CreateContactInput, ctx: ActionContext) -> CrmObject:
    """Create a contact; with ``if_exists=return_existing`` a retried or repeated create is harmless."""
    named = params.model_dump(
        include={"email", "firstname", "lastname", "phone", "company"}, exclude_none=True
    )
    try:
        return create_object(ctx, CONTACTS, {**params.properties, **named})
    except ConflictError as exc:
        existing = _EXISTING_ID.search(exc.message)
        if params.if_exists == "error" or existing is None:
            raise
        ctx.logger.info("contact exists; returning it", extra={"contact_id": existing.group(1)})
        return get_object(ctx, CONTACTS, GetObjectInput(object_id=existing.group(1)))


@HUBSPOT.action("get_contact", version=1)
def get_contact(params: GetObjectInput, ctx: ActionContext) -> CrmObject:
    """Get a contact by id, or by email with ``id_property: email``."""
    return get_object(ctx, CONTACTS, params)


@HUBSPOT.action("update_contact", version=1, side_effect=True)
def update_contact(params: UpdateObjectInput, ctx: ActionContext) -> CrmObject:
    """Update a contact's properties (by id, or by email with ``id_property: email``)."""
    return update_object(ctx, CONTACTS, params)


@HUBSPOT.action("search_contacts", version=1)
def search_contacts(params: SearchInput, ctx: ActionContext) -> SearchOutput:
    """Search contacts with filters, text and a sort, following ``after`` paging."""
    return search_objects(ctx, CONTACTS, params)
