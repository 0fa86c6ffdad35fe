"""Graph facts the validator and the compiler both need: starts, loop bodies, scopes, joins.

A workflow is a directed graph. Loops are the only cycles allowed: a ``logic.loop`` node's
``each`` edges lead into its body, and the body's last nodes connect back to the loop node. Every
other fan-out (a ``logic.parallel`` node, or any node with several plain outgoing edges) runs
its branches in parallel until they meet again at the join (the branches' immediate
post-dominator). Scopes mirror ASL: the top level, each loop body (a Map's ItemProcessor) and
each parallel branch (a Parallel's Branches) — a Catch or Next never leaves its scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from state_machines.model.node_types import NodeCatalog, NodeKind
from state_machines.model.workflow import Edge, Node, Workflow

__all__ = ["EXIT", "TRIGGER", "Scope", "WorkflowGraph"]

TRIGGER = "trigger"
EXIT = "<exit>"
ERROR_BRANCH = "error"
LOOP_BODY_BRANCH = "each"


@dataclass
class Scope:
    """The nodes that become the states of one ASL ``States`` object."""

    entry: str
    nodes: list[str] = field(default_factory=list)
    parent_loop: str | None = None


class WorkflowGraph:
    """Adjacency and structure of one workflow; built once, queried by validator and compiler."""

    def __init__(self, workflow: Workflow, catalog: NodeCatalog) -> None:
        self.workflow = workflow
        self.catalog = catalog
        self.nodes: dict[str, Node] = {}
        for node in workflow.nodes:
            self.nodes.setdefault(node.id, node)
        self.out: dict[str, list[Edge]] = defaultdict(list)
        self.inc: dict[str, list[Edge]] = defaultdict(list)
        for edge in workflow.edges:
            if edge.source in self.nodes and edge.target in self.nodes:
                self.out[edge.source].append(edge)
                self.inc[edge.target].append(edge)
        self.loop_bodies: dict[str, set[str]] = {
            node_id: self._loop_body(node_id) for node_id in self.nodes if self.kind(node_id) is NodeKind.LOOP
        }
        self.loop_of: dict[str, str] = {}
        for loop_id, body in sorted(self.loop_bodies.items(), key=lambda item: len(item[1]), reverse=True):
            for member in body:
                self.loop_of[member] = loop_id  # innermost loop wins: smaller bodies are assigned last

    def kind(self, node_id: str) -> NodeKind | None:
        node = self.nodes.get(node_id)
        if node is None:
            return None
        node_type = self.catalog.get(node.type, node.version)
        return node_type.kind if node_type else None

    def starts(self) -> list[str]:
        """Nodes the trigger starts: targets of edges from ``trigger``, else nodes nobody enters."""
        explicit = [e.target for e in self.workflow.edges if e.source == TRIGGER and e.target in self.nodes]
        if explicit:
            return list(dict.fromkeys(explicit))
        return [
            node_id
            for node_id in self.nodes
            if all(self.loop_of.get(e.source) == node_id for e in self.inc[node_id])
            and self.kind(node_id) is not NodeKind.ERROR_HANDLER
        ]

    def error_handlers(self) -> list[str]:
        return [node_id for node_id in self.nodes if self.kind(node_id) is NodeKind.ERROR_HANDLER]

    def forward_edges(self, node_id: str) -> list[Edge]:
        """Outgoing edges, minus a loop body's edges back to its loop node."""
        loop = self.loop_of.get(node_id)
        return [e for e in self.out[node_id] if not (loop is not None and e.target == loop)]

    def plain_successors(self, node_id: str) -> list[str]:
        return [e.target for e in self.out[node_id] if e.branch is None]

    def is_fan_out(self, node_id: str) -> bool:
        kind = self.kind(node_id)
        if kind is NodeKind.PARALLEL:
            return True
        return kind not in (NodeKind.CHOICE, NodeKind.LOOP) and len(self.plain_successors(node_id)) > 1

    def _loop_body(self, loop_id: str) -> set[str]:
        body: set[str] = set()
        frontier = [e.target for e in self.out[loop_id] if e.branch == LOOP_BODY_BRANCH]
        while frontier:
            current = frontier.pop()
            if current == loop_id or current in body:
                continue
            body.add(current)
            frontier.extend(e.target for e in self.out[current])
        return body

    def successors_in_dag(self, node_id: str) -> list[str]:
        """Successors once loop bodies are collapsed into their loop node (back edges dropped)."""
        result = []
        for edge in self.forward_edges(node_id):
            if self.kind(node_id) is NodeKind.LOOP and edge.branch == LOOP_BODY_BRANCH:
                continue
            result.append(edge.target)
        return result

    def find_cycle(self) -> list[str] | None:
        """A cycle that does not go through a loop's back edge, if any (as a node list)."""
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(node_id: str) -> list[str] | None:
            state[node_id] = 1
            stack.append(node_id)
            inner = [e.target for e in self.forward_edges(node_id)]
            for target in inner:
                if state.get(target) == 1:
                    return [*stack[stack.index(target) :], target]
                if target not in state:
                    found = visit(target)
                    if found:
                        return found
            stack.pop()
            state[node_id] = 2
            return None

        for node_id in self.nodes:
            if node_id not in state:
                found = visit(node_id)
                if found:
                    return found
        return None

    def topological_order(self) -> list[str]:
        """Nodes in an order where every forward edge goes left to right (graph must be acyclic)."""
        indegree = dict.fromkeys(self.nodes, 0)
        for node_id in self.nodes:
            for edge in self.forward_edges(node_id):
                indegree[edge.target] += 1
        ready = [node_id for node_id in self.nodes if indegree[node_id] == 0]
        order: list[str] = []
        while ready:
            current = ready.pop(0)
            order.append(current)
            for edge in self.forward_edges(current):
                indegree[edge.target] -= 1
                if indegree[edge.target] == 0:
                    ready.append(edge.target)
        return order

    def post_dominators(self, members: set[str]) -> dict[str, set[str]]:
        """Post-dominator sets within ``members`` (loop bodies collapsed), with ``EXIT`` as sink."""
        order = [n for n in self.topological_order() if n in members]
        pdom: dict[str, set[str]] = {}
        for node_id in reversed(order):
            successors = [s for s in self.successors_in_dag(node_id) if s in members]
            if not successors:
                pdom[node_id] = {node_id, EXIT}
                continue
            common = set.intersection(*(pdom.get(s, {s, EXIT}) for s in successors))
            pdom[node_id] = common | {node_id}
        return pdom

    def join_of(self, fan_out: str, members: set[str]) -> str:
        """Where the branches leaving ``fan_out`` meet again (``EXIT`` when they never do)."""
        pdom = self.post_dominators(members)
        candidates = pdom.get(fan_out, {EXIT}) - {fan_out}
        real = [c for c in candidates if c != EXIT]
        if not real:
            return EXIT
        return max(real, key=lambda c: len(pdom[c]))

    def branch_heads(self, fan_out: str) -> list[str]:
        if self.kind(fan_out) is NodeKind.PARALLEL:
            return [e.target for e in self.out[fan_out] if e.branch != ERROR_BRANCH]
        return self.plain_successors(fan_out)

    def region(self, heads: list[str], stop: set[str]) -> list[str]:
        """Nodes reachable from ``heads`` without entering ``stop`` (loop bodies not entered)."""
        seen: list[str] = []
        frontier = list(heads)
        while frontier:
            current = frontier.pop(0)
            if current in stop or current in seen:
                continue
            seen.append(current)
            frontier.extend(self.successors_in_dag(current))
        return seen

    def dominators(self, entries: list[str]) -> dict[str, set[str]]:
        """For each node, the nodes that run on every path to it from ``entries`` (itself included)."""
        order = self.topological_order()
        preds: dict[str, list[str]] = defaultdict(list)
        for node_id in self.nodes:
            for target in self.successors_in_dag(node_id):
                preds[target].append(node_id)
            if self.kind(node_id) is NodeKind.LOOP:
                for edge in self.out[node_id]:
                    if edge.branch == LOOP_BODY_BRANCH:
                        preds[edge.target].append(node_id)
        dom: dict[str, set[str]] = {}
        for node_id in order:
            incoming = [p for p in preds[node_id] if p in dom]
            if node_id in entries or not incoming:
                dom[node_id] = {node_id}
            else:
                dom[node_id] = set.intersection(*(dom[p] for p in incoming)) | {node_id}
        return dom
