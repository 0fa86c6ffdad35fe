"""Jira: search issues with JQL through the enhanced search (jira.search_issues, v1).

``POST /rest/api/3/search/jql`` pages with ``nextPageToken`` (the older ``startAt`` search was
retired by Atlassian in 2025). It returns only issue ids unless ``fields`` are named, so the
action always asks for the fields of :class:`~connectors.jira.models.Issue`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.jira.connector import JIRA
from connectors.jira.models import DEFAULT_FIELDS, Issue, issue_from_jira
from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.sdk.pagination import cursor_pages

__all__ = ["SearchIssuesInput", "SearchIssuesOutput", "search_issues"]


class SearchIssuesInput(ActionInput):
    jql: Annotated[
        str,
        Field(
            min_length=1,
            max_length=10_000,
            description="A bounded JQL query, e.g. project = OPS AND status = 'To Do' ORDER BY created DESC",
        ),
    ]
    fields: Annotated[
        list[str], Field(description="Extra fields to return in each issue's `extra_fields`")
    ] = []
    max_results: Annotated[int, Field(ge=1, le=100, description="Issues per page")] = 50
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3
    next_page_token: Annotated[
        str | None, Field(description="Continue an earlier search from its `next_page_token`")
    ] = None


class SearchIssuesOutput(ActionOutput):
    issues: list[Issue]
    next_page_token: Annotated[
        str | None,
        Field(description="Set when more issues remain after `max_pages`; pass it back to continue"),
    ] = None


def _next_token(page: dict[str, Any]) -> str | None:
    # The last page says ``isLast: true`` and usually has no ``nextPageToken`` key at all (though
    # Atlassian has shipped both ways); a token without ``isLast`` means there is more.
    return None if page.get("isLast") else page.get("nextPageToken")


@JIRA.action("search_issues", version=1)
def search_issues(params: SearchIssuesInput, ctx: ActionContext) -> SearchIssuesOutput:
    """Find issues with JQL, following ``nextPageToken`` up to ``max_pages`` pages."""
    body: dict[str, Any] = {
        "jql": params.jql,
        "maxResults": params.max_results,
        "fields": list(dict.fromkeys([*DEFAULT_FIELDS, *params.fields])),
    }
    if params.next_page_token:
        body["nextPageToken"] = params.next_page_token
    issues: list[Issue] = []
    token: str | None = None
    for page in cursor_pages(
        ctx.http,
        "POST",
        "/rest/api/3/search/jql",
        json=body,
        cursor_in="json",
        cursor_param="nextPageToken",
        next_cursor=_next_token,
        max_pages=params.max_pages,
    ):
        issues.extend(issue_from_jira(raw, params.fields) for raw in page.get("issues", []))
        token = _next_token(page)
    return SearchIssuesOutput(issues=issues, next_page_token=token)
