"""GitHub models shared by several actions (the subset of GitHub's issue object a workflow uses)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionInput, ActionOutput

__all__ = ["Issue", "Label", "RepoInput", "User"]


class RepoInput(ActionInput):
    owner: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="Account or org")]
    repo: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="Repository name")]


class User(ActionOutput):
    login: str
    id: int


class Label(ActionOutput):
    name: str


class Issue(ActionOutput):
    id: int
    number: int
    title: str
    state: str
    html_url: str
    body: str | None = None
    user: User | None = None
    labels: list[Label] = []
    created_at: str
    updated_at: str
