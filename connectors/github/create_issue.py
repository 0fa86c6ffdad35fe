"""GitHub: open an issue (github.create_issue, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.github.connector import GITHUB
from connectors.github.models import Issue, RepoInput
from connectors.sdk import ActionContext

__all__ = ["CreateIssueInput", "create_issue"]


class CreateIssueInput(RepoInput):
    title: Annotated[str, Field(min_length=1, max_length=256)]
    body: str | None = None
    labels: list[str] = []
    assignees: list[str] = []


@GITHUB.action("create_issue", version=1, side_effect=True)
def create_issue(params: CreateIssueInput, ctx: ActionContext) -> Issue:
    """Open an issue in a repository."""
    payload = params.model_dump(exclude={"owner", "repo"}, exclude_none=True)
    response = ctx.http.post(f"/repos/{params.owner}/{params.repo}/issues", json=payload)
    return Issue.model_validate(response.json())
