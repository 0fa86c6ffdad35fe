"""The n8n export format, as far as the importer reads it: validated once, at the boundary.

The models ignore fields they do not know (n8n adds some with every release) but insist on the
types of those they read, so a malformed export is refused with the field it is about instead of
failing somewhere inside the converter.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from state_machines.n8n.report import InvalidN8nDocumentError

__all__ = ["ExportedConnection", "ExportedNode", "N8nExport", "read_export"]


class _Exported(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ExportedConnection(_Exported):
    """One end of a connection: ``{"node": "Name", "type": "main", "index": 0}``."""

    node: str
    type: str = "main"
    index: int = 0


class ExportedNode(_Exported):
    name: str
    type: str
    type_version: Annotated[float, Field(alias="typeVersion")] = 1.0
    parameters: dict[str, Any] = Field(default_factory=dict)
    position: tuple[float, float] | None = None
    disabled: bool = False
    on_error: Annotated[str | None, Field(alias="onError")] = None
    credentials: dict[str, Any] = Field(default_factory=dict)
    notes: str | None = None
    retry_on_fail: Annotated[bool, Field(alias="retryOnFail")] = False
    max_tries: Annotated[int, Field(alias="maxTries")] = 3
    wait_between_tries: Annotated[int, Field(alias="waitBetweenTries")] = 1000


class N8nExport(_Exported):
    """A workflow as n8n exports it; ``connections[source][kind][output]`` lists the targets."""

    name: str | None = None
    description: str | None = None
    nodes: list[ExportedNode]
    connections: dict[str, dict[str, list[list[ExportedConnection] | None]]] = Field(default_factory=dict)
    settings: dict[str, Any] | None = None
    tags: list[Any] | None = None


def read_export(document: Any) -> N8nExport:
    """``document`` as an n8n export; ``InvalidN8nDocumentError`` naming the first bad field if not.

    Example:
        >>> read_export({"nodes": [{"name": "Go", "type": "n8n-nodes-base.noOp"}]}).nodes[0].type_version
        1.0
    """
    if not isinstance(document, dict):
        raise InvalidN8nDocumentError("an n8n workflow export is a JSON object")
    if not isinstance(document.get("nodes"), list):
        raise InvalidN8nDocumentError("an n8n workflow export has a 'nodes' list")
    try:
        return N8nExport.model_validate(_without_nulls(document))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InvalidN8nDocumentError(f"{where}: {error['msg']}") from None


def _without_nulls(document: dict[str, Any]) -> dict[str, Any]:
    """n8n writes ``null`` for many absent values; treat them as absent (defaults apply)."""
    cleaned = {key: value for key, value in document.items() if value is not None}
    cleaned["nodes"] = [
        {key: value for key, value in node.items() if value is not None} if isinstance(node, dict) else node
        for node in document["nodes"]
    ]
    return cleaned
