"""State machines, versions, aliases and tags, kept in SQLite so that they survive restarts.

The registry stores what the Step Functions control plane stores and nothing about executions
(the runtime keeps those). It enforces the rules AWS enforces on the data itself: unique names,
version numbers that never repeat, revision ids, an alias may only point at versions of its own
state machine, and a version an alias routes to cannot be deleted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from wfaib.sfn_local.arns import ArnFactory, parse_state_machine_arn
from wfaib.sfn_local.exceptions import SfnApiError

__all__ = [
    "AliasRecord",
    "ExecutionDefinition",
    "Registry",
    "RoutingEntry",
    "StateMachineRecord",
    "VersionRecord",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state_machines (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    revision_id TEXT,
    creation_date REAL NOT NULL,
    update_date REAL NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1,
    config TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS versions (
    arn TEXT PRIMARY KEY,
    state_machine_arn TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    revision_id TEXT,
    description TEXT,
    creation_date REAL NOT NULL,
    config TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS aliases (
    arn TEXT PRIMARY KEY,
    state_machine_arn TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    routing TEXT NOT NULL,
    creation_date REAL NOT NULL,
    update_date REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS execution_definitions (
    execution_arn TEXT PRIMARY KEY,
    state_machine_arn TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    revision_id TEXT,
    update_date REAL NOT NULL,
    config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tags (
    resource_arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
);
"""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class StateMachineRecord(_Record):
    """A state machine as the registry keeps it (its current, unpublished revision)."""

    arn: str
    name: str
    type: str
    definition: str
    role_arn: str
    revision_id: str | None
    creation_date: float
    update_date: float
    config: dict[str, Any]


class VersionRecord(_Record):
    """An immutable published version of a state machine."""

    arn: str
    state_machine_arn: str
    version: int
    definition: str
    role_arn: str
    revision_id: str | None
    description: str | None
    creation_date: float
    config: dict[str, Any]


class ExecutionDefinition(_Record):
    """The definition an execution started with (DescribeStateMachineForExecution)."""

    execution_arn: str
    state_machine_arn: str
    name: str
    definition: str
    role_arn: str
    revision_id: str | None
    update_date: float
    config: dict[str, Any]


class RoutingEntry(_Record):
    """One version an alias routes to, with its share of executions in percent."""

    state_machine_version_arn: str
    weight: int


class AliasRecord(_Record):
    """An alias: a name that routes executions to one or two versions by weight."""

    arn: str
    state_machine_arn: str
    name: str
    description: str | None
    routing: tuple[RoutingEntry, ...]
    creation_date: float
    update_date: float


