"""GitHub: get one issue (github.get_issue, v1) and comment on one (github.add_comment, v1): declarative."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.github.connector import GITHUB
from connectors.github.models import Issue, RepoInput, User
from connectors.sdk import ActionOutput, HttpRequest

__all__ = ["AddCommentInput", "Comment", "GetIssueInput"]


class GetIssueInput(RepoInput):
    issue_number: Annotated[int, Field(ge=1)]


class AddCommentInput(GetIssueInput):
    body: Annotated[str, Field(min_length=1, max_length=65_536)]


class Comment(ActionOutput):
    id: int
    body: str
    html_url: str
    user: User | None = None
    created_at: str


GITHUB.http_action(
    "get_issue",
    version=1,
    request=HttpRequest("GET", "/repos/{owner}/{repo}/issues/{issue_number}"),
    input=GetIssueInput,
    output=Issue,
    description="Get one issue by number.",
)

GITHUB.http_action(
    "add_comment",
    version=1,
    request=HttpRequest("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    input=AddCommentInput,
    output=Comment,
    description="Comment on an issue or pull request.",
)
