"""SendGrid contacts: upsert (sendgrid.upsert_contacts), find by email (sendgrid.find_contacts), lists."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput, NotFoundError
from connectors.sdk.pagination import cursor_pages
from connectors.sendgrid.connector import SENDGRID

__all__ = [
    "Contact",
    "ContactList",
    "FindContactsInput",
    "FindContactsOutput",
    "FoundContact",
    "ListListsInput",
    "ListListsOutput",
    "UpsertContactsInput",
    "UpsertContactsOutput",
    "find_contacts",
    "list_lists",
    "upsert_contacts",
]

Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]


class Contact(ActionInput):
    email: Email
    first_name: str | None = None
    last_name: str | None = None


class UpsertContactsInput(ActionInput):
    contacts: Annotated[list[Contact], Field(min_length=1, max_length=30_000)]
    list_ids: list[str] = []


class UpsertContactsOutput(ActionOutput):
    job_id: str


@SENDGRID.action("upsert_contacts", version=1, side_effect=True)
def upsert_contacts(params: UpsertContactsInput, ctx: ActionContext) -> UpsertContactsOutput:
    """Add or update marketing contacts (SendGrid processes the job asynchronously)."""
    body: dict[str, Any] = {"contacts": [c.model_dump(exclude_none=True) for c in params.contacts]}
    if params.list_ids:
        body["list_ids"] = params.list_ids
    return UpsertContactsOutput.model_validate(ctx.http.put("/v3/marketing/contacts", json=body).json())


class FindContactsInput(ActionInput):
    emails: Annotated[list[Email], Field(min_length=1, max_length=100)]


class FoundContact(ActionOutput):
    id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None


class FindContactsOutput(ActionOutput):
    contacts: list[FoundContact]
    missing: list[str]


@SENDGRID.action("find_contacts", version=1)
def find_contacts(params: FindContactsInput, ctx: ActionContext) -> FindContactsOutput:
    """Look contacts up by email; emails SendGrid does not know are listed in ``missing``."""
    try:
        response = ctx.http.post("/v3/marketing/contacts/search/emails", json={"emails": params.emails})
    except NotFoundError:  # SendGrid answers 404 when none of the emails is known
        return FindContactsOutput(contacts=[], missing=list(params.emails))
    result = response.json().get("result", {})
    found = [FoundContact.model_validate(entry["contact"]) for entry in result.values() if "contact" in entry]
    missing = [email for email in params.emails if "contact" not in result.get(email, {})]
    return FindContactsOutput(contacts=found, missing=missing)


class ListListsInput(ActionInput):
    page_size: Annotated[int, Field(ge=1, le=1000)] = 100
    max_pages: Annotated[int, Field(ge=1, le=20)] = 3


class ContactList(ActionOutput):
    id: str
    name: str
    contact_count: int = 0


class ListListsOutput(ActionOutput):
    lists: list[ContactList]


@SENDGRID.action("list_lists", version=1)
def list_lists(params: ListListsInput, ctx: ActionContext) -> ListListsOutput:
    """Every contact list, following ``_metadata.next`` page tokens."""
    from urllib.parse import parse_qs, urlsplit

    def next_token(page: Any) -> str | None:
        link = (page.get("_metadata") or {}).get("next")
        return parse_qs(urlsplit(link).query).get("page_token", [None])[0] if link else None

    lists = [
        ContactList.model_validate(item)
        for page in cursor_pages(
            ctx.http,
            "GET",
            "/v3/marketing/lists",
            params={"page_size": params.page_size},
            cursor_param="page_token",
            next_cursor=next_token,
            max_pages=params.max_pages,
        )
        for item in page.get("result", [])
    ]
    return ListListsOutput(lists=lists)
