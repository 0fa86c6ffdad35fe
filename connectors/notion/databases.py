"""Notion: query a database with filters and sorts across cursor pages (notion.query_database, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.notion.connector import NOTION
from connectors.notion.pages import NotionId, Page
from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.sdk.pagination import cursor_pages

__all__ = ["QueryDatabaseInput", "QueryDatabaseOutput", "query_database"]


class QueryDatabaseInput(ActionInput):
    database_id: NotionId
    filter: Annotated[dict[str, Any] | None, Field(description="A Notion filter object")] = None
    sorts: Annotated[list[dict[str, Any]], Field(description="Notion sort objects")] = []
    page_size: Annotated[int, Field(ge=1, le=100)] = 100
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3


class QueryDatabaseOutput(ActionOutput):
    pages: list[Page]
    has_more: bool


@NOTION.action("query_database", version=1)
def query_database(params: QueryDatabaseInput, ctx: ActionContext) -> QueryDatabaseOutput:
    """Query a database; follows ``next_cursor`` (sent as ``start_cursor`` in the body)."""
    body: dict[str, Any] = {"page_size": params.page_size}
    if params.filter:
        body["filter"] = params.filter
    if params.sorts:
        body["sorts"] = params.sorts
    pages: list[Page] = []
    has_more = False
    for page in cursor_pages(
        ctx.http,
        "POST",
        f"/v1/databases/{params.database_id}/query",
        json=body,
        cursor_in="json",
        cursor_param="start_cursor",
        next_cursor=lambda page: page.get("next_cursor") if page.get("has_more") else None,
        max_pages=params.max_pages,
    ):
        pages.extend(Page.model_validate(item) for item in page["results"])
        has_more = bool(page.get("has_more"))
    return QueryDatabaseOutput(pages=pages, has_more=has_more)
