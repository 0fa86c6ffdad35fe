"""pynamodb models of the single table (see ``keys.py`` for the key layout).

Each item kind is its own model over the same table; none inherits from another, so each keeps
its own connection and schema. ``bind_table`` points them all at the table named in ``Settings``
(and at moto locally) before first use.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from functions.shared.settings import Settings

__all__ = [
    "GSI1_NAME",
    "TABLE_DEFINITION",
    "TTL_ATTRIBUTE",
    "ApiKeyItem",
    "ApprovalItem",
    "AuditItem",
    "ControlItem",
    "CredentialItem",
    "IdempotencyItem",
    "RoleItem",
    "RunItem",
    "TemplateItem",
    "TenantItem",
    "UsageItem",
    "UserItem",
    "WebhookItem",
    "WorkflowItem",
    "WorkflowVersionItem",
    "bind_table",
    "table_connection",
]

GSI1_NAME = "gsi1"
TTL_ATTRIBUTE = "expires_at"  # DynamoDB deletes items (idempotency claims) after this epoch second

# The table as DynamoDB's CreateTable sees it; the local platform creates it from this and the
# CDK stack declares the same keys and index.
TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": GSI1_NAME,
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


class TableMeta:
    """The ``Meta`` every model inherits; ``bind_table`` fills it in."""

    table_name = "wfaib"
    region = "us-east-1"
    host: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None


class TenantItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class UserItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class RoleItem(Model):
    """A tenant's custom role: a name for a set of permissions (``ROLE#<name>``)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    description = UnicodeAttribute(default="")
    permissions = JSONAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ApiKeyItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    secret_sha256 = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    # A scoped key: only these permissions of its role (None: all of them).
    permissions = JSONAttribute(null=True)


class WorkflowItem(Model):
    """The head of a workflow: its latest document, version counter and published environments."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    version = NumberAttribute()
    document = JSONAttribute()
    environments = JSONAttribute(default=dict)
    # Versions taken out of service: {"<version>": "deprecated" | "retired"}; the rest are active.
    version_status = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class WorkflowVersionItem(Model):
    """One saved version (immutable document); publishing records the state machine version."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    version = NumberAttribute()
    document = JSONAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    state_machine_version_arn = UnicodeAttribute(null=True)
    state_nodes = JSONAttribute(null=True)


class RunsByWorkflowIndex(GlobalSecondaryIndex["RunItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = GSI1_NAME
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class RunItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_workflow = RunsByWorkflowIndex()
    workflow_id = UnicodeAttribute()
    workflow_version = NumberAttribute()
    environment = UnicodeAttribute()
    execution_arn = UnicodeAttribute()
    status = UnicodeAttribute()
    input = JSONAttribute(null=True)
    started_at = UTCDateTimeAttribute()
    stopped_at = UTCDateTimeAttribute(null=True)
    started_by = UnicodeAttribute()
    trigger = UnicodeAttribute(default="api")
    rerun_of = UnicodeAttribute(null=True)
    # Express runs only: Step Functions keeps no description of them, so the result is stored.
    output = JSONAttribute(null=True)
    error = UnicodeAttribute(null=True)
    cause = UnicodeAttribute(null=True)


class CredentialItem(Model):
    """Credential metadata only; the value lives in Secrets Manager and is never read back."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    connector = UnicodeAttribute()
    secret_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    rotated_at = UTCDateTimeAttribute(null=True)


class WebhookItem(Model):
    """A webhook path of a tenant: the workflow it starts and its signing secret (Standard Webhooks)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    workflow_id = UnicodeAttribute()
    secret = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class IdempotencyItem(Model):
    """The first run started for an idempotency key; ``expires_at`` is the table's TTL attribute."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    run_id = UnicodeAttribute()
    body_sha256 = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = NumberAttribute()


class ControlItem(Model):
    """A control item: a flag (``CTRL#FLAG#<scope>#<target>``: pause, block or rate-limit new runs
    of a tenant, a workflow or a connector) or the tenant's quotas (``CTRL#QUOTA``). One query reads them all
    before a start, hence one model with the fields of both."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    set_by = UnicodeAttribute()
    set_at = UTCDateTimeAttribute()
    action = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    until = UTCDateTimeAttribute(null=True)
    # A ``rate_limit`` flag: at most this many starts (or connector calls) per minute in its scope.
    limit_per_minute = NumberAttribute(null=True)
    runs_per_minute = NumberAttribute(null=True)


class UsageItem(Model):
    """A counter: a fixed window (runs started in one minute; expires with the table's TTL), or a
    tenant's tokens on one day with one model (``USAGE#tokens#...``, written by connector
    functions with ``ADD``: see ``connectors/sdk/usage.py``)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    used = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    tokens_in = NumberAttribute(null=True)
    tokens_out = NumberAttribute(null=True)
    calls = NumberAttribute(null=True)
    provider = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    day = UnicodeAttribute(null=True)


class TemplateItem(Model):
    """A workflow a tenant published to its own template gallery."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute()
    document = JSONAttribute()
    published_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class AuditItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    resource = UnicodeAttribute()
    details = JSONAttribute(default=dict)
    at = UTCDateTimeAttribute()


class ApprovalItem(Model):
    """A human approval a run waits for. ``task_token`` is a bearer capability over the run: the
    store never hands it out with the record, only to the one decision that claims it."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()
    task_token = UnicodeAttribute()
    execution_arn = UnicodeAttribute()
    workflow_id = UnicodeAttribute()
    node_id = UnicodeAttribute()
    message = UnicodeAttribute()
    approvers = JSONAttribute(default=list)
    created_at = UTCDateTimeAttribute()
    link_expires_at = NumberAttribute()
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    decision = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    # The claim of a decision in flight: who, when (epoch seconds, for the lease) and which claim.
    claim_id = UnicodeAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)
    claimed_at = NumberAttribute(null=True)
    decided_via = UnicodeAttribute(null=True)
    closed_reason = UnicodeAttribute(null=True)
    notifications = JSONAttribute(null=True)


_MODELS: tuple[type[Model], ...] = (
    TenantItem,
    UserItem,
    RoleItem,
    ApiKeyItem,
    WorkflowItem,
    WorkflowVersionItem,
    RunItem,
    CredentialItem,
    WebhookItem,
    IdempotencyItem,
    ControlItem,
    UsageItem,
    TemplateItem,
    AuditItem,
    ApprovalItem,
)


def bind_table(settings: Settings) -> None:
    """Point every model at ``settings``' table (and endpoint); drop connections made before."""
    TableMeta.table_name = settings.table_name
    TableMeta.region = settings.region
    TableMeta.host = settings.dynamodb_endpoint
    TableMeta.aws_access_key_id = (
        settings.aws_access_key_id.get_secret_value() if settings.aws_access_key_id else None
    )
    TableMeta.aws_secret_access_key = (
        settings.aws_secret_access_key.get_secret_value() if settings.aws_secret_access_key else None
    )
    for model in _MODELS:
        model._connection = None
    # One connection for all: pynamodb would build a botocore client per model (~0.3 s each, felt
    # on every cold start). The run model's schema has the same keys plus the index.
    shared = RunItem._get_connection()
    for model in _MODELS:
        model._connection = shared


def table_connection() -> Connection:
    """The low-level connection the models share (for transactions)."""
    return RunItem._get_connection().connection
