"""A webhook workflow's URLs and signing secret (deliveries themselves go to ``functions/triggers``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, Field

from functions.api.context import caller
from functions.api.errors import ConflictError, NotFoundError
from functions.api.routes.params import WorkflowId
from functions.shared import ItemExistsError, store

__all__ = ["register_webhook", "router"]

router = Router()  # type: ignore[no-untyped-call]


class WebhookOut(BaseModel):
    workflow_id: str
    path: str
    urls: dict[str, str] = Field(description="Per environment, relative to the API's base URL.")
    secret: str = Field(description="Standard Webhooks signing secret (whsec_...).")


def _webhook_path(workflow_id: str, document: dict[str, Any]) -> str | None:
    trigger = document.get("trigger") or {}
    if trigger.get("type") != "webhook":
        return None
    return str(trigger.get("path") or workflow_id).strip("/") or workflow_id


def register_webhook(tenant_id: str, workflow_id: str, document: dict[str, Any]) -> None:
    """Give a webhook workflow its path (and a signing secret) before it is published."""
    from functions.shared.signatures import new_secret

    path = _webhook_path(workflow_id, document)
    if path is None:
        return
    try:
        store.register_webhook(tenant_id, path, workflow_id, new_secret=new_secret())
    except ItemExistsError as exc:
        raise ConflictError(
            "webhook_path_taken", f"Another workflow already receives webhooks at '{path}'.", {"path": path}
        ) from exc


def _webhook_of(tenant_id: str, workflow_id: str) -> WebhookOut:
    document = store.get_workflow(tenant_id, workflow_id).document
    path = _webhook_path(workflow_id, document)
    hook = store.get_webhook(tenant_id, path) if path else None
    if hook is None or hook.workflow_id != workflow_id:
        raise NotFoundError(
            "no_webhook", f"Workflow '{workflow_id}' has no webhook; publish a webhook trigger first."
        )
    urls = {
        environment: f"/hooks/{tenant_id}/{environment}/{hook.path}"
        for environment in ("dev", "staging", "prod")
    }
    return WebhookOut(workflow_id=workflow_id, path=hook.path, urls=urls, secret=hook.secret)


@router.get(
    "/workflows/<workflow_id>/webhook",
    summary="The webhook of a workflow: its URLs and signing secret",
    tags=["workflows"],
)
def get_webhook(workflow_id: WorkflowId) -> WebhookOut:
    identity = caller("workflow:update")
    return _webhook_of(identity.tenant_id, workflow_id)


@router.post(
    "/workflows/<workflow_id>/webhook/rotate",
    summary="Replace the webhook's signing secret (the old one stops working at once)",
    tags=["workflows"],
)
def rotate_webhook(workflow_id: WorkflowId) -> WebhookOut:
    from functions.shared.signatures import new_secret

    identity = caller("workflow:update")
    current = _webhook_of(identity.tenant_id, workflow_id)
    store.rotate_webhook_secret(identity.tenant_id, current.path, new_secret())
    store.write_audit(
        identity.tenant_id,
        actor=identity.subject,
        action="webhook.rotate",
        resource=f"workflow/{workflow_id}",
        details={"path": current.path},
    )
    return _webhook_of(identity.tenant_id, workflow_id)
