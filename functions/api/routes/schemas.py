"""JSON Schemas the editor builds its forms and checks from."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from functions.api.context import caller

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]


@cache
def _workflow_schema() -> dict[str, Any]:
    from state_machines.model import Workflow

    return Workflow.model_json_schema(by_alias=True)


@router.get("/schemas/workflow", summary="The JSON Schema of a workflow document", tags=["connectors"])
def workflow_schema() -> dict[str, Any]:
    caller("workflow:read")
    return _workflow_schema()
