"""Jira: comment on an issue (jira.add_comment, v1); the text is sent as an ADF document."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.jira.adf import text_to_adf
from connectors.jira.connector import JIRA
from connectors.jira.models import IssueKey
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["AddCommentInput", "Comment", "add_comment"]


class AddCommentInput(ActionInput):
    issue_key: IssueKey
    text: Annotated[
        str, Field(min_length=1, max_length=32_767, description="Plain text; blank lines split paragraphs")
    ]


class Comment(ActionOutput):
    id: str
    url: Annotated[str, Field(validation_alias="self")]
    created: str | None = None
    author_account_id: str | None = None


@JIRA.action("add_comment", version=1, side_effect=True)
def add_comment(params: AddCommentInput, ctx: ActionContext) -> Comment:
    """Add a comment to an issue."""
    body = ctx.http.post(
        f"/rest/api/3/issue/{params.issue_key}/comment", json={"body": text_to_adf(params.text)}
    ).json()
    author = body.get("author") or {}
    return Comment.model_validate({**body, "author_account_id": author.get("accountId")})
