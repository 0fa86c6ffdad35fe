"""Keep the platform table across restarts: moto is in memory, so its items are copied to SQLite.

The snapshot is the whole table (every item in DynamoDB's wire format) written in one SQLite
transaction, so a crash leaves either the previous or the new copy. ``TableSnapshot.load`` puts the
items back into a fresh table at start. The platform flushes after changes (debounced) and on stop.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

__all__ = ["TableSnapshot"]

_SCHEMA = "CREATE TABLE IF NOT EXISTS items (pk TEXT NOT NULL, sk TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (pk, sk))"


class TableSnapshot:
    """A SQLite copy of one DynamoDB table, read and written through a boto3 DynamoDB client.

    Example:
        >>> snapshot = TableSnapshot(Path(".wfaib/table.sqlite3"), dynamodb, "wfaib")  # doctest: +SKIP
        >>> snapshot.load()   # at start: SQLite -> table
        >>> snapshot.save()   # later: table -> SQLite
    """

    def __init__(self, path: Path, dynamodb: Any, table_name: str) -> None:
        self._path = path
        self._dynamodb = dynamodb
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

    def save(self) -> int:
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
