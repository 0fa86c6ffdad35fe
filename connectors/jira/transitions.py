"""Jira: move an issue through its workflow (jira.transition_issue, v1).

Transition ids differ per project workflow, so the action takes a transition *name* (or the name of
the status it leads to, or an id), looks up the issue's available transitions and applies the one
that matches; an unknown name is an input error listing the transitions that are available.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.jira.adf import text_to_adf
from connectors.jira.connector import JIRA
from connectors.jira.models import IssueKey
from connectors.sdk import ActionContext, ActionInput, ActionOutput, InvalidInputError

__all__ = ["TransitionIssueInput", "TransitionIssueOutput", "transition_issue"]


class TransitionIssueInput(ActionInput):
    issue_key: IssueKey
    transition: Annotated[
        str, Field(min_length=1, description="Transition name or id, or the target status name, e.g. Done")
    ]
    comment: Annotated[str | None, Field(description="A comment added with the transition")] = None
    resolution: Annotated[
        str | None, Field(description="Resolution name, e.g. Fixed (if the screen asks)")
    ] = None


class TransitionIssueOutput(ActionOutput):
    issue_key: str
    transition_id: str
    transition_name: str
    status: Annotated[str | None, Field(description="The status the issue moved to")] = None


def _pick(transitions: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """By id, then by transition name, then by target status name (names case-insensitive)."""
    folded = wanted.casefold()
    keys = [
        [
            str(t.get("id")),
            str(t.get("name", "")).casefold(),
            str((t.get("to") or {}).get("name", "")).casefold(),
        ]
        for t in transitions
    ]
    for position, target in enumerate((wanted, folded, folded)):
        found = next((t for t, key in zip(transitions, keys, strict=True) if key[position] == target), None)
        if found is not None:
            return found
    return None


@JIRA.action("transition_issue", version=1, side_effect=True)
def transition_issue(params: TransitionIssueInput, ctx: ActionContext) -> TransitionIssueOutput:
    """Apply a workflow transition by name, optionally with a comment and a resolution."""
    path = f"/rest/api/3/issue/{params.issue_key}/transitions"
    transitions: list[dict[str, Any]] = ctx.http.get(path).json().get("transitions", [])
    chosen = _pick(transitions, params.transition)
    if chosen is None:
        available = ", ".join(sorted(str(t.get("name")) for t in transitions)) or "none"
        raise InvalidInputError(
            f"params.transition: {params.issue_key} has no transition {params.transition!r} "
            f"(available: {available})"
        )
    body: dict[str, Any] = {"transition": {"id": str(chosen["id"])}}
    if params.resolution:
        body["fields"] = {"resolution": {"name": params.resolution}}
    if params.comment:
        body["update"] = {"comment": [{"add": {"body": text_to_adf(params.comment)}}]}
    ctx.http.post(path, json=body)  # 204 No Content
    return TransitionIssueOutput(
        issue_key=params.issue_key,
        transition_id=str(chosen["id"]),
        transition_name=str(chosen.get("name", "")),
        status=(chosen.get("to") or {}).get("name"),
    )
