"""GitHub: list a repository's issues across ``Link`` pages (github.list_issues, v1)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from connectors.github.connector import GITHUB
from connectors.github.models import Issue, RepoInput
from connectors.sdk import ActionContext, ActionOutput
from connectors.sdk.pagination import link_header_pages

__all__ = ["ListIssuesInput", "ListIssuesOutput", "list_issues"]


class ListIssuesInput(RepoInput):
    state: Literal["open", "closed", "all"] = "open"
    labels: Annotated[str | None, Field(description="Comma-separated label names")] = None
    since: Annotated[str | None, Field(description="Only issues updated at or after this ISO 8601 time")] = (
        None
    )
    per_page: Annotated[int, Field(ge=1, le=100)] = 30
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3


class ListIssuesOutput(ActionOutput):
    issues: list[Issue]


@GITHUB.action("list_issues", version=1)
def list_issues(params: ListIssuesInput, ctx: ActionContext) -> ListIssuesOutput:
    """List issues (pull requests excluded), following pagination up to ``max_pages``."""
    query = params.model_dump(include={"state", "labels", "since", "per_page"}, exclude_none=True)
    issues = [
        Issue.model_validate(item)
        for page in link_header_pages(
            ctx.http, f"/repos/{params.owner}/{params.repo}/issues", params=query, max_pages=params.max_pages
        )
        for item in page
        if "pull_request" not in item
    ]
    return ListIssuesOutput(issues=issues)
