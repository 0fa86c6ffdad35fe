"""A fake Airtable Web API: bearer PATs, ``offset`` paging, a small ``filterByFormula``, batches of at
most 10 records, upserts, Airtable's error bodies and its per-base 429 (no ``Retry-After``)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["BASE_ID", "OTHER_BASE_ID", "TOKEN", "FakeAirtable", "airtable_error"]

TOKEN = "patFAKEfake01234.0123456789abcdef0123456789abcdef0123456789abcdef"
BASE_ID = "appFAKEbase000001"
OTHER_BASE_ID = "appFAKEbase000002"
_FORMULA = re.compile(r"""^\{([^}]+)\}\s*=\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))$""")


def airtable_error(status: int, type_: str, message: str) -> Response:
    """Airtable's error body."""
    return json_response({"error": {"type": type_, "message": message}}, status)


class FakeAirtable(FakeServer):
    """Two bases, each with a ``Tasks`` table (``tblTasks000000001``)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[dict[str, Any]]]] = {
            BASE_ID: {"Tasks": []},
            OTHER_BASE_ID: {"Tasks": []},
        }
        self.rate_limited: dict[str, int] = {}
        """base id -> how many more requests to that base get a 429."""
        self._ids = itertools.count(1)
        self.route("GET", "/v0/<base>/<table>")(self._list)
        self.route("GET", "/v0/<base>/<table>/<record_id>")(self._get)
        self.route("POST", "/v0/<base>/<table>")(self._create)
        self.route("PATCH", "/v0/<base>/<table>")(self._update)
        self.route("PUT", "/v0/<base>/<table>")(self._update)

    def add_record(self, fields: dict[str, Any], base: str = BASE_ID) -> dict[str, Any]:
        record = {
            "id": f"rec{next(self._ids):014d}",
            "createdTime": "2026-11-21T09:00:00.000Z",
            "fields": dict(fields),
        }
        self.tables[base]["Tasks"].append(record)
        return record

    def _records(self, request: Request, base: str, table: str) -> list[dict[str, Any]] | Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return airtable_error(401, "AUTHENTICATION_REQUIRED", "Authentication required")
        if self.rate_limited.get(base):
            self.rate_limited[base] -= 1
            return airtable_error(429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later")
        if base not in self.tables:
            return airtable_error(
                403,
                "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
                "Invalid permissions, or the requested model was not found.",
            )
        name = "Tasks" if table == "tblTasks000000001" else table
        if name not in self.tables[base]:
            return airtable_error(
                404, "TABLE_NOT_FOUND", f"Could not find table {table} in application {base}"
            )
        return self.tables[base][name]

    def _list(self, request: Request, base: str, table: str) -> Response:
        records = self._records(request, base, table)
        if isinstance(records, Response):
            return records
        formula = request.args.get("filterByFormula")
        if formula:
            found = _FORMULA.match(formula.strip())
            if not found:
                return airtable_error(
                    422, "INVALID_FILTER_BY_FORMULA", "The formula for filtering records is invalid"
                )
            name = found.group(1)
            if not any(name in r["fields"] for r in records):
                return airtable_error(
                    422,
                    "INVALID_FILTER_BY_FORMULA",
                    f"The formula for filtering records is invalid: Unknown field names: {name.lower()}",
                )
            text = found.group(2) if found.group(2) is not None else found.group(3)
            value: Any = text if text is not None else float(found.group(4))
            records = [r for r in records if r["fields"].get(name) == value]
        for index in range(9, -1, -1):  # apply sort[0] last so it wins
            field = request.args.get(f"sort[{index}][field]")
            if field:
                descending = request.args.get(f"sort[{index}][direction]") == "desc"
                records = sorted(records, key=lambda r: str(r["fields"].get(field, "")), reverse=descending)
        if "maxRecords" in request.args:
            records = records[: int(request.args["maxRecords"])]
        size = int(request.args.get("pageSize", 100))
        if size > 100:
            return airtable_error(422, "INVALID_PAGE_SIZE", "pageSize must be at most 100")
        offset = request.args.get("offset")
        start = int(offset.removeprefix("itr").split("/")[0]) if offset else 0
        fields = request.args.getlist("fields[]")
        page = [
            {**r, "fields": {k: v for k, v in r["fields"].items() if not fields or k in fields}}
            for r in records[start : start + size]
        ]
        body: dict[str, Any] = {"records": page}
        if start + size < len(records):
            body["offset"] = f"itr{start + size}/{records[start + size]['id']}"
        return json_response(body)

    def _get(self, request: Request, base: str, table: str, record_id: str) -> Response:
        records = self._records(request, base, table)
        if isinstance(records, Response):
            return records
        found = next((r for r in records if r["id"] == record_id), None)
        return json_response(found) if found else json_response({"error": "NOT_FOUND"}, 404)

    def _batch(self, request: Request) -> list[dict[str, Any]] | Response:
        batch = (request.get_json(silent=True) or {}).get("records")
        if not isinstance(batch, list) or not batch or len(batch) > 10:
            return airtable_error(
                422,
                "INVALID_RECORDS",
                "You must provide an array of up to 10 record objects, each with a fields object.",
            )
        return batch

    def _create(self, request: Request, base: str, table: str) -> Response:
        records = self._records(request, base, table)
        if isinstance(records, Response):
            return records
        batch = self._batch(request)
        if isinstance(batch, Response):
            return batch
        created = [self.add_record(item["fields"], base) for item in batch]
        return json_response({"records": created})

    def _update(self, request: Request, base: str, table: str) -> Response:
        records = self._records(request, base, table)
        if isinstance(records, Response):
            return records
        batch = self._batch(request)
        if isinstance(batch, Response):
            return batch
        merge_on = ((request.get_json() or {}).get("performUpsert") or {}).get("fieldsToMergeOn")
        result: dict[str, Any] = {"records": []}
        if merge_on:
            result |= {"createdRecords": [], "updatedRecords": []}
        for item in batch:
            if merge_on:
                key = [item["fields"].get(name) for name in merge_on]
                target = next((r for r in records if [r["fields"].get(n) for n in merge_on] == key), None)
            else:
                target = next((r for r in records if r["id"] == item.get("id")), None)
                if target is None:
                    return airtable_error(
                        404, "MODEL_ID_NOT_FOUND", f"Record ID {item.get('id')} does not exist in this table"
                    )
            if target is None:
                target = self.add_record(item["fields"], base)
                result["createdRecords"].append(target["id"])
            else:
                target["fields"] = (
                    dict(item["fields"])
                    if request.method == "PUT"
                    else {**target["fields"], **item["fields"]}
                )
                if merge_on:
                    result["updatedRecords"].append(target["id"])
            result["records"].append(target)
        return json_response(result)
