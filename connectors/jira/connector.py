"""Jira Cloud: the connector declaration (REST API v3, Basic auth with an account email and API token)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import BasicAuth, BasicCredential, Connector

__all__ = ["JIRA", "JiraCredential", "jira_error_message"]


class JiraCredential(BasicCredential):
    """An Atlassian account email (``username``), an API token (``password``) and the site URL.

    Example:
        >>> JiraCredential(username="ada@example.com", password="ATATT3x", base_url="https://acme.atlassian.net").username
        'ada@example.com'
    """

    # Every Jira Cloud site has its own host, so the site URL is required (not just an override).
    base_url: Annotated[str, Field(description="Your site, e.g. https://your-domain.atlassian.net")]


def jira_error_message(body: Any) -> str | None:
    """Jira's ``{"errorMessages": [...], "errors": {"field": "message"}}`` as one line.

    Example:
        >>> jira_error_message({"errorMessages": [], "errors": {"summary": "You must specify a summary."}})
        'summary: You must specify a summary.'
    """
    if not isinstance(body, dict):
        return None
    parts = [str(message) for message in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts.extend(f"{field}: {message}" for field, message in errors.items())
    return "; ".join(parts) or None


JIRA = Connector(
    "jira",
    "Jira",
    version="1.0.0",
    icon="jira.svg",
    category="project_management",
    description="Issues, JQL search, comments and workflow transitions in Jira Cloud (email + API token).",
    auth=BasicAuth(),
    credential_model=JiraCredential,
    default_headers={"Accept": "application/json"},
    error_message=jira_error_message,
)
