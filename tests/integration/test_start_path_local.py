"""The local platform's plumbing under the start path: moto served with keep-alive, and the table
snapshot saved incrementally from the table's stream (only what changed), still complete."""

from __future__ import annotations

import http.client
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.shared.models import TABLE_DEFINITION
from wfaib.dev.aws import MotoServer
from wfaib.dev.snapshot import TableSnapshot

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    server = MotoServer().start()
    yield server
    server.stop()


def _item(pk: str, sk: str, value: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, "value": {"S": value}}


def _saved(path: Path) -> dict[tuple[str, str], str]:
    with sqlite3.connect(path) as connection:
        return {(pk, sk): item for pk, sk, item in connection.execute("SELECT pk, sk, item FROM items")}


def test_moto_answers_many_requests_on_one_connection(moto: MotoServer) -> None:
    host, port = moto.endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    headers = {
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }
    answers = []
    for _ in range(3):
        connection.request("POST", "/", body=b"{}", headers=headers)
        response = connection.getresponse()
        answers.append((response.status, response.getheader("Connection"), response.read()))
        assert connection.sock is not None  # still open: the next request reuses it

    assert [(status, closing) for status, closing, _ in answers] == [(200, None)] * 3
    assert all(b"TableNames" in body for _, _, body in answers)


def test_saves_write_only_what_changed_and_the_copy_stays_complete(moto: MotoServer, tmp_path: Path) -> None:
    table = f"snap-{uuid.uuid4().hex[:8]}"
    dynamodb = boto3.client("dynamodb", endpoint_url=moto.endpoint, **KEYS)  # type: ignore[call-overload]
    streams = boto3.client("dynamodbstreams", endpoint_url=moto.endpoint, **KEYS)  # type: ignore[call-overload]
    dynamodb.create_table(
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        **TABLE_DEFINITION,
    )
    path = tmp_path / "table.sqlite3"
    with sqlite3.connect(path) as connection:  # a copy saved by an earlier session
        connection.execute(
            "CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (pk, sk))"
        )
        connection.executemany(
            "INSERT INTO items VALUES (?, ?, ?)",
            [("T#a", f"K#{n}", f'{{"pk": {{"S": "T#a"}}, "sk": {{"S": "K#{n}"}}}}') for n in range(50)],
        )
    snapshot = TableSnapshot(path, dynamodb, table, streams)
    assert snapshot.load() == 50
    snapshot.follow()

    dynamodb.put_item(TableName=table, Item=_item("T#a", "K#new", "one"))
    dynamodb.put_item(TableName=table, Item=_item("T#a", "K#3", "changed"))
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": "T#a"}, "sk": {"S": "K#7"}})
    first = snapshot.save()
    nothing = snapshot.save()
    dynamodb.put_item(TableName=table, Item=_item("T#a", "K#new", "two"))
    second = snapshot.save()

    saved = _saved(path)
    assert (first, nothing, second) == (3, 0, 1)
    assert len(saved) == 50  # 50 loaded, one added, one removed
    assert ("T#a", "K#7") not in saved
    assert '"two"' in saved[("T#a", "K#new")] and '"changed"' in saved[("T#a", "K#3")]
    full = TableSnapshot(tmp_path / "full.sqlite3", dynamodb, table)
    assert full.save() == 50 and _saved(tmp_path / "full.sqlite3") == saved
