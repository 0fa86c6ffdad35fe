"""Graph facts the validator and the compiler both need: starts, loop bodies, scopes, joins.

A workflow is a directed graph. Loops are the only cycles allowed: a ``logic.loop`` node's
``each`` edges lead into its body, and the body's last nodes connect back to the loop node. Every
other fan-out (a ``logic.parallel`` node, or any node with several plain outgoing edges) runs
its branches in parallel until they meet again at the join (the branches' immediate
post-dominator). Scopes mirror ASL: the top level, each loop body (a Map's ItemProcessor) and
each parallel branch (a Parallel's Branches) — a Catch or Next never leaves its scope.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cached_property

from state_machines.model.node_types import NodeCatalog, NodeKind
from state_machines.model.workflow import Edge, Node, Workflow

__all__ = ["EXIT", "TRIGGER", "Dominance", "Scope", "WorkflowGraph"]

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
        self._kinds: dict[str, NodeKind] = {}
        for node_id, node in self.nodes.items():
            node_type = catalog.get(node.type, node.version)
            if node_type is not None:
                self._kinds[node_id] = node_type.kind
        self.out: dict[str, list[Edge]] = defaultdict(list)
        self.inc: dict[str, list[Edge]] = defaultdict(list)
        for edge in workflow.edges:
            if edge.source in self.nodes and edge.target in self.nodes:
                self.out[edge.source].append(edge)
                self.inc[edge.target].append(edge)
        self.loop_bodies: dict[str, set[str]] = {
            node_id: self._loop_body(node_id) for node_id in self.nodes if self.kind(node_id) is NodeKind.LOOP
        }
        self._joins: dict[str, str] = {}
        self.loop_of: dict[str, str] = {}
        for loop_id, body in sorted(self.loop_bodies.items(), key=lambda item: len(item[1]), reverse=True):
            for member in body:
                self.loop_of[member] = loop_id  # innermost loop wins: smaller bodies are assigned last

    def kind(self, node_id: str) -> NodeKind | None:
        return self._kinds.get(node_id)

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
        return node_id in self.fan_outs

    @cached_property
    def fan_outs(self) -> frozenset[str]:
        """Nodes whose outputs run in parallel: Parallel nodes and plain multi-output nodes."""
        result = set()
        for node_id in self.nodes:
            kind = self.kind(node_id)
            if kind is NodeKind.PARALLEL or (
                kind not in (NodeKind.CHOICE, NodeKind.LOOP) and len(self.plain_successors(node_id)) > 1
            ):
                result.add(node_id)
        return frozenset(result)

    @cached_property
    def fan_out_by_join(self) -> dict[str, str]:
        """For each join node, the fan-out whose branches meet there."""
        return {
            self.join_of(fan_out): fan_out
            for fan_out in sorted(self.fan_outs)
            if self.join_of(fan_out) != EXIT
        }

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

    @cached_property
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

    @cached_property
    def post_dominators(self) -> dict[str, set[str]]:
        """Post-dominator sets (loop bodies collapsed), with ``EXIT`` as the sink."""
        pdom: dict[str, set[str]] = {}
        for node_id in reversed(self.topological_order):
            successors = self.successors_in_dag(node_id)
            if not successors:
                pdom[node_id] = {node_id, EXIT}
                continue
            common = set.intersection(*(pdom.get(s, {s, EXIT}) for s in successors))
            pdom[node_id] = common | {node_id}
        return pdom

    def join_of(self, fan_out: str) -> str:
        """Where the branches leaving ``fan_out`` meet again (``EXIT`` when they never do)."""
        if fan_out in self._joins:
            return self._joins[fan_out]
        pdom = self.post_dominators
        candidates = pdom.get(fan_out, {EXIT}) - {fan_out}
        real = [c for c in candidates if c != EXIT]
        join = max(real, key=lambda c: len(pdom[c])) if real else EXIT
        self._joins[fan_out] = join
        return join

    def branch_heads(self, fan_out: str) -> list[str]:
        if self.kind(fan_out) is NodeKind.PARALLEL:
            return [e.target for e in self.out[fan_out] if e.branch != ERROR_BRANCH]
        return self.plain_successors(fan_out)

    def region(self, heads: list[str], stop: set[str]) -> list[str]:
        """Nodes reachable from ``heads`` without entering ``stop`` (loop bodies not entered)."""
        seen: dict[str, None] = {}
        frontier = deque(heads)
        while frontier:
            current = frontier.popleft()
            if current in stop or current in seen:
                continue
            seen[current] = None
            frontier.extend(self.successors_in_dag(current))
        return list(seen)

    def dominance(self, entries: list[str]) -> Dominance:
        """Which nodes run on every path to which (from ``entries``; loop bodies via their loop)."""
        order = self.topological_order
        position = {node_id: index for index, node_id in enumerate(order)}
        preds: dict[str, list[str]] = defaultdict(list)
        for node_id in self.nodes:
            for target in self.successors_in_dag(node_id):
                preds[target].append(node_id)
            if self.kind(node_id) is NodeKind.LOOP:
                for edge in self.out[node_id]:
                    if edge.branch == LOOP_BODY_BRANCH:
                        preds[edge.target].append(node_id)
        idom: dict[str, str | None] = {}

        def common(a: str | None, b: str | None) -> str | None:
            # Cooper, Harvey and Kennedy's intersect, over a topological numbering.
            while a is not None and b is not None and a != b:
                while a is not None and b is not None and position[a] > position[b]:
                    a = idom[a]
                while a is not None and b is not None and position[b] > position[a]:
                    b = idom[b]
            return a if a == b else None

        for node_id in order:
            incoming = [p for p in preds[node_id] if p in idom]
            if node_id in entries or not incoming:
                idom[node_id] = None
                continue
            dominator: str | None = incoming[0]
            for other in incoming[1:]:
                dominator = common(dominator, other)
            idom[node_id] = dominator
        return Dominance(idom)


class Dominance:
    """A dominator tree, answering "does a always run before b?" in constant time."""

    def __init__(self, idom: dict[str, str | None]) -> None:
        children: dict[str | None, list[str]] = defaultdict(list)
        for node_id, parent in idom.items():
            children[parent].append(node_id)
        self._enter: dict[str, int] = {}
        self._leave: dict[str, int] = {}
        clock = 0
        stack: list[tuple[str, bool]] = [(root, False) for root in reversed(children[None])]
        while stack:
            node_id, leaving = stack.pop()
            clock += 1
            if leaving:
                self._leave[node_id] = clock
                continue
            self._enter[node_id] = clock
            stack.append((node_id, True))
            stack.extend((child, False) for child in reversed(children[node_id]))

    def dominates(self, a: str, b: str) -> bool:
        if a not in self._enter or b not in self._enter:
            return False
        return self._enter[a] <= self._enter[b] and self._leave[b] <= self._leave[a]
