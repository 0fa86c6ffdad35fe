"""Jira issues: create one with an ADF description (jira.create_issue) and read one (jira.get_issue)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from connectors.jira.adf import text_to_adf
from connectors.jira.connector import JIRA
from connectors.jira.models import DEFAULT_FIELDS, Issue, IssueKey, issue_from_jira
from connectors.sdk import ActionContext, ActionInput, ActionOutput

__all__ = ["CreateIssueInput", "CreatedIssue", "GetIssueInput", "create_issue", "get_issue"]


class CreateIssueInput(ActionInput):
    project_key: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]+$", description="e.g. OPS")]
    issue_type: Annotated[str, Field(min_length=1, description="Issue type name: Task, Bug, Story, ...")] = (
        "Task"
    )
    summary: Annotated[str, Field(min_length=1, max_length=255)]
    description: Annotated[
        str | None, Field(description="Plain text; blank lines separate paragraphs (sent as ADF)")
    ] = None
    description_adf: Annotated[
        dict[str, Any] | None, Field(description="A ready ADF document, instead of `description`")
    ] = None
    labels: list[Annotated[str, Field(pattern=r"^\S+$")]] = []
    priority: Annotated[str | None, Field(description="Priority name, e.g. High")] = None
    assignee_account_id: str | None = None
    parent_key: Annotated[str | None, Field(description="Parent issue (sub-tasks, epics)")] = None
    fields: Annotated[
        dict[str, Any], Field(description="More fields as Jira expects them, e.g. customfield_10010")
    ] = {}

    @model_validator(mode="after")
    def _one_description(self) -> CreateIssueInput:
        if self.description is not None and self.description_adf is not None:
            raise ValueError("give `description` or `description_adf`, not both")
        return self


class CreatedIssue(ActionOutput):
    id: str
    key: str
    url: Annotated[str, Field(validation_alias="self", description="The issue's REST URL")]


@JIRA.action("create_issue", version=1, side_effect=True)
def create_issue(params: CreateIssueInput, ctx: ActionContext) -> CreatedIssue:
    """Create an issue; a plain-text description is converted to Atlassian Document Format."""
    fields: dict[str, Any] = {
        **params.fields,
        "project": {"key": params.project_key},
        "issuetype": {"name": params.issue_type},
        "summary": params.summary,
    }
    if params.description is not None:
        fields["description"] = text_to_adf(params.description)
    elif params.description_adf is not None:
        fields["description"] = params.description_adf
    if params.labels:
        fields["labels"] = params.labels
    if params.priority:
        fields["priority"] = {"name": params.priority}
    if params.assignee_account_id:
        fields["assignee"] = {"accountId": params.assignee_account_id}
    if params.parent_key:
        fields["parent"] = {"key": params.parent_key}
    response = ctx.http.post("/rest/api/3/issue", json={"fields": fields})
    return CreatedIssue.model_validate(response.json())


class GetIssueInput(ActionInput):
    issue_key: IssueKey
    fields: Annotated[
        list[str], Field(description="Extra fields to return in `extra_fields`, e.g. customfield_10010")
    ] = []


@JIRA.action("get_issue", version=1)
def get_issue(params: GetIssueInput, ctx: ActionContext) -> Issue:
    """Get one issue by key or id, with its description as plain text."""
    names = ",".join(dict.fromkeys([*DEFAULT_FIELDS, *params.fields]))
    response = ctx.http.get(f"/rest/api/3/issue/{params.issue_key}", params={"fields": names})
    return issue_from_jira(response.json(), params.fields)
