"""Jira Cloud connector: create, get and search issues (JQL), comment, and transition issues."""

from connectors.jira import comments, issues, search, transitions
from connectors.jira.connector import JIRA as connector

__all__ = ["comments", "connector", "issues", "search", "transitions"]
