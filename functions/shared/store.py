"""Data access for the control plane: plain functions over the single table, records out.

Every function takes the tenant first and only ever touches keys under that tenant's partition.
pynamodb stays inside this module: callers get pydantic records, and every table failure leaves as
``StoreError`` (``raise StoreError(...) from exc``).

Example:
    >>> record = create_workflow("acme", {"id": "hello", "name": "Hello"}, actor="ada")  # doctest: +SKIP
    >>> record.version
    1
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    PynamoDBException,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from functions.shared import keys
from functions.shared.exceptions import (
    InvalidCursorError,
    ItemExistsError,
    ItemNotFoundError,
    StoreError,
    VersionConflictError,
)
from functions.shared.models import (
    ApiKeyItem,
    AuditItem,
    ControlItem,
    CredentialItem,
    IdempotencyItem,
    RunItem,
    TenantItem,
    UsageItem,
    UserItem,
    WebhookItem,
    WorkflowItem,
    WorkflowVersionItem,
    table_connection,
)

__all__ = [
    "ApiKeyRecord",
    "AuditRecord",
    "ControlRecord",
    "CredentialRecord",
    "FlagRecord",
    "IdempotencyClaim",
    "Page",
    "RunRecord",
    "VersionRecord",
    "WebhookRecord",
    "WorkflowRecord",
    "claim_idempotency_key",
    "create_api_key",
    "create_credential",
    "create_workflow",
    "delete_api_key",
    "delete_credential",
    "delete_flag",
    "delete_workflow",
    "get_api_key",
    "get_controls",
    "get_credential",
    "get_run",
    "get_version",
    "get_webhook",
    "get_workflow",
    "list_api_keys",
    "list_audit",
    "list_credentials",
    "list_runs",
    "list_versions",
    "list_workflows",
    "mark_credential_rotated",
    "put_flag",
    "put_quota",
    "put_run",
    "put_tenant",
    "put_user",
    "record_publish",
    "register_webhook",
    "release_idempotency_key",
    "rotate_webhook_secret",
    "save_workflow",
    "take_slot",
    "update_run_status",
    "write_audit",
]

T = TypeVar("T")
_FINISHED = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
# A cursor is a LastEvaluatedKey of this table: string key attributes only.
_CURSOR = TypeAdapter(dict[Literal["pk", "sk", "gsi1pk", "gsi1sk"], dict[Literal["S"], str]])


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class WorkflowRecord(_Record):
    """The current state of a workflow."""

    id: str
    name: str
    version: int
    document: dict[str, Any]
    environments: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    updated_by: str

    @property
    def etag(self) -> str:
        """Strong ETag of this version (``"<version>"``), checked against ``If-Match`` on save."""
        return f'"{self.version}"'


class VersionRecord(_Record):
    """One saved version of a workflow."""

    workflow_id: str
    version: int
    document: dict[str, Any]
    created_at: datetime
    created_by: str
    state_machine_version_arn: str | None = None
    state_nodes: dict[str, list[str]] | None = None


class RunRecord(_Record):
    """What the control plane knows about a run; the execution itself lives in Step Functions."""

    id: str
    workflow_id: str
    workflow_version: int
    environment: str
    execution_arn: str
    status: str
    input: Any = None
    started_at: datetime
    stopped_at: datetime | None = None
    started_by: str
    trigger: str = "api"
    rerun_of: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in _FINISHED


class ApiKeyRecord(_Record):
    """An API key's metadata; the secret is only ever stored as its SHA-256."""

    id: str
    name: str
    role: str
    secret_sha256: str
    created_by: str
    created_at: datetime


class CredentialRecord(_Record):
    """A credential's metadata; its value is only in Secrets Manager and never read back."""

    id: str
    name: str
    connector: str
    secret_id: str
    created_at: datetime
    created_by: str
    rotated_at: datetime | None = None


class WebhookRecord(_Record):
    """A webhook path, the workflow it starts, and its signing secret."""

    path: str
    workflow_id: str
    secret: str
    created_at: datetime


class IdempotencyClaim(_Record):
    """Which run an idempotency key started, and a hash of the body it came with."""

    run_id: str
    body_sha256: str
    claimed: bool


