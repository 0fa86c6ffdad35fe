"""Where a ``webhook.respond`` node may stand: a run answers its webhook at most once.

The node answers the request a synchronous webhook (``response_mode: last_node``) is holding
open, so it means nothing under any other trigger; and a request is answered once, so no run may
reach two of them: not one after another, not in a loop body (once per item), not in branches
of a parallel that all run. Branches of an if/switch are fine: only one of them runs.
"""

from __future__ import annotations

from itertools import combinations

from state_machines.model.graph import WorkflowGraph
from state_machines.model.node_types import RESPOND_NODE

__all__ = ["respond_problems"]

Finding = tuple[str, str, str, str]
"""``(code, node, field, message)``."""


def respond_problems(graph: WorkflowGraph, parallel_members: dict[str, tuple[str, ...]]) -> list[Finding]:
    """Every misplaced ``webhook.respond`` node; ``parallel_members`` maps each node to the
    loop/parallel containers it sits in (innermost last)."""
    workflow = graph.workflow
    responders = sorted(node_id for node_id, node in graph.nodes.items() if node.type == RESPOND_NODE)
    if not responders:
        return []
    trigger = workflow.trigger
    if getattr(trigger, "type", None) != "webhook" or getattr(trigger, "response_mode", None) != "last_node":
        return [
            (
                "respond_needs_sync_webhook",
                node_id,
                "type",
                "webhook.respond answers a waiting webhook request: use it with a webhook trigger whose "
                "response_mode is 'last_node'.",
            )
            for node_id in responders
        ]
    found: list[Finding] = []
    for node_id in responders:
        loops = [c for c in parallel_members.get(node_id, ()) if c in graph.loop_bodies]
        if loops:
            found.append(
                (
                    "respond_more_than_once",
                    node_id,
                    "type",
                    f"'{node_id}' is inside loop '{loops[-1]}' and would answer the webhook once per item; "
                    "move it out of the loop.",
                )
            )
    reach = {node_id: _reachable(graph, node_id) for node_id in responders}
    for first, second in combinations(responders, 2):
        if second in reach[first] or first in reach[second]:
            later = second if second in reach[first] else first
            earlier = first if later == second else second
            found.append(
                (
                    "respond_more_than_once",
                    later,
                    "type",
                    f"'{later}' runs after '{earlier}', which has already answered the webhook; "
                    "a run answers once.",
                )
            )
        elif set(_parallels(graph, parallel_members, first)) & set(
            _parallels(graph, parallel_members, second)
        ):
            found.append(
                (
                    "respond_more_than_once",
                    second,
                    "type",
                    f"'{second}' and '{first}' run in parallel branches and would both answer the webhook; "
                    "keep one.",
                )
            )
    return found


def _reachable(graph: WorkflowGraph, start: str) -> set[str]:
    seen: set[str] = set()
    frontier = list(graph.successors_in_dag(start))
    while frontier:
        current = frontier.pop()
        if current not in seen:
            seen.add(current)
            frontier.extend(graph.successors_in_dag(current))
    return seen


def _parallels(graph: WorkflowGraph, members: dict[str, tuple[str, ...]], node_id: str) -> list[str]:
    return [c for c in members.get(node_id, ()) if graph.is_fan_out(c)]
