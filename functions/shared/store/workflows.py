"""Workflows and their versions: every save a version, conditional on the version read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.shared import keys
from functions.shared.exceptions import ItemNotFoundError, StoreError, VersionConflictError
from functions.shared.models import WorkflowItem, WorkflowVersionItem, table_connection
from functions.shared.store._base import (
    Page,
    Record,
    cancelled_by_condition,
    decode_cursor,
    encode_cursor,
    utc_now,
    wrapped,
)

__all__ = [
    "VersionRecord",
    "WorkflowRecord",
    "create_workflow",
    "delete_workflow",
    "get_version",
    "get_workflow",
    "list_versions",
    "list_workflows",
    "record_publish",
    "save_workflow",
    "set_version_status",
]


class WorkflowRecord(Record):
    """The current state of a workflow."""

    id: str
    name: str
    version: int
    document: dict[str, Any]
    environments: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    updated_by: str
    version_status: dict[str, str] = {}
    """Deprecated or retired versions by number (as text); every other version is active."""

    def status_of(self, version: int) -> str:
        return self.version_status.get(str(version), "active")

    @property
    def etag(self) -> str:
        """Strong ETag of this version (``"<version>"``), checked against ``If-Match`` on save."""
        return f'"{self.version}"'


class VersionRecord(Record):
    """One saved version of a workflow."""

    workflow_id: str
    version: int
    document: dict[str, Any]
    created_at: datetime
    created_by: str
    state_machine_version_arn: str | None = None
    state_nodes: dict[str, list[str]] | None = None


def _workflow_record(item: WorkflowItem) -> WorkflowRecord:
    return WorkflowRecord(
        id=item.sk.removeprefix(keys.WORKFLOW_PREFIX),
        name=item.name,
        version=int(item.version),
        document=item.document,
        environments=item.environments or {},
        created_at=item.created_at,
        updated_at=item.updated_at,
        updated_by=item.updated_by,
        version_status=item.version_status or {},
    )


def _version_record(workflow_id: str, item: WorkflowVersionItem) -> VersionRecord:
    return VersionRecord(
        workflow_id=workflow_id,
        version=int(item.version),
        document=item.document,
        created_at=item.created_at,
        created_by=item.created_by,
        state_machine_version_arn=item.state_machine_version_arn,
        state_nodes=item.state_nodes,
    )


def _get_workflow_item(tenant_id: str, workflow_id: str) -> WorkflowItem:
    try:
        return WorkflowItem.get(
            keys.tenant_pk(tenant_id), keys.workflow_sk(workflow_id), consistent_read=True
        )
    except DoesNotExist as exc:
        raise ItemNotFoundError("Workflow", workflow_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read workflow {workflow_id}: {exc.msg}") from exc


def get_workflow(tenant_id: str, workflow_id: str) -> WorkflowRecord:
    """The current version of a workflow, or ``ItemNotFoundError``."""
    return _workflow_record(_get_workflow_item(tenant_id, workflow_id))


def list_workflows(tenant_id: str, *, limit: int, cursor: str | None = None) -> Page[WorkflowRecord]:
    """Workflows in id order, one page at a time."""
    with wrapped("list workflows"):
        results = WorkflowItem.query(
            keys.tenant_pk(tenant_id),
            WorkflowItem.sk.startswith(keys.WORKFLOW_PREFIX),
            limit=limit,
            last_evaluated_key=decode_cursor(tenant_id, cursor),
        )
        items = [_workflow_record(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))


def create_workflow(tenant_id: str, document: dict[str, Any], *, actor: str) -> WorkflowRecord:
    """Store a new workflow as version 1; ``VersionConflictError`` if the id is taken."""
    workflow_id = str(document["id"])
    now = utc_now()
    head = WorkflowItem(
        keys.tenant_pk(tenant_id),
        keys.workflow_sk(workflow_id),
        name=str(document.get("name", workflow_id)),
        version=1,
        document=document,
        environments={},
        created_at=now,
        updated_at=now,
        updated_by=actor,
    )
    _write_version(head, None, tenant_id, workflow_id, document, actor, now)
    return _workflow_record(head)


def save_workflow(
    tenant_id: str, workflow_id: str, document: dict[str, Any], *, actor: str, expected_version: int | None
) -> WorkflowRecord:
    """Save ``document`` as the next version.

    ``expected_version`` is the version the editor started from (its ``If-Match``); if another
    save came first, ``VersionConflictError`` carries the stored version and nothing is written.
    Without it the save still cannot overwrite a concurrent one: it is conditional on the version
    read just before.
    """
    current = _get_workflow_item(tenant_id, workflow_id)
    stored_version = int(current.version)
    if expected_version is not None and expected_version != stored_version:
        raise VersionConflictError(
            f"Workflow '{workflow_id}' was saved by {current.updated_by} since version {expected_version}; "
            f"the current version is {stored_version}.",
            _conflict_details(current),
        )
    now = utc_now()
    head = WorkflowItem(
        keys.tenant_pk(tenant_id),
        keys.workflow_sk(workflow_id),
        name=str(document.get("name", workflow_id)),
        version=stored_version + 1,
        document=document,
        environments=current.environments or {},
        created_at=current.created_at,
        updated_at=now,
        updated_by=actor,
    )
    _write_version(head, stored_version, tenant_id, workflow_id, document, actor, now)
    return _workflow_record(head)


def _conflict_details(current: WorkflowItem) -> dict[str, Any]:
    return {
        "current_version": int(current.version),
        "etag": f'"{int(current.version)}"',
        "updated_by": current.updated_by,
        "updated_at": current.updated_at.isoformat(),
    }


def _write_version(
    head: WorkflowItem,
    previous_version: int | None,
    tenant_id: str,
    workflow_id: str,
    document: dict[str, Any],
    actor: str,
    now: datetime,
) -> None:
    """Write the head and the new version item in one transaction, conditional on the old head."""
    version_item = WorkflowVersionItem(
        keys.tenant_pk(tenant_id),
        keys.version_sk(workflow_id, int(head.version)),
        version=head.version,
        document=document,
        created_at=now,
        created_by=actor,
    )
    condition = (
        WorkflowItem.sk.does_not_exist()
        if previous_version is None
        else WorkflowItem.version == previous_version
    )
    try:
        with TransactWrite(connection=table_connection()) as transaction:
            transaction.save(head, condition=condition)
            transaction.save(version_item, condition=WorkflowVersionItem.sk.does_not_exist())
    except TransactWriteError as exc:
        if not cancelled_by_condition(exc):
            raise StoreError(f"Could not save workflow {workflow_id}: {exc.msg}") from exc
        if previous_version is None:
            raise VersionConflictError(
                f"A workflow with id '{workflow_id}' already exists.",
                _conflict_details(_get_workflow_item(tenant_id, workflow_id)),
            ) from exc
        current = _get_workflow_item(tenant_id, workflow_id)
        raise VersionConflictError(
            f"Workflow '{workflow_id}' was saved by {current.updated_by} at the same time; "
            f"the current version is {int(current.version)}.",
            _conflict_details(current),
        ) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not save workflow {workflow_id}: {exc.msg}") from exc


def delete_workflow(tenant_id: str, workflow_id: str, *, expected_version: int | None) -> None:
    """Delete a workflow and its versions (runs stay, for the record)."""
    current = _get_workflow_item(tenant_id, workflow_id)
    if expected_version is not None and expected_version != int(current.version):
        raise VersionConflictError(
            f"Workflow '{workflow_id}' changed since version {expected_version}.", _conflict_details(current)
        )
    with wrapped(f"delete workflow {workflow_id}"):
        current.delete(condition=WorkflowItem.version == int(current.version))
        for item in WorkflowVersionItem.query(
            keys.tenant_pk(tenant_id), WorkflowVersionItem.sk.startswith(keys.version_prefix(workflow_id))
        ):
            item.delete()


def list_versions(tenant_id: str, workflow_id: str) -> list[VersionRecord]:
    """Every saved version of a workflow, newest first."""
    _get_workflow_item(tenant_id, workflow_id)
    with wrapped(f"list versions of {workflow_id}"):
        return [
            _version_record(workflow_id, item)
            for item in WorkflowVersionItem.query(
                keys.tenant_pk(tenant_id),
                WorkflowVersionItem.sk.startswith(keys.version_prefix(workflow_id)),
                scan_index_forward=False,
            )
        ]


def get_version(tenant_id: str, workflow_id: str, version: int) -> VersionRecord:
    """One saved version, or ``ItemNotFoundError``."""
    try:
        item = WorkflowVersionItem.get(keys.tenant_pk(tenant_id), keys.version_sk(workflow_id, version))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Version", f"{workflow_id}@{version}") from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read version {version} of {workflow_id}: {exc.msg}") from exc
    return _version_record(workflow_id, item)


def record_publish(
    tenant_id: str,
    workflow_id: str,
    version: int,
    *,
    environment: str,
    state_machine_arn: str,
    state_machine_version_arn: str,
    state_nodes: dict[str, list[str]],
    execution_type: str = "STANDARD",
) -> WorkflowRecord:
    """Remember which state machine version a workflow version became and where its alias points."""
    with wrapped(f"record the publication of {workflow_id}"):
        WorkflowVersionItem(keys.tenant_pk(tenant_id), keys.version_sk(workflow_id, version)).update(
            actions=[
                WorkflowVersionItem.state_machine_version_arn.set(state_machine_version_arn),
                WorkflowVersionItem.state_nodes.set(state_nodes),
            ],
            condition=WorkflowVersionItem.sk.exists(),
        )
        head = _get_workflow_item(tenant_id, workflow_id)
        environments = dict(head.environments or {})
        environments[environment] = {
            "version": version,
            "state_machine_arn": state_machine_arn,
            "state_machine_version_arn": state_machine_version_arn,
            "execution_type": execution_type,
            "published_at": utc_now().isoformat(),
        }
        head.update(actions=[WorkflowItem.environments.set(environments)])
        return _workflow_record(head)


def set_version_status(tenant_id: str, workflow_id: str, version: int, status: str) -> WorkflowRecord:
    """Mark a saved version ``active``, ``deprecated`` or ``retired`` (``ItemNotFoundError`` if it
    was never saved); kept on the workflow's head, which every start reads anyway."""
    get_version(tenant_id, workflow_id, version)
    with wrapped(f"set the status of {workflow_id} version {version}"):
        head = _get_workflow_item(tenant_id, workflow_id)
        statuses = dict(head.version_status or {})
        if status == "active":
            statuses.pop(str(version), None)
        else:
            statuses[str(version)] = status
        head.update(actions=[WorkflowItem.version_status.set(statuses)], condition=WorkflowItem.sk.exists())
        return _workflow_record(head)
