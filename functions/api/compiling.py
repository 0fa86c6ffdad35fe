"""Workflow documents → problems or ASL, for the routes that need the compiler.

Imported only by those routes (when first called): the compiler and the workflow model weigh a
few hundred milliseconds of imports, which GET routes and runs should not pay on a cold start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from functions.api.errors import UnprocessableError
from functions.shared import Settings
from functions.shared.stepfunctions import state_machine_name
from state_machines.compiler import CompiledWorkflow, CompileError, CompileTarget, compile_workflow
from state_machines.model import NodeCatalog, Workflow, parse_workflow, validate_workflow

__all__ = [
    "TenantTarget",
    "builtin_node_types_json",
    "compile_document",
    "compile_target",
    "parsed",
    "problems_of",
]


@dataclass(frozen=True, slots=True)
class TenantTarget(CompileTarget):
    """A compile target whose state machines (sub-workflows too) are the tenant's own."""

    def state_machine_arn(self, workflow_id: str) -> str:
        return (
            f"arn:{self.partition}:states:{self.region}:{self.account_id}:stateMachine:"
            f"{state_machine_name(self.resource_prefix, self.tenant_id, workflow_id)}"
        )

    def credential_secret_id(self, credential_id: str) -> str:
        return f"{self.credential_prefix}{self.tenant_id}/{credential_id}"


def compile_target(settings: Settings, tenant_id: str) -> TenantTarget:
    return TenantTarget(
        region=settings.region,
        account_id=settings.account_id,
        resource_prefix=settings.resource_prefix,
        credential_prefix=settings.credential_prefix,
        tenant_id=tenant_id,
        table_name=settings.table_name,
    )


@cache
def node_catalog() -> NodeCatalog:
    """Built-in node types plus the connector catalog shipped with the function."""
    from connectors.catalog import CATALOG_PATH

    if CATALOG_PATH.exists():
        return NodeCatalog.with_connectors(json.loads(CATALOG_PATH.read_text()))
    return NodeCatalog.builtin()


def builtin_node_types_json() -> dict[str, Any]:
    """Every built-in node type at its latest version, as the validator knows it, for the editor's palette.

    Read from the same catalog ``problems_of`` validates with, so a node type added to the model
    reaches the editor without a copy to keep in step. ``reserved_ids`` are the names a node id may
    not take (they already mean something in expressions).
    """
    from state_machines.model import NodeKind
    from state_machines.model.validate import JSONATA_FUNCTIONS, RESERVED_VARIABLES, STEP_FUNCTIONS_ONLY

    catalog = node_catalog()
    node_types = [
        {
            "type": node_type.type,
            "version": node_type.version,
            "kind": str(node_type.kind),
            "title": node_type.title,
            "description": node_type.description,
            "outputs": list(node_type.outputs),
            "input_schema": node_type.input_schema,
            "side_effect": node_type.side_effect,
        }
        for (type_, version), node_type in sorted(catalog.types.items())
        # Built-ins: no connector action (an action node of its own, like ai.llm, names its calls).
        if (node_type.calls or (node_type.connector is None and node_type.kind is not NodeKind.ACTION))
        and version == catalog.latest_version(type_)
    ]
    reserved = JSONATA_FUNCTIONS | RESERVED_VARIABLES | STEP_FUNCTIONS_ONLY
    return {"node_types": node_types, "reserved_ids": sorted(reserved)}


def parsed(document: dict[str, Any]) -> Workflow:
    """The document as a Workflow; 422 ``invalid_workflow`` with every problem when it is not one."""
    workflow, problems = parse_workflow(document)
    if workflow is None:
        raise UnprocessableError(
            "invalid_workflow",
            "The document is not a valid workflow.",
            {"problems": [problem.model_dump() for problem in problems]},
        )
    return workflow


def problems_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every problem of a stored document (schema first, then the graph and expressions)."""
    workflow, problems = parse_workflow(document)
    if workflow is not None:
        problems = validate_workflow(workflow, node_catalog())
    return [problem.model_dump() for problem in problems]


def compile_document(
    settings: Settings, tenant_id: str, document: dict[str, Any], *, label: str
) -> CompiledWorkflow:
    """Compile for the tenant's target; 422 ``invalid_workflow`` with the problems if it does not compile."""
    try:
        return compile_workflow(parsed(document), node_catalog(), compile_target(settings, tenant_id))
    except CompileError as exc:
        raise UnprocessableError(
            "invalid_workflow",
            f"{label} does not compile: {len(exc.problems)} problem(s).",
            {"problems": [problem.model_dump() for problem in exc.problems]},
        ) from exc