class FlagRecord(_Record):
    """A control flag: ``action`` (pause | block) on ``scope`` (tenant | workflow | connector) ``target``."""

    scope: str
    target: str
    action: str
    reason: str
    set_by: str
    set_at: datetime
    until: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.until is None or self.until > now


class ControlRecord(_Record):
    """Everything checked before a start, read in one query: the flags and the quota settings."""

    flags: list[FlagRecord]
    runs_per_minute: int | None = None


class AuditRecord(_Record):
    """Who changed what, and when."""

    id: str
    actor: str
    action: str
    resource: str
    details: dict[str, Any]
    at: datetime


class Page(_Record, Generic[T]):
    """One page of a listing; pass ``next_cursor`` back to get the next."""

    items: list[T]
    next_cursor: str | None = None


@contextmanager
def _wrapped(doing: str) -> Iterator[None]:
    try:
        yield
    except PynamoDBException as exc:
        raise StoreError(f"Could not {doing}: {exc.msg}") from exc


def _now() -> datetime:
    return datetime.now(UTC)


def _encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode()


def _decode_cursor(tenant_id: str, cursor: str | None) -> dict[str, Any] | None:
    """The query position in ``cursor``; one that is malformed or from another tenant is refused."""
    if not cursor:
        return None
    try:
        decoded = _CURSOR.validate_json(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error) as exc:  # pydantic's ValidationError is a ValueError
        raise InvalidCursorError("The cursor is not one this API returned.") from exc
    if decoded.get("pk", {}).get("S") != keys.tenant_pk(tenant_id):
        raise InvalidCursorError("The cursor is not one this API returned.")
    return {str(name): value for name, value in decoded.items()}


def _cancelled_by_condition(exc: TransactWriteError) -> bool:
    return any(
        reason is not None and reason.code == "ConditionalCheckFailed" for reason in exc.cancellation_reasons
    )


# Tenants and users -------------------------------------------------------------------------------


def put_tenant(tenant_id: str, name: str) -> None:
    """Create or rename a tenant."""
    with _wrapped(f"save tenant {tenant_id}"):
        TenantItem(keys.tenant_pk(tenant_id), keys.TENANT_SK, name=name, created_at=_now()).save()


def put_user(tenant_id: str, user_id: str, email: str, role: str) -> None:
    """Create or update a user of a tenant."""
    with _wrapped(f"save user {user_id}"):
        UserItem(
            keys.tenant_pk(tenant_id), keys.user_sk(user_id), email=email, role=role, created_at=_now()
        ).save()


# API keys ----------------------------------------------------------------------------------------


def _api_key_record(item: ApiKeyItem) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=item.sk.removeprefix(keys.API_KEY_PREFIX),
        name=item.name,
        role=item.role,
        secret_sha256=item.secret_sha256,
        created_by=item.created_by,
        created_at=item.created_at,
    )


def create_api_key(
    tenant_id: str, key_id: str, *, name: str, role: str, secret_sha256: str, actor: str
) -> ApiKeyRecord:
    """Store a new API key's hash."""
    item = ApiKeyItem(
        keys.tenant_pk(tenant_id),
        keys.api_key_sk(key_id),
        name=name,
        role=role,
        secret_sha256=secret_sha256,
        created_by=actor,
        created_at=_now(),
    )
    with _wrapped(f"save API key {key_id}"):
        item.save(condition=ApiKeyItem.sk.does_not_exist())
    return _api_key_record(item)


