"""The node types to build workflows from: the connector catalog (every connector with its actions
and their JSON Schemas) and the built-in node types."""

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


@router.get(
    "/node-types",
    summary="The built-in node types: params JSON Schema, output handles, description; and reserved node ids",
    tags=["connectors"],
)
def list_node_types() -> dict[str, Any]:
    caller("connector:read")
    from functions.api.compiling import builtin_node_types_json

    return builtin_node_types_json()
