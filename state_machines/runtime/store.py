"""SQLite persistence of executions, their history and their effects journal.

One file (e.g. ``.wfaib/runtime.sqlite``) in WAL mode. Writes are batched: an execution row when
it starts and ends, and the events plus journal entries accumulated since the last write whenever
an effect completes (a task result, a timer set) — pure transitions between effects are
recomputed on replay rather than written one by one.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["ExecutionRow", "Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY,
    state_machine_arn TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    type TEXT NOT NULL,
    definition TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    role_arn TEXT NOT NULL,
    start_date TEXT NOT NULL,
    stop_date TEXT,
    redrive_count INTEGER NOT NULL DEFAULT 0,
    redrive_date TEXT,
    version_arn TEXT,
    alias_arn TEXT,
    parent TEXT
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_date);
CREATE TABLE IF NOT EXISTS events (
    arn TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (arn, first_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journal (
    arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
) WITHOUT ROWID;
"""

ExecutionRow = dict[str, Any]


def _batch_to_json(events: list[dict[str, Any]]) -> str:
    """A batch of events as one JSON array: one encode and one row per write, not one per event."""
    return json.dumps(
        [{**event, "timestamp": event["timestamp"].isoformat()} for event in events],
        separators=(",", ":"),
    )


def _batch_from_json(text: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(text)
    for event in events:
        event["timestamp"] = datetime.fromisoformat(event["timestamp"])
    return events


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    """Executions, events and journal entries in one SQLite database (``:memory:`` allowed)."""

    def __init__(self, path: Path | None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def acquire_lease(self) -> bool:
        """Become the process that resumes unfinished executions, unless a live one already is.

        Two runtimes replaying the same execution would run its tasks twice; a second process on
        the same file (a CLI listing runs while ``wfaib dev`` runs) must only read.
        """
        me, host = os.getpid(), socket.gethostname()
        with self._lock, self._db:
            row = self._db.execute("SELECT pid, host FROM lease WHERE id = 1").fetchone()
            if row is not None and row[0] != me and row[1] == host and _alive(row[0]):
                return False
            self._db.execute("INSERT OR REPLACE INTO lease (id, pid, host) VALUES (1, ?, ?)", (me, host))
        return True

    def release_lease(self) -> None:
        """Give up the lease held by this process."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM lease WHERE id = 1 AND pid = ?", (os.getpid(),))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def upsert_execution(self, row: ExecutionRow) -> None:
        """Insert or replace an execution row."""
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._lock, self._db:
            self._db.execute(
                f"INSERT OR REPLACE INTO executions ({columns}) VALUES ({marks})", list(row.values())
            )

    def save_progress(
        self,
        arn: str,
        events: list[dict[str, Any]],
        journal: dict[str, Any],
        execution: ExecutionRow | None = None,
    ) -> None:
        """Write new events, new journal entries and (optionally) execution columns in one commit."""
        with self._lock, self._db:
            if events:
                self._db.execute(
                    "INSERT OR REPLACE INTO events (arn, first_id, body) VALUES (?, ?, ?)",
                    (arn, events[0]["id"], _batch_to_json(events)),
                )
            if journal:
                self._db.executemany(
                    "INSERT OR REPLACE INTO journal (arn, key, value) VALUES (?, ?, ?)",
                    [(arn, key, json.dumps(value)) for key, value in journal.items()],
                )
            if execution is not None:
                assignments = ", ".join(f"{column} = ?" for column in execution if column != "arn")
                values = [value for column, value in execution.items() if column != "arn"]
                self._db.execute(f"UPDATE executions SET {assignments} WHERE arn = ?", [*values, arn])

    def execution(self, arn: str) -> ExecutionRow | None:
        """One execution row, or ``None``."""
        with self._lock:
            cursor = self._db.execute("SELECT * FROM executions WHERE arn = ?", (arn,))
            row = cursor.fetchone()
            names = [d[0] for d in cursor.description]
        return dict(zip(names, row, strict=True)) if row else None

    def executions(
        self, state_machine_arn: str | None = None, status: str | None = None
    ) -> list[ExecutionRow]:
        """Execution rows, newest first, optionally filtered."""
        query = "SELECT * FROM executions WHERE 1=1"
        args: list[Any] = []
        if state_machine_arn is not None:
            query += " AND state_machine_arn = ?"
            args.append(state_machine_arn)
        if status is not None:
            query += " AND status = ?"
            args.append(status)
        query += " ORDER BY start_date DESC"
        with self._lock:
            cursor = self._db.execute(query, args)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def events(self, arn: str) -> list[dict[str, Any]]:
        """The persisted history of an execution, in id order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM events WHERE arn = ? ORDER BY first_id", (arn,)
            ).fetchall()
        return [event for (body,) in rows for event in _batch_from_json(body)]

    def journal(self, arn: str) -> dict[str, Any]:
        """The effects journal of an execution."""
        with self._lock:
            rows = self._db.execute("SELECT key, value FROM journal WHERE arn = ?", (arn,)).fetchall()
        return {key: json.loads(value) for key, value in rows}

    def clear_progress(self, arn: str, keep_events: bool) -> None:
        """Forget the journal (for a redrive), optionally keeping the events."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM journal WHERE arn = ?", (arn,))
            if not keep_events:
                self._db.execute("DELETE FROM events WHERE arn = ?", (arn,))
