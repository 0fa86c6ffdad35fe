"""Airtable records: airtable.list_records, get_record, create_records and update_records (v1).

Writes go in batches of 10 records (Airtable's limit per request), paced to Airtable's 5 requests
per second per base so that one large write does not trip the 30-second penalty. Airtable has no
idempotency key: a create that fails after some batches leaves those records created, and a
retry creates them again. For retry-safe writes use ``update_records`` with ``merge_on`` (upsert).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from connectors.airtable.connector import AIRTABLE
from connectors.airtable.models import MAX_BATCH, Record, RecordFields, TableInput, table_path
from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.sdk.pagination import cursor_pages

__all__ = [
    "CreateRecordsInput",
    "GetRecordInput",
    "ListRecordsInput",
    "ListRecordsOutput",
    "RecordUpdate",
    "RecordsOutput",
    "Sort",
    "UpdateRecordsInput",
    "UpdateRecordsOutput",
    "create_records",
    "get_record",
    "list_records",
    "update_records",
]

BATCH_INTERVAL = 0.2
"""Seconds between batch requests: Airtable's 5 requests per second per base."""


class Sort(ActionInput):
    field: Annotated[str, Field(min_length=1)]
    direction: Literal["asc", "desc"] = "asc"


class ListRecordsInput(TableInput):
    filter_by_formula: Annotated[
        str | None, Field(description="An Airtable formula, e.g. {Status} = 'Open'")
    ] = None
    view: Annotated[str | None, Field(description="View name or id: its filters and order apply")] = None
    fields: Annotated[list[str], Field(description="Only these fields (all when empty)")] = []
    sort: list[Sort] = []
    page_size: Annotated[int, Field(ge=1, le=100)] = 100
    max_records: Annotated[int | None, Field(ge=1, description="Stop after this many records")] = None
    max_pages: Annotated[int, Field(ge=1, le=50)] = 5
    offset: Annotated[str | None, Field(description="Continue from an earlier call's `offset`")] = None


class ListRecordsOutput(ActionOutput):
    records: list[Record]
    offset: Annotated[
        str | None, Field(description="Set when more records remain; pass it back to continue")
    ] = None


@AIRTABLE.action("list_records", version=1)
def list_records(params: ListRecordsInput, ctx: ActionContext) -> ListRecordsOutput:
    """List a table's records, filtered by formula or view, following ``offset`` up to ``max_pages``."""
    query: dict[str, Any] = {"pageSize": params.page_size}
    if params.filter_by_formula:
        query["filterByFormula"] = params.filter_by_formula
    if params.view:
        query["view"] = params.view
    if params.max_records:
        query["maxRecords"] = params.max_records
    if params.fields:
        query["fields[]"] = params.fields
    for index, sort in enumerate(params.sort):
        query[f"sort[{index}][field]"] = sort.field
        query[f"sort[{index}][direction]"] = sort.direction
    if params.offset:
        query["offset"] = params.offset
    records: list[Record] = []
    offset: str | None = None
    for page in cursor_pages(
        ctx.http,
        "GET",
        table_path(params),
        params=query,
        cursor_param="offset",
        next_cursor=lambda page: page.get("offset"),
        max_pages=params.max_pages,
    ):
        records.extend(Record.model_validate(item) for item in page.get("records", []))
        offset = page.get("offset")
    return ListRecordsOutput(records=records, offset=offset)


class GetRecordInput(TableInput):
    record_id: Annotated[str, Field(pattern=r"^rec[A-Za-z0-9]{14}$")]


@AIRTABLE.action("get_record", version=1)
def get_record(params: GetRecordInput, ctx: ActionContext) -> Record:
    """Get one record by id."""
    return Record.model_validate(ctx.http.get(f"{table_path(params)}/{params.record_id}").json())


def _batches(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + MAX_BATCH] for start in range(0, len(items), MAX_BATCH)]


def _send_batches(
    ctx: ActionContext, method: str, path: str, batches: list[list[dict[str, Any]]], extra: dict[str, Any]
) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    for index, batch in enumerate(batches):
        if index:
            ctx.services.sleep(BATCH_INTERVAL)
        pages.append(ctx.http.request(method, path, json={"records": batch, **extra}).json())
    return pages


class CreateRecordsInput(TableInput):
    records: Annotated[
        list[RecordFields],
        Field(min_length=1, max_length=100, description="Each record's fields; sent 10 per request"),
    ]
    typecast: Annotated[bool, Field(description="Let Airtable convert strings to the field types")] = False


class RecordsOutput(ActionOutput):
    records: list[Record]


@AIRTABLE.action("create_records", version=1, side_effect=True)
def create_records(params: CreateRecordsInput, ctx: ActionContext) -> RecordsOutput:
    """Create records, 10 per request."""
    batches = _batches([{"fields": fields} for fields in params.records])
    pages = _send_batches(ctx, "POST", table_path(params), batches, {"typecast": params.typecast})
    return RecordsOutput(
        records=[Record.model_validate(r) for page in pages for r in page.get("records", [])]
    )


class RecordUpdate(ActionInput):
    id: Annotated[str | None, Field(pattern=r"^rec[A-Za-z0-9]{14}$", description="Omit when upserting")] = (
        None
    )
    fields: RecordFields


class UpdateRecordsInput(TableInput):
    records: Annotated[list[RecordUpdate], Field(min_length=1, max_length=100)]
    merge_on: Annotated[
        list[str],
        Field(
            max_length=3,
            description="Upsert: match existing records on these fields; unmatched records are created",
        ),
    ] = []
    replace: Annotated[
        bool, Field(description="PUT: clear the fields not given (default PATCH keeps them)")
    ] = False
    typecast: bool = False

    @model_validator(mode="after")
    def _ids_or_merge_fields(self) -> UpdateRecordsInput:
        if not self.merge_on and any(record.id is None for record in self.records):
            raise ValueError("every record needs an `id` unless `merge_on` names the fields to upsert on")
        return self


class UpdateRecordsOutput(ActionOutput):
    records: list[Record]
    created_record_ids: Annotated[list[str], Field(description="Upsert: records that were created")] = []
    updated_record_ids: list[str] = []


@AIRTABLE.action("update_records", version=1, side_effect=True)
def update_records(params: UpdateRecordsInput, ctx: ActionContext) -> UpdateRecordsOutput:
    """Update records by id, or upsert them on ``merge_on`` fields, 10 per request."""
    extra: dict[str, Any] = {"typecast": params.typecast}
    if params.merge_on:
        extra["performUpsert"] = {"fieldsToMergeOn": params.merge_on}
    batches = _batches([record.model_dump(exclude_none=True) for record in params.records])
    pages = _send_batches(ctx, "PUT" if params.replace else "PATCH", table_path(params), batches, extra)
    records = [Record.model_validate(r) for page in pages for r in page.get("records", [])]
    if params.merge_on:
        created = [i for page in pages for i in page.get("createdRecords", [])]
        updated = [i for page in pages for i in page.get("updatedRecords", [])]
    else:
        created, updated = [], [record.id for record in records]
    return UpdateRecordsOutput(records=records, created_record_ids=created, updated_record_ids=updated)
