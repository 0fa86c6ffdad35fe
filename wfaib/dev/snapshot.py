"""Keep the platform's data across restarts: moto is in memory, so what it holds is copied to SQLite.

- ``TableSnapshot``: the whole platform table (every item in DynamoDB's wire format), saved
  incrementally: the table's stream (keys only) says which items changed since the last save, and
  only those are read again and written (a full copy only at the first save and on stop);
- ``SchedulesSnapshot``: the workflows' EventBridge Scheduler schedules;
- ``SecretsSnapshot``: the credential secrets (names under the credential prefix, their values and
  tags). The file is readable by its owner only: locally, secrets sit on the developer's disk.

Each copy is written in one SQLite transaction, so a crash leaves either the previous or the new
copy; ``load`` puts everything back into a fresh moto at start. The platform flushes after changes
(debounced) and on stop.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

__all__ = ["SchedulesSnapshot", "SecretsSnapshot", "TableSnapshot"]

_SCHEMA = "CREATE TABLE IF NOT EXISTS items (pk TEXT NOT NULL, sk TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (pk, sk))"


class TableSnapshot:
    """A SQLite copy of one DynamoDB table, read and written through a boto3 DynamoDB client.

    With a DynamoDB Streams client (and the table's stream on, keys only), ``follow`` starts
    reading the stream and each later ``save`` writes only the items changed since the last one.
    moto keeps a stream's records in memory (keys only, well under a kilobyte per write): fine for
    a developer's session, and the price of not rescanning the whole table on every save.

    Example:
        >>> snapshot = TableSnapshot(Path(".wfaib/table.sqlite3"), dynamodb, "wfaib", streams)  # doctest: +SKIP
        >>> snapshot.load()     # at start: SQLite -> table
        >>> snapshot.follow()   # from now on, saves are incremental
        >>> snapshot.save()     # later: what changed -> SQLite
    """

    def __init__(self, path: Path, dynamodb: Any, table_name: str, streams: Any = None) -> None:
        self._path = path
        self._dynamodb = dynamodb
        self._streams = streams
        self._iterator: str | None = None
        self._table = table_name
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def load(self) -> int:
        """Write every saved item into the table; how many."""
        with self._connect() as connection:
            rows = [
                json.loads(row[0]) for row in connection.execute("SELECT item FROM items ORDER BY pk, sk")
            ]
        for start in range(0, len(rows), 25):
            requests: dict[str, Any] = {
                self._table: [{"PutRequest": {"Item": item}} for item in rows[start : start + 25]]
            }
            while requests:
                answer = self._dynamodb.batch_write_item(RequestItems=requests)
                requests = answer.get("UnprocessedItems") or {}
        return len(rows)

    def follow(self) -> None:
        """Read the table's stream from now on: later saves write only what changed."""
        stream_arn = self._dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]
        shard = self._streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
        self._iterator = self._streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
        )["ShardIterator"]

    def save(self, *, full: bool = False) -> int:
        """Write what changed since the last save (everything when not following the stream, or
        ``full``); how many items were written or removed."""
        if full or self._iterator is None:
            return self._save_all()
        with self._lock:
            changed: set[tuple[str, str]] = set()
            while True:
                page = self._streams.get_records(ShardIterator=self._iterator, Limit=1000)
                self._iterator = page["NextShardIterator"]
                for record in page["Records"]:
                    key = record["dynamodb"]["Keys"]
                    changed.add((key["pk"]["S"], key["sk"]["S"]))
                if len(page["Records"]) < 1000:
                    break
            current = self._read(sorted(changed))
            with self._connect() as connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO items (pk, sk, item) VALUES (?, ?, ?)",
                    [(pk, sk, json.dumps(item, sort_keys=True)) for (pk, sk), item in current.items()],
                )
                connection.executemany(
                    "DELETE FROM items WHERE pk = ? AND sk = ?",
                    [key for key in changed if key not in current],
                )
            return len(changed)

    def _read(self, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The current items at ``wanted`` keys (absent: deleted), 100 per consistent batch read."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for start in range(0, len(wanted), 100):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted[start : start + 100]],
                    "ConsistentRead": True,
                }
            }
            while request:
                answer = self._dynamodb.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self._table, []):
                    found[(item["pk"]["S"], item["sk"]["S"])] = item
                request = answer.get("UnprocessedKeys") or {}
        return found

    def _save_all(self) -> int:
        """Replace the saved copy with the table's items; how many."""
        with self._lock:
            items: list[dict[str, Any]] = []
            for page in self._dynamodb.get_paginator("scan").paginate(
                TableName=self._table, ConsistentRead=True
            ):
                items.extend(page["Items"])
            with self._connect() as connection:
                connection.execute("DELETE FROM items")
                connection.executemany(
                    "INSERT INTO items (pk, sk, item) VALUES (?, ?, ?)",
                    [(item["pk"]["S"], item["sk"]["S"], json.dumps(item, sort_keys=True)) for item in items],
                )
            return len(items)