class Registry:
    """The SQLite-backed store of the local Step Functions control plane.

    ``db_path=None`` keeps everything in memory (tests). One connection serialised by a lock:
    the HTTP server is threaded and SQLite connections are not shareable across threads otherwise.

    Example:
        >>> reg = Registry(None, ArnFactory("us-east-1", "123456789012"))
        >>> reg.create_state_machine("orders", "{}", "arn:aws:iam::123456789012:role/x", "STANDARD", {}).arn
        'arn:aws:states:us-east-1:123456789012:stateMachine:orders'
    """

    def __init__(self, db_path: Path | None, arns: ArnFactory) -> None:
        if db_path is not None:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        self.arns = arns
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            ":memory:" if db_path is None else str(db_path), check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # As the runtime's journal does: WAL stays consistent on a crash without an fsync per start.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- state machines -------------------------------------------------------------------

    def create_state_machine(
        self, name: str, definition: str, role_arn: str, type_: str, config: dict[str, Any]
    ) -> StateMachineRecord:
        """Create a state machine; re-creating an identical one is idempotent, as in AWS."""
        arn = self.arns.state_machine(name)
        now = time.time()
        with self._transaction() as db:
            row = db.execute("SELECT * FROM state_machines WHERE arn = ?", (arn,)).fetchone()
            if row is not None:
                existing = _state_machine(row)
                if (existing.definition, existing.role_arn, existing.type, existing.config) == (
                    definition,
                    role_arn,
                    type_,
                    config,
                ):
                    return existing
                raise SfnApiError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")
            db.execute(
                "INSERT INTO state_machines (arn, name, type, definition, role_arn, revision_id,"
                " creation_date, update_date, config) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                (arn, name, type_, definition, role_arn, now, now, json.dumps(config)),
            )
        return self.get_state_machine(arn)

    def get_state_machine(self, arn: str) -> StateMachineRecord:
        """The state machine with this (unqualified) ARN, or ``StateMachineDoesNotExist``."""
        with self._lock:
            row = self._db.execute("SELECT * FROM state_machines WHERE arn = ?", (arn,)).fetchone()
        if row is None:
            raise SfnApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
        return _state_machine(row)

    def list_state_machines(self) -> list[StateMachineRecord]:
        """Every state machine, ordered by name as AWS lists them."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM state_machines ORDER BY name").fetchall()
        return [_state_machine(row) for row in rows]

    def update_state_machine(
        self, arn: str, definition: str | None, role_arn: str | None, config: dict[str, Any]
    ) -> StateMachineRecord:
        """Change the current revision; a new revision id is minted when anything changed."""
        with self._transaction() as db:
            current = self.get_state_machine(arn)
            new_definition = current.definition if definition is None else definition
            new_role = current.role_arn if role_arn is None else role_arn
            new_config = {**current.config, **config}
            changed = (new_definition, new_role, new_config) != (
                current.definition,
                current.role_arn,
                current.config,
            )
            revision = str(uuid.uuid4()) if changed or current.revision_id is None else current.revision_id
            db.execute(
                "UPDATE state_machines SET definition = ?, role_arn = ?, config = ?, revision_id = ?,"
                " update_date = ? WHERE arn = ?",
                (new_definition, new_role, json.dumps(new_config), revision, time.time(), arn),
            )
        return self.get_state_machine(arn)

    def delete_state_machine(self, arn: str) -> None:
        """Delete a state machine with its versions, aliases and tags (idempotent, as in AWS)."""
        with self._transaction() as db:
            owned = [arn]
            owned += [
                r["arn"] for r in db.execute("SELECT arn FROM versions WHERE state_machine_arn = ?", (arn,))
            ]
            owned += [
                r["arn"] for r in db.execute("SELECT arn FROM aliases WHERE state_machine_arn = ?", (arn,))
            ]
            db.executemany("DELETE FROM tags WHERE resource_arn = ?", [(a,) for a in owned])
            db.execute("DELETE FROM versions WHERE state_machine_arn = ?", (arn,))
            db.execute("DELETE FROM aliases WHERE state_machine_arn = ?", (arn,))
            db.execute("DELETE FROM state_machines WHERE arn = ?", (arn,))

    # -- versions ---------------------------------------------------------------------------

    def publish_version(self, arn: str, revision_id: str | None, description: str | None) -> VersionRecord:
        """Publish the current revision as the next version; idempotent per revision, as in AWS."""
        with self._transaction() as db:
            machine = self.get_state_machine(arn)
            current_revision = machine.revision_id or "INITIAL"
            if revision_id is not None and revision_id != current_revision:
                raise SfnApiError(
                    "ConflictException",
                    f"Failed to publish the State Machine version for revision {revision_id}. "
                    f"The current State Machine revision is {current_revision}.",
                )
            published = db.execute(
                "SELECT * FROM versions WHERE state_machine_arn = ? AND revision_id IS ?",
                (arn, machine.revision_id),
            ).fetchone()
            if published is not None:
                existing = _version(published)
                if description is not None and description != existing.description:
                    raise SfnApiError(
                        "ConflictException",
                        f"Version {existing.arn} already exists for revision "
                        f"{current_revision} with a different description.",
                    )
                return existing
            number = db.execute("SELECT next_version FROM state_machines WHERE arn = ?", (arn,)).fetchone()[0]
            version_arn = self.arns.qualified(arn, number)
            db.execute(
                "INSERT INTO versions (arn, state_machine_arn, version, definition, role_arn, revision_id,"
                " description, creation_date, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    version_arn,
                    arn,
                    number,
                    machine.definition,
                    machine.role_arn,
                    machine.revision_id,
                    description,
                    time.time(),
                    json.dumps(machine.config),
                ),
            )
            db.execute("UPDATE state_machines SET next_version = ? WHERE arn = ?", (number + 1, arn))
        return self.get_version(version_arn)

    def get_version(self, version_arn: str) -> VersionRecord:
        """A published version, or ``StateMachineDoesNotExist``."""
        with self._lock:
            row = self._db.execute("SELECT * FROM versions WHERE arn = ?", (version_arn,)).fetchone()
        if row is None:
            raise SfnApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{version_arn}'")
        return _version(row)

    def list_versions(self, arn: str) -> list[VersionRecord]:
        """Versions of a state machine, newest first (AWS's order)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM versions WHERE state_machine_arn = ? ORDER BY version DESC", (arn,)
            ).fetchall()
        return [_version(row) for row in rows]

    def delete_version(self, version_arn: str) -> None:
        """Delete a version unless an alias routes to it (``ConflictException``, as in AWS)."""
        with self._transaction() as db:
            for alias in self._aliases_of(parse_state_machine_arn(version_arn).base_arn):
                if any(e.state_machine_version_arn == version_arn for e in alias.routing):
                    raise SfnApiError(
                        "ConflictException",
                        f"Version to be deleted must not be referenced by an alias. "
                        f"Current list of aliases referencing this version: [{alias.arn}]",
                    )
            db.execute("DELETE FROM versions WHERE arn = ?", (version_arn,))
            db.execute("DELETE FROM tags WHERE resource_arn = ?", (version_arn,))

    # -- aliases ------------------------------------------------------------------------------

    def create_alias(
        self, name: str, description: str | None, routing: tuple[RoutingEntry, ...]
    ) -> AliasRecord:
        """Create an alias over versions of one state machine; identical re-creation is idempotent."""
        machine_arn = self._check_routing(routing)
        arn = self.arns.qualified(machine_arn, name)
        now = time.time()
        with self._transaction() as db:
            row = db.execute("SELECT * FROM aliases WHERE arn = ?", (arn,)).fetchone()
            if row is not None:
                existing = _alias(row)
                if (existing.description, existing.routing) == (description, routing):
                    return existing
                raise SfnApiError("ConflictException", f"Alias already exists: '{arn}'")
            db.execute(
                "INSERT INTO aliases (arn, state_machine_arn, name, description, routing, creation_date,"
                " update_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (arn, machine_arn, name, description, _dump_routing(routing), now, now),
            )
        return self.get_alias(arn)

    def get_alias(self, alias_arn: str) -> AliasRecord:
        """An alias, or ``ResourceNotFound`` (AWS's error for a missing alias)."""
        with self._lock:
            row = self._db.execute("SELECT * FROM aliases WHERE arn = ?", (alias_arn,)).fetchone()
        if row is None:
            raise SfnApiError("ResourceNotFound", f"Resource not found: '{alias_arn}'")
        return _alias(row)

    def list_aliases(self, machine_arn: str) -> list[AliasRecord]:
        """Aliases of a state machine, by name."""
        with self._lock:
            return self._aliases_of(machine_arn)

    def update_alias(
        self, alias_arn: str, description: str | None, routing: tuple[RoutingEntry, ...] | None
    ) -> AliasRecord:
        """Change an alias's description and/or routing (promote, roll back)."""
        with self._transaction() as db:
            current = self.get_alias(alias_arn)
            if routing is not None and self._check_routing(routing) != current.state_machine_arn:
                raise SfnApiError(
                    "ValidationException",
                    "Routing configuration must contain versions of the same state machine",
                )
            db.execute(
                "UPDATE aliases SET description = ?, routing = ?, update_date = ? WHERE arn = ?",
                (
                    current.description if description is None else description,
                    _dump_routing(current.routing if routing is None else routing),
                    time.time(),
                    alias_arn,
                ),
            )
        return self.get_alias(alias_arn)

    def delete_alias(self, alias_arn: str) -> None:
        """Delete an alias (idempotent)."""
        with self._transaction() as db:
            db.execute("DELETE FROM aliases WHERE arn = ?", (alias_arn,))
            db.execute("DELETE FROM tags WHERE resource_arn = ?", (alias_arn,))

    def _aliases_of(self, machine_arn: str) -> list[AliasRecord]:
        rows = self._db.execute(
            "SELECT * FROM aliases WHERE state_machine_arn = ? ORDER BY name", (machine_arn,)
        ).fetchall()
        return [_alias(row) for row in rows]

    def _check_routing(self, routing: tuple[RoutingEntry, ...]) -> str:
        """Check AWS's routing rules and return the state machine the versions belong to."""
        if not 1 <= len(routing) <= 2:
            raise SfnApiError("ValidationException", "Routing configuration must contain one or two versions")
        if sum(entry.weight for entry in routing) != 100:
            raise SfnApiError("ValidationException", "Sum of routing configuration weights must equal 100")
        arns = {entry.state_machine_version_arn for entry in routing}
        if len(arns) != len(routing):
            raise SfnApiError("ValidationException", "Routing configuration must contain distinct versions")
        machines = set()
        for version_arn in sorted(arns):
            parsed = parse_state_machine_arn(version_arn)
            if parsed.version is None:
                raise SfnApiError("ValidationException", f"Invalid version ARN in routing: '{version_arn}'")
            try:
                self.get_version(version_arn)
            except SfnApiError as exc:
                raise SfnApiError("ResourceNotFound", f"Resource not found: '{version_arn}'") from exc
            machines.add(parsed.base_arn)
        if len(machines) != 1:
            raise SfnApiError(
                "ValidationException", "Routing configuration must contain versions of the same state machine"
            )
        return machines.pop()

    # -- what executions ran -------------------------------------------------------------------

    def remember_execution(self, record: ExecutionDefinition) -> None:
        """Keep the definition an execution started with; a repeated (idempotent) start keeps the first."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO execution_definitions (execution_arn, state_machine_arn, name, definition,"
                " role_arn, revision_id, update_date, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.execution_arn,
                    record.state_machine_arn,
                    record.name,
                    record.definition,
                    record.role_arn,
                    record.revision_id,
                    record.update_date,
                    json.dumps(record.config),
                ),
            )

    def execution_definition(self, execution_arn: str) -> ExecutionDefinition | None:
        """The definition an execution started with, if it was started through this API."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM execution_definitions WHERE execution_arn = ?", (execution_arn,)
            ).fetchone()
        if row is None:
            return None
        return ExecutionDefinition(**{**dict(row), "config": json.loads(row["config"])})

    # -- tags ---------------------------------------------------------------------------------

    def tag(self, resource_arn: str, tags: dict[str, str]) -> None:
        """Add or overwrite tags on a resource."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO tags (resource_arn, key, value) VALUES (?, ?, ?)",
                [(resource_arn, key, value) for key, value in tags.items()],
            )

    def untag(self, resource_arn: str, keys: list[str]) -> None:
        """Remove tags from a resource."""
        with self._transaction() as db:
            db.executemany(
                "DELETE FROM tags WHERE resource_arn = ? AND key = ?", [(resource_arn, key) for key in keys]
            )

    def tags(self, resource_arn: str) -> dict[str, str]:
        """The tags of a resource, by key."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key", (resource_arn,)
            ).fetchall()
        return {row["key"]: row["value"] for row in rows}


