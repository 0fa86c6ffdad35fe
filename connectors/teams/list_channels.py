"""Teams: list a team's channels, following ``@odata.nextLink`` (teams.list_channels, v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.teams.connector import TEAMS

__all__ = ["Channel", "ListChannelsInput", "ListChannelsOutput", "list_channels"]


class ListChannelsInput(ActionInput):
    team_id: Annotated[str, Field(min_length=1)]
    filter: Annotated[str | None, Field(description="OData $filter, e.g. membershipType eq 'private'")] = None
    max_pages: Annotated[int, Field(ge=1, le=20)] = 5


class Channel(ActionOutput):
    id: str
    displayName: str
    description: str | None = None
    membershipType: str | None = None
    webUrl: str | None = None


class ListChannelsOutput(ActionOutput):
    channels: list[Channel]


@TEAMS.action("list_channels", version=1)
def list_channels(params: ListChannelsInput, ctx: ActionContext) -> ListChannelsOutput:
    """Every channel of a team the user can see (all pages up to ``max_pages``)."""
    from urllib.parse import quote

    query: dict[str, Any] = {"$filter": params.filter} if params.filter else {}
    page = ctx.http.get(f"/teams/{quote(params.team_id, safe='')}/channels", params=query).json()
    channels = [Channel.model_validate(item) for item in page.get("value", [])]
    for _ in range(params.max_pages - 1):
        next_link = page.get("@odata.nextLink")
        if not next_link:
            break
        page = ctx.http.get(next_link).json()  # absolute URL with $skiptoken
        channels.extend(Channel.model_validate(item) for item in page.get("value", []))
    return ListChannelsOutput(channels=channels)
