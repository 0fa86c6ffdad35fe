"""The connector catalog: every connector with its actions and their JSON Schemas."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from functions.api.context import caller
from functions.api.errors import NotFoundError

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]


@cache
def _catalog() -> list[dict[str, Any]]:
    from connectors.catalog import read_catalog_file, to_json

    return to_json(read_catalog_file())


@router.get("/connectors", summary="The connector catalog", tags=["connectors"])
def list_connectors() -> list[dict[str, Any]]:
    caller("connector:read")
    return _catalog()


@router.get(
    "/connectors/<connector_id>", summary="One connector with its action schemas", tags=["connectors"]
)
def get_connector(connector_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    caller("connector:read")
    for connector in _catalog():
        if connector["id"] == connector_id:
            return connector
    raise NotFoundError("not_found", f"Connector '{connector_id}' was not found.")
