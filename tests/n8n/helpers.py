"""Small hand-written n8n exports for the importer's tests."""

from __future__ import annotations

from typing import Any

from state_machines.model import NodeCatalog, Workflow, validate_workflow
from state_machines.n8n import ImportResult, convert, default_catalog

CATALOG: NodeCatalog = default_catalog()


def n8n_node(name: str, type_: str, parameters: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """One n8n node as an export holds it (``type_`` without the ``n8n-nodes-base.`` prefix)."""
    full_type = type_ if "." in type_ else f"n8n-nodes-base.{type_}"
    return {"name": name, "type": full_type, "parameters": parameters or {}, "typeVersion": 1, **extra}


def links(*pairs: tuple[str, str] | tuple[str, str, int]) -> dict[str, Any]:
    """``connections`` from (source, target[, output index]) pairs."""
    connections: dict[str, Any] = {}
    for pair in pairs:
        source, target = pair[0], pair[1]
        output = pair[2] if len(pair) == 3 else 0
        outputs = connections.setdefault(source, {"main": []})["main"]
        while len(outputs) <= output:
            outputs.append([])
        outputs[output].append({"node": target, "type": "main", "index": 0})
    return connections


def workflow(
    *nodes: dict[str, Any], connections: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"name": "Test flow", "nodes": list(nodes), "connections": connections or {}, **extra}


def imported(document: dict[str, Any]) -> ImportResult:
    """Convert and check the promise every import keeps: the workflow validates."""
    result = convert(document, catalog=CATALOG)
    problems = validate_workflow(Workflow.model_validate(result.workflow), CATALOG)
    assert problems == [], problems
    return result


def node_by_name(result: ImportResult, name: str) -> dict[str, Any]:
    return next(node for node in result.workflow["nodes"] if node.get("name") == name)
