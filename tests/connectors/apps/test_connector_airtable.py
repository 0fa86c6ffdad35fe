"""Airtable connector against a fake Airtable Web API (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fakes.airtable import BASE_ID, OTHER_BASE_ID, TOKEN, FakeAirtable

from connectors.airtable import connector
from connectors.airtable.models import table_path
from connectors.airtable.records import ListRecordsInput
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester

TASKS = {"base_id": BASE_ID, "table": "Tasks"}


@pytest.fixture
def airtable() -> Iterator[FakeAirtable]:
    with FakeAirtable() as server:
        yield server


@pytest.fixture
def tester(airtable: FakeAirtable) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": TOKEN}, base_url=airtable.url)


def test_list_records_follows_offset_with_formula_fields_and_sort(
    airtable: FakeAirtable, tester: ConnectorTester
) -> None:
    for n in range(5):
        airtable.add_record({"Name": f"task {n}", "Status": "Open", "Notes": "x"})
    airtable.add_record({"Name": "done", "Status": "Closed"})
    out = tester.run(
        "list_records",
        {
            **TASKS,
            "filter_by_formula": "{Status} = 'Open'",
            "fields": ["Name", "Status"],
            "sort": [{"field": "Name", "direction": "desc"}],
            "page_size": 2,
        },
    )
    assert [r["fields"]["Name"] for r in out["records"]] == [f"task {n}" for n in range(4, -1, -1)]
    assert all(set(r["fields"]) == {"Name", "Status"} for r in out["records"])
    assert out["records"][0]["created_time"] == "2026-11-21T09:00:00.000Z"
    assert out["offset"] is None
    first, *rest = airtable.requests
    assert first.path == f"/v0/{BASE_ID}/Tasks"
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert first.query["fields[]"] == ["Name", "Status"]
    assert first.query["sort[0][field]"] == ["Name"] and first.query["sort[0][direction]"] == ["desc"]
    assert first.query["filterByFormula"] == ["{Status} = 'Open'"]
    assert [r.query["offset"][0].split("/")[0] for r in rest] == ["itr2", "itr4"]


def test_list_stops_at_max_pages_and_resumes(airtable: FakeAirtable, tester: ConnectorTester) -> None:
    for n in range(5):
        airtable.add_record({"Name": f"task {n}"})
    first = tester.run("list_records", {**TASKS, "page_size": 2, "max_pages": 1})
    assert len(first["records"]) == 2 and first["offset"]
    rest = tester.run("list_records", {**TASKS, "page_size": 2, "offset": first["offset"]})
    assert [r["fields"]["Name"] for r in rest["records"]] == ["task 2", "task 3", "task 4"]


def test_table_names_are_url_encoded(airtable: FakeAirtable, tester: ConnectorTester) -> None:
    airtable.tables[BASE_ID]["Q4 Leads"] = []
    assert tester.run("list_records", {"base_id": BASE_ID, "table": "Q4 Leads"}) == {
        "records": [],
        "offset": None,
    }
    assert airtable.requests[-1].path == f"/v0/{BASE_ID}/Q4 Leads"
    path = table_path(ListRecordsInput(base_id=BASE_ID, table="Leads/2026 Q4"))
    assert path == f"/v0/{BASE_ID}/Leads%2F2026%20Q4"  # a slash in a name stays inside one segment


def test_create_records_sends_batches_of_ten_paced_per_base(
    airtable: FakeAirtable, tester: ConnectorTester
) -> None:
    out = tester.run(
        "create_records", {**TASKS, "records": [{"Name": f"r{n}"} for n in range(23)], "typecast": True}
    )
    assert [r["fields"]["Name"] for r in out["records"]] == [f"r{n}" for n in range(23)]
    assert [len(r.json()["records"]) for r in airtable.requests] == [10, 10, 3]
    assert all(r.method == "POST" and r.json()["typecast"] is True for r in airtable.requests)
    assert tester.sleeps == [0.2, 0.2]  # 5 requests per second per base
    assert len(airtable.tables[BASE_ID]["Tasks"]) == 23


def test_get_record(airtable: FakeAirtable, tester: ConnectorTester) -> None:
    record = airtable.add_record({"Name": "one"})
    out = tester.run("get_record", {**TASKS, "record_id": record["id"]})
    assert out == {"id": record["id"], "created_time": record["createdTime"], "fields": {"Name": "one"}}
    with pytest.raises(NotFoundError, match="NOT_FOUND"):
        tester.run("get_record", {**TASKS, "record_id": "rec" + "9" * 14})


def test_update_records_by_id_patches_and_put_replaces(
    airtable: FakeAirtable, tester: ConnectorTester
) -> None:
    record = airtable.add_record({"Name": "one", "Status": "Open"})
    out = tester.run(
        "update_records", {**TASKS, "records": [{"id": record["id"], "fields": {"Status": "Closed"}}]}
    )
    assert out["records"][0]["fields"] == {"Name": "one", "Status": "Closed"}
    assert out["updated_record_ids"] == [record["id"]] and airtable.requests[-1].method == "PATCH"
    tester.run(
        "update_records",
        {**TASKS, "records": [{"id": record["id"], "fields": {"Name": "uno"}}], "replace": True},
    )
    assert airtable.requests[-1].method == "PUT"
    assert record["fields"] == {"Name": "uno"}


def test_upsert_merges_on_fields(airtable: FakeAirtable, tester: ConnectorTester) -> None:
    existing = airtable.add_record({"Email": "ada@example.com", "Plan": "free"})
    out = tester.run(
        "update_records",
        {
            **TASKS,
            "merge_on": ["Email"],
            "records": [
                {"fields": {"Email": "ada@example.com", "Plan": "pro"}},
                {"fields": {"Email": "bob@example.com", "Plan": "free"}},
            ],
        },
    )
    assert out["updated_record_ids"] == [existing["id"]]
    assert len(out["created_record_ids"]) == 1 and out["created_record_ids"][0] != existing["id"]
    assert airtable.requests[-1].json()["performUpsert"] == {"fieldsToMergeOn": ["Email"]}
    assert existing["fields"]["Plan"] == "pro"


def test_wrong_token_is_an_auth_error_without_the_token(
    airtable: FakeAirtable, logs_without: Callable[..., None]
) -> None:
    wrong = ConnectorTester(connector, credential={"token": "patWRONGwrong.0000"}, base_url=airtable.url)
    with pytest.raises(AuthError, match=r"Authentication required \(AUTHENTICATION_REQUIRED\)") as caught:
        wrong.run("list_records", TASKS)
    assert "patWRONGwrong.0000" not in str(caught.value)
    logs_without("patWRONGwrong.0000")


def test_unknown_base_table_and_bad_formula(tester: ConnectorTester) -> None:
    with pytest.raises(AuthError, match="INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND"):
        tester.run("list_records", {"base_id": "appNOPEnope000000", "table": "Tasks"})
    with pytest.raises(NotFoundError, match="TABLE_NOT_FOUND"):
        tester.run("list_records", {"base_id": BASE_ID, "table": "Nope"})
    with pytest.raises(InvalidInputError, match="Unknown field names"):
        tester.run("list_records", {**TASKS, "filter_by_formula": "{Missing} = 1"})


def test_rate_limit_is_per_base_and_waits_out_the_penalty(
    airtable: FakeAirtable, tester: ConnectorTester
) -> None:
    airtable.add_record({"Name": "other"}, base=OTHER_BASE_ID)
    airtable.rate_limited[BASE_ID] = 3
    with pytest.raises(RateLimitedError, match=r"RATE_LIMIT_REACHED") as caught:
        tester.run("list_records", TASKS)
    assert caught.value.retry_after == 30.0  # the state machine's Retry waits, not the Lambda
    assert len(tester.sleeps) == 2 and all(s < 5 for s in tester.sleeps)  # short in-function retries only
    other = tester.run("list_records", {"base_id": OTHER_BASE_ID, "table": "Tasks"})
    assert [r["fields"]["Name"] for r in other["records"]] == ["other"]


def test_a_short_rate_limit_is_retried_in_the_function(
    airtable: FakeAirtable, tester: ConnectorTester
) -> None:
    airtable.fail_next(
        429, {"error": {"type": "RATE_LIMIT_REACHED", "message": "slow down"}}, headers={"Retry-After": "1"}
    )
    assert tester.run("list_records", TASKS) == {"records": [], "offset": None}
    assert tester.sleeps == [1.0]


def test_server_error_surfaces_as_retryable(airtable: FakeAirtable, tester: ConnectorTester) -> None:
    airtable.fail_next(500, {"error": {"type": "SERVER_ERROR", "message": "Try again"}})
    with pytest.raises(UpstreamUnavailableError, match=r"Try again \(SERVER_ERROR\)"):
        tester.run("create_records", {**TASKS, "records": [{"Name": "x"}]})
    assert airtable.tables[BASE_ID]["Tasks"] == []


def test_invalid_input_is_refused_before_calling_airtable(
    airtable: FakeAirtable, tester: ConnectorTester
) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.base_id"):
        tester.run("list_records", {"base_id": "base1", "table": "Tasks"})
    with pytest.raises(InvalidInputError, match=r"params\.records"):
        tester.run("create_records", {**TASKS, "records": []})
    with pytest.raises(InvalidInputError, match="needs an `id` unless `merge_on`"):
        tester.run("update_records", {**TASKS, "records": [{"fields": {"Name": "x"}}]})
    assert airtable.requests == []