_SECRETS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, tags TEXT NOT NULL)"
)


class SecretsSnapshot:
    """A SQLite copy of the Secrets Manager secrets whose names start with ``prefix``.

    Example:
        >>> snapshot = SecretsSnapshot(Path(".wfaib/secrets.sqlite3"), secretsmanager, "wfaib/local/")  # doctest: +SKIP
        >>> snapshot.load(); snapshot.save()  # doctest: +SKIP
    """

    def __init__(self, path: Path, secretsmanager: Any, prefix: str) -> None:
        self._path = path
        self._secrets = secretsmanager
        self._prefix = prefix
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        with sqlite3.connect(path, timeout=10) as connection:
            connection.execute(_SECRETS_SCHEMA)

    def load(self) -> int:
        """Create every saved secret; how many."""
        with sqlite3.connect(self._path, timeout=10) as connection:
            rows = connection.execute("SELECT name, value, tags FROM secrets ORDER BY name").fetchall()
        for name, value, tags in rows:
            self._secrets.create_secret(Name=name, SecretString=value, Tags=json.loads(tags))
        return len(rows)

    def save(self) -> int:
        """Replace the saved copy with the current secrets (those scheduled for deletion are gone); how many."""
        with self._lock:
            rows = []
            paginator = self._secrets.get_paginator("list_secrets")
            for page in paginator.paginate(Filters=[{"Key": "name", "Values": [self._prefix]}]):
                for entry in page["SecretList"]:
                    if entry.get("DeletedDate") or not entry["Name"].startswith(self._prefix):
                        continue
                    value = self._secrets.get_secret_value(SecretId=entry["Name"])["SecretString"]
                    rows.append((entry["Name"], value, json.dumps(entry.get("Tags", []))))
            with sqlite3.connect(self._path, timeout=10) as connection:
                connection.execute("DELETE FROM secrets")
                connection.executemany("INSERT INTO secrets (name, value, tags) VALUES (?, ?, ?)", rows)
            return len(rows)


_SCHEDULES_SCHEMA = "CREATE TABLE IF NOT EXISTS schedules (name TEXT PRIMARY KEY, request TEXT NOT NULL)"
_SCHEDULE_FIELDS = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "State",
    "Target",
    "Description",
    "StartDate",
    "EndDate",
)


class SchedulesSnapshot:
    """A SQLite copy of the schedules of one EventBridge Scheduler group (as CreateSchedule requests)."""

    def __init__(self, path: Path, scheduler: Any, group: str) -> None:
        self._path = path
        self._scheduler = scheduler
        self._group = group
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path, timeout=10) as connection:
            connection.execute(_SCHEDULES_SCHEMA)

    def load(self) -> int:
        """Create every saved schedule (replacing one of the same name); how many."""
        with sqlite3.connect(self._path, timeout=10) as connection:
            rows = connection.execute("SELECT request FROM schedules ORDER BY name").fetchall()
        for (request,) in rows:
            schedule = json.loads(request)
            try:
                self._scheduler.create_schedule(**schedule)
            except self._scheduler.exceptions.ConflictException:
                self._scheduler.update_schedule(**schedule)
        return len(rows)

    def save(self) -> int:
        """Replace the saved copy with the group's schedules; how many."""
        with self._lock:
            rows = []
            for page in self._scheduler.get_paginator("list_schedules").paginate(GroupName=self._group):
                for summary in page["Schedules"]:
                    schedule = self._scheduler.get_schedule(Name=summary["Name"], GroupName=self._group)
                    request = {
                        field: schedule[field]
                        for field in _SCHEDULE_FIELDS
                        if schedule.get(field) is not None
                    }
                    rows.append((summary["Name"], json.dumps(request, default=str)))
            with sqlite3.connect(self._path, timeout=10) as connection:
                connection.execute("DELETE FROM schedules")
                connection.executemany("INSERT INTO schedules (name, request) VALUES (?, ?)", rows)
            return len(rows)
