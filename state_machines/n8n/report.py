"""What an import returns: the WFAIB workflow and a report of what did not carry over.

The report is the contract the CLI, the API route and the editor's import dialog share:
``{nodes, converted, placeholders: [{node, name, n8n_type, reason}], notes: [...]}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ImportReport", "ImportResult", "InvalidN8nDocumentError", "Placeholder"]


class InvalidN8nDocumentError(ValueError):
    """The input is not an n8n workflow export (no ``nodes`` list, or nodes without a name/type)."""


class Placeholder(BaseModel):
    """An n8n node that has no WFAIB equivalent (or only a partial one) and needs a person's eye.

    ``node`` is the id of the WFAIB node that stands in for it (a pass-through ``data.transform``
    whose ``notes`` say what to replace it with), or of the node it was folded into.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    node: str
    name: str
    n8n_type: str
    reason: str


class ImportReport(BaseModel):
    """Counts and findings of one import.

    ``nodes`` counts the n8n workflow's nodes (sticky notes excluded); ``converted`` those that
    became a WFAIB node (or part of one) doing the same job. The rest are ``placeholders`` or were
    left out, which ``notes`` says, together with every expression that could not be translated.

    Example:
        >>> ImportReport(nodes=2, converted=2).complete
        True
    """

    model_config = ConfigDict(extra="forbid")

    nodes: int = 0
    converted: int = 0
    placeholders: list[Placeholder] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every n8n node converted natively and nothing needs attention."""
        return self.converted == self.nodes and not self.placeholders


class ImportResult(BaseModel):
    """The converted workflow (a WFAIB workflow document, valid and compilable) and its report.

    Example:
        >>> from state_machines.n8n import convert
        >>> result = convert({"name": "Hi", "nodes": [
        ...     {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "parameters": {}}],
        ...     "connections": {}})
        >>> result.workflow["trigger"]["type"], result.report.converted
        ('manual', 1)
    """

    model_config = ConfigDict(extra="forbid")

    workflow: dict[str, Any]
    report: ImportReport
