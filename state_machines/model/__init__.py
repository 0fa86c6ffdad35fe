"""The workflow model: what users write, the node types they can use, and validation."""

from state_machines.model.node_types import NodeCatalog, NodeKind, NodeType
from state_machines.model.validate import Problem, parse_workflow, validate_workflow
from state_machines.model.workflow import Edge, Node, Workflow

__all__ = [
    "Edge",
    "Node",
    "NodeCatalog",
    "NodeKind",
    "NodeType",
    "Problem",
    "Workflow",
    "parse_workflow",
    "validate_workflow",
]
