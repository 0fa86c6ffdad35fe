"""CRM v3 objects: the request shapes contacts and deals share (``/crm/v3/objects/{type}``).

Contacts and deals are the same API with a different object type, so the actions in
``contacts.py`` and ``deals.py`` are thin and these helpers build the requests.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = [
    "SEARCH_INTERVAL",
    "CrmObject",
    "Filter",
    "GetObjectInput",
    "PropertyValue",
    "SearchInput",
    "SearchOutput",
    "Sort",
    "UpdateObjectInput",
    "create_object",
    "get_object",
    "search_objects",
    "update_object",
]

SEARCH_INTERVAL = 0.2
"""Seconds between search pages: HubSpot allows five search requests per second per token."""

PropertyValue = str | int | float | bool | None
Properties = Annotated[dict[str, PropertyValue], Field(description="Internal property name -> value")]


class CrmObject(ActionOutput):
    id: str
    properties: dict[str, str | None] = {}
    created_at: Annotated[str | None, Field(validation_alias="createdAt")] = None
    updated_at: Annotated[str | None, Field(validation_alias="updatedAt")] = None
    archived: bool = False


class GetObjectInput(ActionInput):
    object_id: Annotated[
        str, Field(min_length=1, description="Record id, or a unique value of `id_property`")
    ]
    id_property: Annotated[
        str | None, Field(description="Look up by this unique property instead of the id, e.g. email")
    ] = None
    properties: Annotated[list[str], Field(description="Properties to return besides the defaults")] = []


class UpdateObjectInput(ActionInput):
    object_id: Annotated[str, Field(min_length=1)]
    id_property: str | None = None
    properties: Annotated[Properties, Field(min_length=1)]


class Filter(ActionInput):
    property_name: Annotated[str, Field(min_length=1)]
    operator: Literal[
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    ] = "EQ"
    value: PropertyValue = None
    high_value: Annotated[PropertyValue, Field(description="Upper bound for BETWEEN")] = None
    values: Annotated[list[str], Field(description="For IN / NOT_IN")] = []


class Sort(ActionInput):
    property_name: str
    direction: Literal["ASCENDING", "DESCENDING"] = "DESCENDING"


class SearchInput(ActionInput):
    filters: Annotated[
        list[Filter], Field(max_length=6, description="All must match (one filter group)")
    ] = []
    query: Annotated[str | None, Field(description="Text searched in the default searchable properties")] = (
        None
    )
    sorts: Annotated[list[Sort], Field(max_length=1)] = []
    properties: Annotated[list[str], Field(description="Properties to return besides the defaults")] = []
    limit: Annotated[int, Field(ge=1, le=200, description="Results per page")] = 100
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3
    after: Annotated[str | None, Field(description="Continue an earlier search from its `after`")] = None


class SearchOutput(ActionOutput):
    results: list[CrmObject]
    total: int
    after: Annotated[
        str | None, Field(description="Set when more results remain; pass it back to continue")
    ] = None


def _path(object_type: str, object_id: str | None = None) -> str:
    base = f"/crm/v3/objects/{object_type}"
    return base if object_id is None else f"{base}/{quote(object_id, safe='')}"


def _text(properties: dict[str, PropertyValue]) -> dict[str, str | None]:
    # HubSpot stores every property as a string; booleans are "true"/"false".
    return {
        name: None if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in properties.items()
    }


def create_object(
    ctx: ActionContext,
    object_type: str,
    properties: dict[str, PropertyValue],
    associations: list[dict[str, Any]] | None = None,
) -> CrmObject:
    """``POST /crm/v3/objects/{type}`` with properties (and associations)."""
    body: dict[str, Any] = {"properties": _text(properties)}
    if associations:
        body["associations"] = associations
    return CrmObject.model_validate(ctx.http.post(_path(object_type), json=body).json())


def get_object(ctx: ActionContext, object_type: str, params: GetObjectInput) -> CrmObject:
    """``GET /crm/v3/objects/{type}/{id}`` (``idProperty`` to look up by email, a domain, ...)."""
    query: dict[str, Any] = {}
    if params.properties:
        query["properties"] = ",".join(params.properties)
    if params.id_property:
        query["idProperty"] = params.id_property
    return CrmObject.model_validate(ctx.http.get(_path(object_type, params.object_id), params=query).json())


def update_object(ctx: ActionContext, object_type: str, params: UpdateObjectInput) -> CrmObject:
    """``PATCH /crm/v3/objects/{type}/{id}``: only the given properties change."""
    query = {"idProperty": params.id_property} if params.id_property else {}
    response = ctx.http.patch(
        _path(object_type, params.object_id), params=query, json={"properties": _text(params.properties)}
    )
    return CrmObject.model_validate(response.json())


def _filter(item: Filter) -> dict[str, Any]:
    out: dict[str, Any] = {"propertyName": item.property_name, "operator": item.operator}
    if item.value is not None:
        out["value"] = _text({"v": item.value})["v"]
    if item.high_value is not None:
        out["highValue"] = _text({"v": item.high_value})["v"]
    if item.values:
        out["values"] = item.values
    return out


def search_objects(ctx: ActionContext, object_type: str, params: SearchInput) -> SearchOutput:
    """``POST /crm/v3/objects/{type}/search``, following ``paging.next.after`` up to ``max_pages``."""
    body: dict[str, Any] = {"limit": params.limit}
    if params.filters:
        body["filterGroups"] = [{"filters": [_filter(item) for item in params.filters]}]
    if params.query:
        body["query"] = params.query
    if params.sorts:
        body["sorts"] = [{"propertyName": s.property_name, "direction": s.direction} for s in params.sorts]
    if params.properties:
        body["properties"] = params.properties
    after = params.after
    results: list[CrmObject] = []
    total = 0
    # A hand-written loop rather than ``cursor_pages``: the cursor is nested (``paging.next.after``)
    # and pages are paced to the search endpoints' own rate limit.
    for page_number in range(params.max_pages):
        if page_number:
            ctx.services.sleep(SEARCH_INTERVAL)
        page = ctx.http.post(
            f"{_path(object_type)}/search", json={**body, **({"after": after} if after else {})}
        )
        data: dict[str, Any] = page.json()
        results.extend(CrmObject.model_validate(item) for item in data.get("results", []))
        total = int(data.get("total", len(results)))
        after = ((data.get("paging") or {}).get("next") or {}).get("after")
        if not after:
            break
    return SearchOutput(results=results, total=total, after=after)
