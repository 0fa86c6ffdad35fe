"""Path parameters and lookups the workflow routes share."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path

from functions.shared import store
from functions.shared.store import VersionRecord

__all__ = ["Environment", "WorkflowId", "version_or_latest"]

WorkflowId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$", description="Workflow id.")]
Environment = Literal["dev", "staging", "prod"]


def version_or_latest(tenant_id: str, workflow_id: str, version: int | None) -> VersionRecord:
    """Version ``version`` of the workflow, or its latest when none is given."""
    if version is None:
        version = store.get_workflow(tenant_id, workflow_id).version
    return store.get_version(tenant_id, workflow_id, version)
