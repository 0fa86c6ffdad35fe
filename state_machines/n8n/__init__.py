"""n8n workflow import: an n8n export → a WFAIB workflow that validates, and a report.

Example:
    >>> from state_machines.n8n import convert
    >>> result = convert({"name": "Hello", "nodes": [
    ...     {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "parameters": {}},
    ...     {"name": "Greet", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "parameters": {
    ...         "assignments": {"assignments": [{"name": "msg", "type": "string", "value": "hi"}]}}}],
    ...     "connections": {"Start": {"main": [[{"node": "Greet", "type": "main", "index": 0}]]}}})
    >>> result.workflow["nodes"][0]["type"], result.report.complete
    ('data.set', True)
"""

from state_machines.n8n.converter import convert, default_catalog
from state_machines.n8n.report import ImportReport, ImportResult, InvalidN8nDocumentError, Placeholder

__all__ = [
    "ImportReport",
    "ImportResult",
    "InvalidN8nDocumentError",
    "Placeholder",
    "convert",
    "default_catalog",
]
