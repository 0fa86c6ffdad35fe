"""Which mapper converts which n8n node type: flow and data nodes, then app nodes.

A type missing here becomes a placeholder. Add a type by writing a mapper in ``control.py``
(built-in nodes) or ``apps.py`` (connector actions) and listing it in its table.
"""

from __future__ import annotations

from collections.abc import Callable

from state_machines.n8n.apps import APP_MAPPERS
from state_machines.n8n.control import CONTROL_MAPPERS
from state_machines.n8n.nodes import Mapped, NodeContext

__all__ = ["MAPPERS"]

MAPPERS: dict[str, Callable[[NodeContext], Mapped]] = {**CONTROL_MAPPERS, **APP_MAPPERS}
