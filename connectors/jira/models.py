"""Jira models shared by several actions: issue keys and the flattened issue a workflow reads."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.jira.adf import adf_to_text
from connectors.sdk import ActionOutput

__all__ = ["DEFAULT_FIELDS", "Issue", "IssueKey", "issue_from_jira"]

IssueKey = Annotated[
    str,
    Field(pattern=r"^([A-Z][A-Z0-9_]+-[1-9][0-9]*|[1-9][0-9]*)$", description="Issue key (PROJ-123) or id"),
]

DEFAULT_FIELDS = (
    "summary",
    "status",
    "issuetype",
    "priority",
    "assignee",
    "reporter",
    "labels",
    "description",
    "project",
    "created",
    "updated",
)
"""Fields every issue output carries (Jira's enhanced search returns only ids unless asked)."""


class Issue(ActionOutput):
    id: str
    key: str
    url: Annotated[str, Field(description="The issue's REST URL")]
    project_key: str | None = None
    summary: str | None = None
    status: str | None = None
    status_category: Annotated[str | None, Field(description="new, indeterminate or done")] = None
    issue_type: str | None = None
    priority: str | None = None
    assignee_account_id: str | None = None
    assignee_name: str | None = None
    reporter_account_id: str | None = None
    labels: list[str] = []
    description_text: Annotated[str | None, Field(description="The description as plain text")] = None
    created: str | None = None
    updated: str | None = None
    extra_fields: Annotated[
        dict[str, Any], Field(description="The extra fields asked for, as Jira returns them")
    ] = {}


def _name(value: Any, key: str = "name") -> str | None:
    return str(value[key]) if isinstance(value, dict) and value.get(key) is not None else None


def issue_from_jira(raw: dict[str, Any], extra: list[str]) -> Issue:
    """Flatten Jira's ``{"id", "key", "self", "fields": {...}}`` into :class:`Issue`."""
    fields: dict[str, Any] = raw.get("fields") or {}
    status = fields.get("status")
    description = fields.get("description")
    return Issue(
        id=str(raw["id"]),
        key=str(raw["key"]),
        url=str(raw.get("self", "")),
        project_key=_name(fields.get("project"), "key"),
        summary=fields.get("summary"),
        status=_name(status),
        status_category=_name(status.get("statusCategory") if isinstance(status, dict) else None, "key"),
        issue_type=_name(fields.get("issuetype")),
        priority=_name(fields.get("priority")),
        assignee_account_id=_name(fields.get("assignee"), "accountId"),
        assignee_name=_name(fields.get("assignee"), "displayName"),
        reporter_account_id=_name(fields.get("reporter"), "accountId"),
        labels=list(fields.get("labels") or []),
        description_text=adf_to_text(description) if isinstance(description, dict) else description,
        created=fields.get("created"),
        updated=fields.get("updated"),
        extra_fields={name: fields.get(name) for name in extra},
    )
