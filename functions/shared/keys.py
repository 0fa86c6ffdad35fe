"""Key layout of the single table. Every partition key starts with the tenant.

=====================  =========================  ==============================  ====================
item                   pk                         sk                              gsi1 (pk / sk)
=====================  =========================  ==============================  ====================
tenant                 ``TENANT#<t>``             ``TENANT``
user                   ``TENANT#<t>``             ``USER#<user>``
api key                ``TENANT#<t>``             ``APIKEY#<key id>``
workflow (head)        ``TENANT#<t>``             ``WF#<workflow>``
workflow version       ``TENANT#<t>``             ``WFV#<workflow>#<00000007>``
run                    ``TENANT#<t>``             ``RUN#<run id>``                ``TENANT#<t>#WF#<workflow>`` / ``RUN#<run id>``
credential metadata    ``TENANT#<t>``             ``CRED#<credential>``
audit entry            ``TENANT#<t>``             ``AUDIT#<entry id>``
webhook                ``TENANT#<t>``             ``HOOK#<path>``
idempotency claim      ``TENANT#<t>``             ``IDEMP#<workflow>#<key hash>``
control flag           ``TENANT#<t>``             ``CTRL#FLAG#<scope>#<target>``
quota settings         ``TENANT#<t>``             ``CTRL#QUOTA``
usage counter          ``TENANT#<t>``             ``USAGE#runs#<epoch minute>``
template               ``TENANT#<t>``             ``TPL#<template>``
approval               ``TENANT#<t>``             ``APPROVAL#<approval id>``
event claim            ``TENANT#<t>``             ``EVENT#<event id hash>``
=====================  =========================  ==============================  ====================

Run and audit ids are time-ordered, so a descending query lists the newest first.
"""

from __future__ import annotations

import secrets
import threading
import time

__all__ = [
    "api_key_sk",
    "approval_sk",
    "audit_sk",
    "credential_sk",
    "flag_sk",
    "hook_sk",
    "idempotency_sk",
    "new_sortable_id",
    "run_sk",
    "runs_by_workflow_pk",
    "template_sk",
    "tenant_pk",
    "usage_sk",
    "user_sk",
    "version_prefix",
    "version_sk",
    "workflow_sk",
]

TENANT_SK = "TENANT"
WORKFLOW_PREFIX = "WF#"
RUN_PREFIX = "RUN#"
AUDIT_PREFIX = "AUDIT#"
API_KEY_PREFIX = "APIKEY#"
CREDENTIAL_PREFIX = "CRED#"
CONTROL_PREFIX = "CTRL#"
FLAG_PREFIX = "CTRL#FLAG#"
QUOTA_SK = "CTRL#QUOTA"
TEMPLATE_PREFIX = "TPL#"
APPROVAL_PREFIX = "APPROVAL#"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last = (0, 0)


def tenant_pk(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def user_sk(user_id: str) -> str:
    return f"USER#{user_id}"


def api_key_sk(key_id: str) -> str:
    return f"{API_KEY_PREFIX}{key_id}"


def workflow_sk(workflow_id: str) -> str:
    return f"{WORKFLOW_PREFIX}{workflow_id}"


def version_prefix(workflow_id: str) -> str:
    return f"WFV#{workflow_id}#"


def version_sk(workflow_id: str, version: int) -> str:
    return f"{version_prefix(workflow_id)}{version:08d}"


def run_sk(run_id: str) -> str:
    return f"{RUN_PREFIX}{run_id}"


def runs_by_workflow_pk(tenant_id: str, workflow_id: str) -> str:
    return f"{tenant_pk(tenant_id)}#WF#{workflow_id}"


def credential_sk(credential_id: str) -> str:
    return f"{CREDENTIAL_PREFIX}{credential_id}"


def hook_sk(path: str) -> str:
    return f"HOOK#{path}"


def idempotency_sk(workflow_id: str, key_hash: str) -> str:
    return f"IDEMP#{workflow_id}#{key_hash}"


def flag_sk(scope: str, target: str) -> str:
    return f"{FLAG_PREFIX}{scope}#{target}"


def usage_sk(counter: str, window: int) -> str:
    return f"USAGE#{counter}#{window}"


def template_sk(template_id: str) -> str:
    return f"{TEMPLATE_PREFIX}{template_id}"


def approval_sk(approval_id: str) -> str:
    return f"{APPROVAL_PREFIX}{approval_id}"


def audit_sk(entry_id: str) -> str:
    return f"{AUDIT_PREFIX}{entry_id}"


def new_sortable_id() -> str:
    """A ULID-shaped id (48-bit milliseconds + 80 random bits, Crockford base32, 26 characters).

    Hand-written because no ULID package is installed and this is a dozen lines. Ids sort by
    time, so runs and audit entries list newest-first with a plain descending query; within one
    process they are strictly increasing even inside one millisecond (ULID's monotonic mode).

    Example:
        >>> first, second = new_sortable_id(), new_sortable_id()
        >>> len(first), first < second
        (26, True)
    """
    global _last
    with _lock:
        millis, randomness = int(time.time() * 1000), secrets.randbits(80)
        if millis <= _last[0]:
            millis, randomness = _last[0], _last[1] + 1
        _last = (millis, randomness)
    value = (millis << 80) | randomness
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))
