"""Notion pages: create (notion.create_page), get (notion.get_page), append text (notion.append_paragraph)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.notion.connector import NOTION
from connectors.sdk import ActionContext, ActionInput, ActionOutput, HttpRequest

__all__ = [
    "AppendParagraphInput",
    "AppendParagraphOutput",
    "CreatePageInput",
    "GetPageInput",
    "Page",
    "append_paragraph",
    "create_page",
]

NotionId = Annotated[
    str, Field(pattern=r"^[0-9a-fA-F-]{32,36}$", description="A Notion id (UUID, dashes optional)")
]


class Page(ActionOutput):
    id: str
    url: str | None = None
    created_time: str
    last_edited_time: str
    archived: bool = False
    properties: dict[str, Any] = {}


class CreatePageInput(ActionInput):
    database_id: NotionId
    title: Annotated[str, Field(min_length=1, max_length=2000, description="Text of the title property")]
    title_property: Annotated[str, Field(description="Name of the database's title property")] = "Name"
    properties: Annotated[
        dict[str, Any], Field(description="Other properties, in Notion's property value format")
    ] = {}
    content: Annotated[str | None, Field(description="A first paragraph of body text")] = None


def _paragraph(text: str) -> dict[str, Any]:
    return {
        "object": "block",
        "type": "paragraph",
        "paragraph": {"rich_text": [{"type": "text", "text": {"content": text}}]},
    }


@NOTION.action("create_page", version=1, side_effect=True)
def create_page(params: CreatePageInput, ctx: ActionContext) -> Page:
    """Create a page (a database row) with a title, properties and optional body text."""
    properties = {
        **params.properties,
        params.title_property: {"title": [{"type": "text", "text": {"content": params.title}}]},
    }
    body: dict[str, Any] = {"parent": {"database_id": params.database_id}, "properties": properties}
    if params.content:
        body["children"] = [_paragraph(params.content)]
    return Page.model_validate(ctx.http.post("/v1/pages", json=body).json())


class GetPageInput(ActionInput):
    page_id: NotionId


NOTION.http_action(
    "get_page",
    version=1,
    request=HttpRequest("GET", "/v1/pages/{page_id}"),
    input=GetPageInput,
    output=Page,
    description="Retrieve a page's properties.",
)


class AppendParagraphInput(ActionInput):
    block_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{32,36}$", description="Page or block id")]
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class AppendParagraphOutput(ActionOutput):
    block_ids: list[str]


@NOTION.action("append_paragraph", version=1, side_effect=True)
def append_paragraph(params: AppendParagraphInput, ctx: ActionContext) -> AppendParagraphOutput:
    """Append a paragraph of text to a page or block."""
    response = ctx.http.patch(
        f"/v1/blocks/{params.block_id}/children", json={"children": [_paragraph(params.text)]}
    )
    return AppendParagraphOutput(block_ids=[block["id"] for block in response.json()["results"]])