def get_api_key(tenant_id: str, key_id: str) -> ApiKeyRecord:
    """One API key, or ``ItemNotFoundError``."""
    try:
        item = ApiKeyItem.get(keys.tenant_pk(tenant_id), keys.api_key_sk(key_id))
    except DoesNotExist as exc:
        raise ItemNotFoundError("API key", key_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read API key {key_id}: {exc.msg}") from exc
    return _api_key_record(item)


def list_api_keys(tenant_id: str) -> list[ApiKeyRecord]:
    """Every API key of the tenant (hashes only)."""
    with _wrapped("list API keys"):
        return [
            _api_key_record(item)
            for item in ApiKeyItem.query(
                keys.tenant_pk(tenant_id), ApiKeyItem.sk.startswith(keys.API_KEY_PREFIX)
            )
        ]


def delete_api_key(tenant_id: str, key_id: str) -> None:
    """Revoke an API key."""
    get_api_key(tenant_id, key_id)
    with _wrapped(f"delete API key {key_id}"):
        ApiKeyItem(keys.tenant_pk(tenant_id), keys.api_key_sk(key_id)).delete()


# Workflows and versions --------------------------------------------------------------------------


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
    with _wrapped("list workflows"):
        results = WorkflowItem.query(
            keys.tenant_pk(tenant_id),
            WorkflowItem.sk.startswith(keys.WORKFLOW_PREFIX),
            limit=limit,
            last_evaluated_key=_decode_cursor(tenant_id, cursor),
        )
        items = [_workflow_record(item) for item in results]
        return Page(items=items, next_cursor=_encode_cursor(results.last_evaluated_key))


def create_workflow(tenant_id: str, document: dict[str, Any], *, actor: str) -> WorkflowRecord:
    """Store a new workflow as version 1; ``VersionConflictError`` if the id is taken."""
    workflow_id = str(document["id"])
    now = _now()
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
    tenant_id: str,
    workflow_id: str,
    document: dict[str, Any],
    *,
    actor: str,
    expected_version: int | None,
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
    now = _now()
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
        if not _cancelled_by_condition(exc):
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
    with _wrapped(f"delete workflow {workflow_id}"):
        current.delete(condition=WorkflowItem.version == int(current.version))
        for item in WorkflowVersionItem.query(
            keys.tenant_pk(tenant_id), WorkflowVersionItem.sk.startswith(keys.version_prefix(workflow_id))
        ):
            item.delete()


def list_versions(tenant_id: str, workflow_id: str) -> list[VersionRecord]:
    """Every saved version of a workflow, newest first."""
    _get_workflow_item(tenant_id, workflow_id)
    with _wrapped(f"list versions of {workflow_id}"):
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
) -> WorkflowRecord:
    """Remember which state machine version a workflow version became and where its alias points."""
    with _wrapped(f"record the publication of {workflow_id}"):
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
            "published_at": _now().isoformat(),
        }
        head.update(actions=[WorkflowItem.environments.set(environments)])
        return _workflow_record(head)


# Runs --------------------------------------------------------------------------------------------


def _run_record(item: RunItem) -> RunRecord:
    return RunRecord(
        id=item.sk.removeprefix(keys.RUN_PREFIX),
        workflow_id=item.workflow_id,
        workflow_version=int(item.workflow_version),
        environment=item.environment,
        execution_arn=item.execution_arn,
        status=item.status,
        input=item.input,
        started_at=item.started_at,
        stopped_at=item.stopped_at,
        started_by=item.started_by,
        trigger=item.trigger,
        rerun_of=item.rerun_of,
    )


def put_run(tenant_id: str, run: RunRecord) -> None:
    """Record a started run."""
    item = RunItem(
        keys.tenant_pk(tenant_id),
        keys.run_sk(run.id),
        gsi1pk=keys.runs_by_workflow_pk(tenant_id, run.workflow_id),
        gsi1sk=keys.run_sk(run.id),
        workflow_id=run.workflow_id,
        workflow_version=run.workflow_version,
        environment=run.environment,
        execution_arn=run.execution_arn,
        status=run.status,
        input=run.input,
        started_at=run.started_at,
        stopped_at=run.stopped_at,
        started_by=run.started_by,
        trigger=run.trigger,
        rerun_of=run.rerun_of,
    )
    with _wrapped(f"save run {run.id}"):
        item.save()


