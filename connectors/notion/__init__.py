"""Notion connector: create, get and query pages; append text."""

from connectors.notion import databases, pages
from connectors.notion.connector import NOTION as connector

__all__ = ["connector", "databases", "pages"]
