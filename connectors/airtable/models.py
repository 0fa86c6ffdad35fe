"""Airtable models shared by the record actions: base/table addressing and the record shape."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from pydantic import Field

from connectors.sdk import ActionInput, ActionOutput

__all__ = ["MAX_BATCH", "Record", "RecordFields", "TableInput", "table_path"]

MAX_BATCH = 10
"""Airtable takes at most 10 records per create/update request."""

RecordFields = Annotated[dict[str, Any], Field(description="Field name (or id) -> value")]


class TableInput(ActionInput):
    base_id: Annotated[str, Field(pattern=r"^app[A-Za-z0-9]{14}$", description="e.g. appXXXXXXXXXXXXXX")]
    table: Annotated[str, Field(min_length=1, max_length=255, description="Table id (tbl...) or name")]


class Record(ActionOutput):
    id: str
    created_time: Annotated[str | None, Field(validation_alias="createdTime")] = None
    fields: RecordFields = {}


def table_path(params: TableInput) -> str:
    """``/v0/{base}/{table}``, the table name URL-encoded (names may hold spaces and slashes)."""
    return f"/v0/{params.base_id}/{quote(params.table, safe='')}"
