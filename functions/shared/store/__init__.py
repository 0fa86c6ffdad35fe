"""Data access for the control plane: plain functions over the single table, records out.

Every function takes the tenant first and only ever touches keys under that tenant's partition.
pynamodb stays inside this package: callers get pydantic records, and every table failure leaves as
``StoreError`` (``raise StoreError(...) from exc``). One module per kind of item.

Example:
    >>> record = create_workflow("acme", {"id": "hello", "name": "Hello"}, actor="ada")  # doctest: +SKIP
    >>> record.version
    1
"""

from functions.shared.store._base import Page
from functions.shared.store.approvals import (
    ApprovalRecord,
    DecisionClaim,
    claim_decision,
    get_approval,
    list_approvals,
    put_pending_approval,
    settle_decision,
)
from functions.shared.store.audit import AuditRecord, list_audit, write_audit
from functions.shared.store.control import (
    ControlRecord,
    FlagRecord,
    delete_flag,
    get_controls,
    put_flag,
    put_quota,
    take_slot,
)
from functions.shared.store.credentials import (
    CredentialRecord,
    create_credential,
    delete_credential,
    get_credential,
    list_credentials,
    mark_credential_rotated,
)
from functions.shared.store.identity import (
    ApiKeyRecord,
    create_api_key,
    delete_api_key,
    get_api_key,
    list_api_keys,
    put_tenant,
    put_user,
)
from functions.shared.store.runs import RunRecord, get_run, list_runs, put_run, update_run_status
from functions.shared.store.templates import (
    TemplateRecord,
    create_template,
    delete_template,
    get_template,
    list_templates,
)
from functions.shared.store.webhooks import (
    IdempotencyClaim,
    WebhookRecord,
    claim_idempotency_key,
    get_webhook,
    register_webhook,
    rotate_webhook_secret,
)
from functions.shared.store.workflows import (
    VersionRecord,
    WorkflowRecord,
    create_workflow,
    delete_workflow,
    get_version,
    get_workflow,
    list_versions,
    list_workflows,
    record_publish,
    save_workflow,
)

__all__ = [
    "ApiKeyRecord",
    "ApprovalRecord",
    "AuditRecord",
    "ControlRecord",
    "CredentialRecord",
    "DecisionClaim",
    "FlagRecord",
    "IdempotencyClaim",
    "Page",
    "RunRecord",
    "TemplateRecord",
    "VersionRecord",
    "WebhookRecord",
    "WorkflowRecord",
    "claim_decision",
    "claim_idempotency_key",
    "create_api_key",
    "create_credential",
    "create_template",
    "create_workflow",
    "delete_api_key",
    "delete_credential",
    "delete_flag",
    "delete_template",
    "delete_workflow",
    "get_api_key",
    "get_approval",
    "get_controls",
    "get_credential",
    "get_run",
    "get_template",
    "get_version",
    "get_webhook",
    "get_workflow",
    "list_api_keys",
    "list_approvals",
    "list_audit",
    "list_credentials",
    "list_runs",
    "list_templates",
    "list_versions",
    "list_workflows",
    "mark_credential_rotated",
    "put_flag",
    "put_pending_approval",
    "put_quota",
    "put_run",
    "put_tenant",
    "put_user",
    "record_publish",
    "register_webhook",
    "rotate_webhook_secret",
    "save_workflow",
    "settle_decision",
    "take_slot",
    "update_run_status",
    "write_audit",
]