def _dump_routing(routing: tuple[RoutingEntry, ...]) -> str:
    return json.dumps([entry.model_dump() for entry in routing])


def _state_machine(row: sqlite3.Row) -> StateMachineRecord:
    return StateMachineRecord(
        arn=row["arn"],
        name=row["name"],
        type=row["type"],
        definition=row["definition"],
        role_arn=row["role_arn"],
        revision_id=row["revision_id"],
        creation_date=row["creation_date"],
        update_date=row["update_date"],
        config=json.loads(row["config"]),
    )


def _version(row: sqlite3.Row) -> VersionRecord:
    return VersionRecord(
        arn=row["arn"],
        state_machine_arn=row["state_machine_arn"],
        version=row["version"],
        definition=row["definition"],
        role_arn=row["role_arn"],
        revision_id=row["revision_id"],
        description=row["description"],
        creation_date=row["creation_date"],
        config=json.loads(row["config"]),
    )


def _alias(row: sqlite3.Row) -> AliasRecord:
    return AliasRecord(
        arn=row["arn"],
        state_machine_arn=row["state_machine_arn"],
        name=row["name"],
        description=row["description"],
        routing=tuple(RoutingEntry(**entry) for entry in json.loads(row["routing"])),
        creation_date=row["creation_date"],
        update_date=row["update_date"],
    )
