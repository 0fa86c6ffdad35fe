"""Notion: the connector declaration (integration token, pinned Notion-Version)."""

from __future__ import annotations

from connectors.sdk import BearerAuth, Connector

__all__ = ["NOTION", "NOTION_VERSION"]

NOTION_VERSION = "2022-06-28"

NOTION = Connector(
    "notion",
    "Notion",
    version="1.0.0",
    icon="notion.svg",
    category="project_management",
    description="Pages, databases and blocks in a Notion workspace (internal integration or OAuth token).",
    auth=BearerAuth(),
    base_url="https://api.notion.com",
    default_headers={"Notion-Version": NOTION_VERSION},
)
