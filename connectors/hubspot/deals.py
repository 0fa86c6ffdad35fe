"""HubSpot deals: hubspot.create_deal, get_deal, update_deal and search_deals (v1)."""

from __future__ import annotations

from typing import Annotated, Any

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
from connectors.sdk import ActionContext, ActionInput

__all__ = ["DEAL_TO_CONTACT", "CreateDealInput", "create_deal", "get_deal", "search_deals", "update_deal"]

DEALS = "deals"
DEAL_TO_CONTACT = 3
"""HubSpot's built-in association type id for deal -> contact."""


class CreateDealInput(ActionInput):
    dealname: Annotated[str, Field(min_length=1)]
    amount: Annotated[float | None, Field(ge=0)] = None
    dealstage: Annotated[str, Field(description="Stage id in the pipeline")] = "appointmentscheduled"
    pipeline: str = "default"
    closedate: Annotated[str | None, Field(description="ISO 8601 date or date-time")] = None
    contact_ids: Annotated[list[str], Field(description="Contacts to associate with the deal")] = []
    properties: dict[str, PropertyValue] = {}


@HUBSPOT.action("create_deal", version=1, side_effect=True)
def create_deal(params: CreateDealInput, ctx: ActionContext) -> CrmObject:
    """Create a deal in a pipeline stage, associated with contacts."""
    named = params.model_dump(
        include={"dealname", "amount", "dealstage", "pipeline", "closedate"}, exclude_none=True
    )
    associations: list[dict[str, Any]] = [
        {
            "to": {"id": contact_id},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": DEAL_TO_CONTACT}],
        }
        for contact_id in params.contact_ids
    ]
    return create_object(ctx, DEALS, {**params.properties, **named}, associations)


@HUBSPOT.action("get_deal", version=1)
def get_deal(params: GetObjectInput, ctx: ActionContext) -> CrmObject:
    """Get a deal by id."""
    return get_object(ctx, DEALS, params)


@HUBSPOT.action("update_deal", version=1, side_effect=True)
def update_deal(params: UpdateObjectInput, ctx: ActionContext) -> CrmObject:
    """Update a deal's properties (move its stage, change the amount, ...)."""
    return update_object(ctx, DEALS, params)


@HUBSPOT.action("search_deals", version=1)
def search_deals(params: SearchInput, ctx: ActionContext) -> SearchOutput:
    """Search deals with filters, text and a sort, following ``after`` paging."""
    return search_objects(ctx, DEALS, params)
