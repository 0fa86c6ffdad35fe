"""Imports: an n8n workflow export in, a WFAIB workflow document and an import report out.

Nothing is saved: the editor (or a script) shows the report, then creates the workflow with
``POST /workflows``. The converter is imported when the route is first called, so other routes'
cold starts do not pay for it.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, Field

from functions.api.context import caller
from functions.api.errors import UnprocessableError

__all__ = ["router"]

router = Router()  # type: ignore[no-untyped-call]

N8nDocument = Annotated[
    dict[str, Any],
    Body(description="An n8n workflow export: the JSON n8n's 'Download' gives (nodes, connections)."),
]


class PlaceholderOut(BaseModel):
    """An n8n node that needs a person's eye: the WFAIB node standing in for it, and why."""

    node: str
    name: str
    n8n_type: str
    reason: str


class ImportReportOut(BaseModel):
    """``nodes`` n8n nodes (sticky notes excluded), ``converted`` of them natively; the rest explained."""

    nodes: int
    converted: int
    placeholders: list[PlaceholderOut]
    notes: list[str]


class N8nImportOut(BaseModel):
    workflow: Annotated[dict[str, Any], Field(description="A WFAIB workflow document that validates.")]
    report: ImportReportOut


@router.post(
    "/imports/n8n",
    summary="Convert an n8n workflow export into a WFAIB workflow document (not saved) with a report",
    tags=["workflows"],
)
def import_n8n(document: N8nDocument) -> N8nImportOut:
    # Creating is what the caller does next with the result, so the same permission gates it.
    caller("workflow:create")
    from functions.api.compiling import node_catalog
    from state_machines.n8n import InvalidN8nDocumentError, convert

    try:
        result = convert(document, catalog=node_catalog())
    except InvalidN8nDocumentError as exc:
        raise UnprocessableError(
            "invalid_n8n_workflow", f"The body is not an n8n workflow export: {exc}.", {"reason": str(exc)}
        ) from None
    return N8nImportOut(
        workflow=result.workflow, report=ImportReportOut.model_validate(result.report.model_dump())
    )