def get_run(tenant_id: str, run_id: str) -> RunRecord:
    """One run, or ``ItemNotFoundError``."""
    try:
        item = RunItem.get(keys.tenant_pk(tenant_id), keys.run_sk(run_id), consistent_read=True)
    except DoesNotExist as exc:
        raise ItemNotFoundError("Run", run_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read run {run_id}: {exc.msg}") from exc
    return _run_record(item)


def update_run_status(tenant_id: str, run_id: str, status: str, stopped_at: datetime | None) -> None:
    """Store the status Step Functions reported, so listings can filter on it."""
    with _wrapped(f"update run {run_id}"):
        RunItem(keys.tenant_pk(tenant_id), keys.run_sk(run_id)).update(
            actions=[
                RunItem.status.set(status),
                RunItem.stopped_at.set(stopped_at) if stopped_at else RunItem.stopped_at.remove(),
            ],
            condition=RunItem.sk.exists(),
        )


def list_runs(
    tenant_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    workflow_id: str | None = None,
    status: str | None = None,
) -> Page[RunRecord]:
    """Runs newest first, optionally of one workflow (the gsi1 index) and in one status."""
    start = _decode_cursor_any(tenant_id, cursor, by_workflow=workflow_id is not None)
    condition = RunItem.status == status if status else None
    with _wrapped("list runs"):
        if workflow_id is not None:
            results = RunItem.by_workflow.query(
                keys.runs_by_workflow_pk(tenant_id, workflow_id),
                RunItem.gsi1sk.startswith(keys.RUN_PREFIX),
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
        else:
            results = RunItem.query(
                keys.tenant_pk(tenant_id),
                RunItem.sk.startswith(keys.RUN_PREFIX),
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=start,
            )
        items = [_run_record(item) for item in results]
        return Page(items=items, next_cursor=_encode_cursor(results.last_evaluated_key))


def _decode_cursor_any(tenant_id: str, cursor: str | None, *, by_workflow: bool) -> dict[str, Any] | None:
    """Index cursors carry the tenant in ``gsi1pk`` as well as ``pk``; check whichever applies."""
    start = _decode_cursor(tenant_id, cursor)
    if start is not None and by_workflow:
        index_pk = start.get("gsi1pk", {}).get("S", "")
        if not str(index_pk).startswith(keys.tenant_pk(tenant_id) + "#"):
            raise InvalidCursorError("The cursor is not one this API returned.")
    return start


# Credentials -------------------------------------------------------------------------------------


def _credential_record(item: CredentialItem) -> CredentialRecord:
    return CredentialRecord(
        id=item.sk.removeprefix(keys.CREDENTIAL_PREFIX),
        name=item.name,
        connector=item.connector,
        secret_id=item.secret_id,
        created_at=item.created_at,
        created_by=item.created_by,
        rotated_at=item.rotated_at,
    )


def create_credential(
    tenant_id: str, credential_id: str, *, name: str, connector: str, secret_id: str, actor: str
) -> CredentialRecord:
    """Claim a credential id (the secret is written next); ``ItemExistsError`` if it is taken."""
    item = CredentialItem(
        keys.tenant_pk(tenant_id),
        keys.credential_sk(credential_id),
        name=name,
        connector=connector,
        secret_id=secret_id,
        created_at=_now(),
        created_by=actor,
    )
    try:
        item.save(condition=CredentialItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ItemExistsError("Credential", credential_id) from exc
        raise StoreError(f"Could not save credential {credential_id}: {exc.msg}") from exc
    return _credential_record(item)


def get_credential(tenant_id: str, credential_id: str) -> CredentialRecord:
    """One credential's metadata, or ``ItemNotFoundError``."""
    try:
        item = CredentialItem.get(keys.tenant_pk(tenant_id), keys.credential_sk(credential_id))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Credential", credential_id) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read credential {credential_id}: {exc.msg}") from exc
    return _credential_record(item)


def list_credentials(tenant_id: str) -> list[CredentialRecord]:
    """Every credential of the tenant (metadata only)."""
    with _wrapped("list credentials"):
        return [
            _credential_record(item)
            for item in CredentialItem.query(
                keys.tenant_pk(tenant_id), CredentialItem.sk.startswith(keys.CREDENTIAL_PREFIX)
            )
        ]


def mark_credential_rotated(tenant_id: str, credential_id: str) -> CredentialRecord:
    """Record that the value was replaced."""
    with _wrapped(f"update credential {credential_id}"):
        CredentialItem(keys.tenant_pk(tenant_id), keys.credential_sk(credential_id)).update(
            actions=[CredentialItem.rotated_at.set(_now())], condition=CredentialItem.sk.exists()
        )
    return get_credential(tenant_id, credential_id)


def delete_credential(tenant_id: str, credential_id: str) -> None:
    """Forget a credential's metadata."""
    with _wrapped(f"delete credential {credential_id}"):
        CredentialItem(keys.tenant_pk(tenant_id), keys.credential_sk(credential_id)).delete()


# Webhooks and idempotency -----------------------------------------------------------------------


def _webhook_record(item: WebhookItem) -> WebhookRecord:
    return WebhookRecord(
        path=item.sk.removeprefix("HOOK#"),
        workflow_id=item.workflow_id,
        secret=item.secret,
        created_at=item.created_at,
    )


def get_webhook(tenant_id: str, path: str) -> WebhookRecord:
    """The webhook at ``path``, or ``ItemNotFoundError``."""
    try:
        item = WebhookItem.get(keys.tenant_pk(tenant_id), keys.hook_sk(path))
    except DoesNotExist as exc:
        raise ItemNotFoundError("Webhook", path) from exc
    except PynamoDBException as exc:
        raise StoreError(f"Could not read webhook {path}: {exc.msg}") from exc
    return _webhook_record(item)


def register_webhook(tenant_id: str, path: str, workflow_id: str, *, new_secret: str) -> WebhookRecord:
    """The webhook at ``path`` for ``workflow_id``, created with ``new_secret`` if there is none.

    ``ItemExistsError`` if another workflow of the tenant has the path.
    """
    item = WebhookItem(
        keys.tenant_pk(tenant_id),
        keys.hook_sk(path),
        workflow_id=workflow_id,
        secret=new_secret,
        created_at=_now(),
    )
    try:
        item.save(condition=WebhookItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise StoreError(f"Could not save webhook {path}: {exc.msg}") from exc
        existing = get_webhook(tenant_id, path)
        if existing.workflow_id != workflow_id:
            raise ItemExistsError("Webhook path", path) from exc
        return existing
    return _webhook_record(item)


def rotate_webhook_secret(tenant_id: str, path: str, secret: str) -> WebhookRecord:
    """Replace the signing secret of a webhook."""
    with _wrapped(f"rotate the secret of webhook {path}"):
        WebhookItem(keys.tenant_pk(tenant_id), keys.hook_sk(path)).update(
            actions=[WebhookItem.secret.set(secret)], condition=WebhookItem.sk.exists()
        )
    return get_webhook(tenant_id, path)


def claim_idempotency_key(
    tenant_id: str, workflow_id: str, key_hash: str, *, run_id: str, body_sha256: str, keep_for: timedelta
) -> IdempotencyClaim:
    """Claim ``key_hash`` for ``run_id``; if it was claimed before, the first claim (``claimed=False``).

    The conditional put is what makes a start exactly-once: of any number of concurrent deliveries
    of one key, one claim wins and every other sees the winner's run id.
    """
    now = _now()
    item = IdempotencyItem(
        keys.tenant_pk(tenant_id),
        keys.idempotency_sk(workflow_id, key_hash),
        run_id=run_id,
        body_sha256=body_sha256,
        created_at=now,
        expires_at=int((now + keep_for).timestamp()),
    )
    try:
        item.save(condition=IdempotencyItem.sk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise StoreError(f"Could not claim an idempotency key: {exc.msg}") from exc
        with _wrapped("read an idempotency key"):
            first = IdempotencyItem.get(
                keys.tenant_pk(tenant_id), keys.idempotency_sk(workflow_id, key_hash), consistent_read=True
            )
        return IdempotencyClaim(run_id=first.run_id, body_sha256=first.body_sha256, claimed=False)
    return IdempotencyClaim(run_id=run_id, body_sha256=body_sha256, claimed=True)


def release_idempotency_key(tenant_id: str, workflow_id: str, key_hash: str) -> None:
    """Give a key back when its run could not start, so that a retry can start it."""
    with _wrapped("release an idempotency key"):
        IdempotencyItem(keys.tenant_pk(tenant_id), keys.idempotency_sk(workflow_id, key_hash)).delete()


# Control flags, quotas, usage -------------------------------------------------------------------


def _flag_record(item: ControlItem) -> FlagRecord:
    scope, _, target = item.sk.removeprefix(keys.FLAG_PREFIX).partition("#")
    return FlagRecord(
        scope=scope,
        target=target,
        action=item.action or "block",
        reason=item.reason or "",
        set_by=item.set_by,
        set_at=item.set_at,
        until=item.until,
    )


def get_controls(tenant_id: str) -> ControlRecord:
    """The tenant's flags and quota settings (one query)."""
    flags: list[FlagRecord] = []
    runs_per_minute: int | None = None
    with _wrapped("read control flags"):
        for item in ControlItem.query(
            keys.tenant_pk(tenant_id), ControlItem.sk.startswith(keys.CONTROL_PREFIX)
        ):
            if item.sk == keys.QUOTA_SK:
                runs_per_minute = int(item.runs_per_minute) if item.runs_per_minute is not None else None
            else:
                flags.append(_flag_record(item))
    return ControlRecord(flags=flags, runs_per_minute=runs_per_minute)


def put_flag(
    tenant_id: str, scope: str, target: str, *, action: str, reason: str, set_by: str, until: datetime | None
) -> FlagRecord:
    """Set (or replace) a control flag."""
    item = ControlItem(
        keys.tenant_pk(tenant_id),
        keys.flag_sk(scope, target),
        action=action,
        reason=reason,
        set_by=set_by,
        set_at=_now(),
        until=until,
    )
    with _wrapped(f"set flag {scope}/{target}"):
        item.save()
    return _flag_record(item)


def delete_flag(tenant_id: str, scope: str, target: str) -> None:
    """Lift a control flag; ``ItemNotFoundError`` if there is none."""
    try:
        ControlItem(keys.tenant_pk(tenant_id), keys.flag_sk(scope, target)).delete(
            condition=ControlItem.sk.exists()
        )
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise ItemNotFoundError("Flag", f"{scope}/{target}") from exc
        raise StoreError(f"Could not lift flag {scope}/{target}: {exc.msg}") from exc


def put_quota(tenant_id: str, *, runs_per_minute: int, set_by: str) -> None:
    """Set the tenant's run-start rate quota."""
    with _wrapped("set quotas"):
        ControlItem(
            keys.tenant_pk(tenant_id),
            keys.QUOTA_SK,
            runs_per_minute=runs_per_minute,
            set_by=set_by,
            set_at=_now(),
        ).save()


def take_slot(tenant_id: str, counter: str, *, window: int, limit: int, expires_at: int) -> bool:
    """Count one use in ``window`` unless ``limit`` uses were counted already; whether it was counted.

    One conditional ``ADD``: concurrent starts cannot overshoot the limit.
    """
    try:
        UsageItem(keys.tenant_pk(tenant_id), keys.usage_sk(counter, window)).update(
            actions=[UsageItem.used.add(1), UsageItem.expires_at.set(expires_at)],
            condition=UsageItem.used.does_not_exist() | (UsageItem.used < limit),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise StoreError(f"Could not count usage of {counter}: {exc.msg}") from exc
    return True


# Audit -------------------------------------------------------------------------------------------


def write_audit(tenant_id: str, *, actor: str, action: str, resource: str, details: dict[str, Any]) -> None:
    """Append an audit entry for a change."""
    entry_id = keys.new_sortable_id()
    with _wrapped(f"write audit entry for {action}"):
        AuditItem(
            keys.tenant_pk(tenant_id),
            keys.audit_sk(entry_id),
            actor=actor,
            action=action,
            resource=resource,
            details=details,
            at=_now(),
        ).save()


def list_audit(tenant_id: str, *, limit: int, cursor: str | None = None) -> Page[AuditRecord]:
    """Audit entries newest first."""
    with _wrapped("list audit entries"):
        results = AuditItem.query(
            keys.tenant_pk(tenant_id),
            AuditItem.sk.startswith(keys.AUDIT_PREFIX),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=_decode_cursor(tenant_id, cursor),
        )
        items = [
            AuditRecord(
                id=item.sk.removeprefix(keys.AUDIT_PREFIX),
                actor=item.actor,
                action=item.action,
                resource=item.resource,
                details=item.details or {},
                at=item.at,
            )
            for item in results
        ]
        return Page(items=items, next_cursor=_encode_cursor(results.last_evaluated_key))
