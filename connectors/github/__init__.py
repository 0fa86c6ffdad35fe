"""GitHub connector: issues and comments; issue webhooks and polling."""

from connectors.github import create_issue, get_issue, list_issues, triggers
from connectors.github.connector import GITHUB as connector

__all__ = ["connector", "create_issue", "get_issue", "list_issues", "triggers"]
