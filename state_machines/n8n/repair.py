"""Make a converted workflow valid: fix what the WFAIB validator finds, one problem kind at a time.

n8n allows graphs WFAIB does not (cycles outside loops, branches that cross before they meet,
unwired IF outputs, references to nodes that may not have run). Rather than predict every such
shape, the converter validates the draft and answers each problem with the smallest honest
change — a Stop node on an unwired output, an edge removed, an expression replaced by a
marker, a node left out — and records it in the report. Every step removes an edge, a node or
an expression, or wires an output that was empty, so the loop ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from state_machines.model import NodeCatalog, Problem, Workflow, validate_workflow
from state_machines.model.graph import WorkflowGraph
from state_machines.n8n.expressions import marker

__all__ = ["Draft", "repair"]

MAX_ROUNDS = 200
_EXPRESSION_PROBLEMS = frozenset(
    {
        "invalid_expression",
        "unknown_reference",
        "invalid_reference",
        "reference_out_of_scope",
        "reference_not_ready",
    }
)
_PARAM_PROBLEMS = frozenset({"missing_param", "unknown_param", "invalid_param"})


@dataclass
class Draft:
    """The workflow being built, as plain JSON, with the report's running notes."""

    document: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    demoted: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    untranslated: dict[str, list[str]] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)

    @property
    def nodes(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = self.document["nodes"]
        return nodes

    @property
    def edges(self) -> list[dict[str, Any]]:
        edges: list[dict[str, Any]] = self.document["edges"]
        return edges

    def node(self, node_id: str | None) -> dict[str, Any] | None:
        return next((node for node in self.nodes if node["id"] == node_id), None)

    def new_id(self, base: str) -> str:
        candidate, suffix = base[:60], 2
        while candidate in self.used_ids:
            candidate, suffix = f"{base[:56]}_{suffix}", suffix + 1
        self.used_ids.add(candidate)
        return candidate

    def add_stop(self, source: str, branch: str | None) -> None:
        stop_id = self.new_id(f"{source}_{branch or 'out'}_end")
        self.nodes.append(
            {
                "id": stop_id,
                "type": "logic.stop",
                "name": f"End ({branch})",
                "params": {},
                "notes": f"Added on import: n8n ended the flow here when '{source}' took '{branch}'.",
            }
        )
        self.edges.append({"source": source, "target": stop_id, "branch": branch})

    def remove_node(self, node_id: str, why: str) -> None:
        node = self.node(node_id)
        if node is None:
            return
        self.document["nodes"] = [n for n in self.nodes if n["id"] != node_id]
        self.document["edges"] = [e for e in self.edges if node_id not in (e["source"], e["target"])]
        self.dropped[node_id] = why
        self.notes.append(f"'{node.get('name') or node_id}' was left out: {why}.")

    def remove_edge(self, edge: dict[str, Any], why: str) -> None:
        if edge in self.edges:
            self.edges.remove(edge)
            label = f" ({edge['branch']})" if edge.get("branch") else ""
            self.notes.append(
                f"The connection {edge['source']}{label} → {edge['target']} was removed: {why}."
            )


def repair(draft: Draft, catalog: NodeCatalog, placeholder: Any) -> list[Problem]:
    """Fix ``draft`` in place until it validates (or the rounds run out); the problems left."""
    problems: list[Problem] = []
    for _ in range(MAX_ROUNDS):
        workflow = Workflow.model_validate(draft.document)
        problems = validate_workflow(workflow, catalog)
        if not problems:
            return []
        if not _fix(draft, problems, workflow, catalog, placeholder):
            return problems
    return problems


def _fix(
    draft: Draft, problems: list[Problem], workflow: Workflow, catalog: NodeCatalog, placeholder: Any
) -> bool:
    """Fix the first kind of problem found; True when something changed."""
    by_code: dict[str, list[Problem]] = {}
    for problem in problems:
        by_code.setdefault(problem.code, []).append(problem)
    for code, handler in _STRUCTURE_FIXES.items():
        if code in by_code:
            changed = handler(draft, by_code[code], workflow, catalog)
            if changed:
                return True
    for problem in problems:
        if problem.code in _PARAM_PROBLEMS and problem.node:
            _fix_param(draft, problem, catalog, placeholder)
            return True
        if problem.code in _EXPRESSION_PROBLEMS and problem.node and problem.field:
            _fix_expression(draft, problem)
            return True
    return False


def _fix_lone_parallel(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    """A parallel left with fewer than two branches (after other repairs) just passes its input on."""
    for problem in problems:
        node = draft.node(problem.node)
        if node is None:
            return False
        node["type"], node["params"] = "data.transform", {"output": "{{ $input }}"}
        node.pop("version", None)
    return True


def _edges_of(draft: Draft, node_id: str | None, branch: str | None = "*") -> list[dict[str, Any]]:
    return [e for e in draft.edges if e["source"] == node_id and (branch == "*" or e.get("branch") == branch)]


def _fix_unknown_branch(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    for problem in problems:
        match = re.search(r"has no output '([^']*)'", problem.message)
        branch = match.group(1) if match else None
        for edge in _edges_of(draft, problem.node):
            if str(edge.get("branch")) == branch:
                draft.remove_edge(edge, "WFAIB's node has no such output")
                return True
    return False


def _fix_branch_fan_out(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    problem = problems[0]
    match = re.search(r"Output '([^']*)'", problem.message)
    branch = match.group(1) if match else None
    edges = _edges_of(draft, problem.node, branch)
    if len(edges) < 2:
        return False
    parallel_id = draft.new_id(f"{problem.node}_{branch}_all")
    draft.nodes.append(
        {
            "id": parallel_id,
            "type": "logic.parallel",
            "name": f"{branch}: all of these",
            "params": {},
            "notes": "Added on import: n8n ran every connection of this output.",
        }
    )
    for edge in edges:
        edge["source"], edge["branch"] = parallel_id, None
    draft.edges.append({"source": problem.node, "target": parallel_id, "branch": branch})
    return True


def _fix_error_edge_unused(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    node = draft.node(problems[0].node)
    if node is None:
        return False
    node["on_error"] = "branch"
    return True


def _fix_cycle(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    match = re.search(r"cycle: (.*)\. Only", problems[0].message)
    if not match:
        return False
    chain = match.group(1).split(" → ")
    source, target = chain[-2], chain[-1]
    for edge in list(draft.edges):
        if edge["source"] == source and edge["target"] == target:
            draft.remove_edge(
                edge, "it closed a loop that is not a Loop Over Items (WFAIB allows no other cycles)"
            )
            return True
    return False


def _fix_loop_body_escapes(
    draft: Draft, problems: list[Problem], workflow: Workflow, catalog: NodeCatalog
) -> bool:
    problem = problems[0]
    match = re.search(r"body of loop '([^']*)' but connects to '([^']*)'", problem.message)
    if not match:
        return False
    loop_id, outside = match.group(1), match.group(2)
    for edge in _edges_of(draft, problem.node):
        if edge["target"] == outside:
            draft.edges.remove(edge)
            draft.edges.append({"source": problem.node, "target": loop_id, "branch": edge.get("branch")})
            if not _edges_of(draft, loop_id, "done"):
                draft.edges.append({"source": loop_id, "target": outside, "branch": "done"})
                draft.notes.append(
                    f"'{outside}' now runs after the loop '{loop_id}' ends (n8n left the loop from inside it)."
                )
            else:
                draft.notes.append(
                    f"'{problem.node}' led out of the loop '{loop_id}'; it now leads back to it."
                )
            return True
    return False


def _fix_loop_body_entered(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    problem = problems[0]
    match = re.search(r"also reached from '([^']*)' outside it", problem.message)
    if not match:
        return False
    for edge in _edges_of(draft, match.group(1)):
        if edge["target"] == problem.node:
            draft.remove_edge(edge, "it entered a loop body from outside the loop")
            return True
    return False


def _fix_multiple_starts(
    draft: Draft, problems: list[Problem], workflow: Workflow, catalog: NodeCatalog
) -> bool:
    starts = WorkflowGraph(workflow, catalog).starts()
    for node_id in starts[1:]:
        draft.remove_node(node_id, "it is not connected to the trigger")
    return len(starts) > 1


def _fix_no_start(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    if draft.nodes:
        return False
    draft.nodes.append(
        {
            "id": draft.new_id("start"),
            "type": "data.transform",
            "name": "Start",
            "params": {"output": "{{ $input }}"},
            "notes": "Added on import: the n8n workflow has no steps after its trigger.",
        }
    )
    return True


def _fix_unreachable(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    for problem in problems:
        if problem.node:
            draft.remove_node(problem.node, "it is not reachable from the trigger")
    return True


def _fix_missing_branch(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    for problem in problems:
        node = draft.node(problem.node)
        if node is None:
            continue
        if problem.field == "on_error":
            node["on_error"] = "continue"
            return True
        match = re.search(r"Output '([^']*)'", problem.message)
        if not match:
            continue
        branch = match.group(1)
        if node["type"] == "logic.loop" and branch == "each":
            node["type"], node["params"] = "data.transform", {"output": "{{ $input }}"}
            for edge in _edges_of(draft, node["id"]):
                edge["branch"] = None if edge.get("branch") == "done" else edge.get("branch")
            draft.demoted[node["id"]] = "the loop has no body; it hands its input on"
            return True
        draft.add_stop(node["id"], branch)
        return True
    return False


def _fix_tangled_branches(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    problem = problems[0]
    match = re.search(r"parallel branches of '([^']*)'", problem.message)
    fan_out = match.group(1) if match else None
    incoming = [e for e in draft.edges if e["target"] == problem.node]
    if len(incoming) < 2:
        return False
    direct = [e for e in incoming if e["source"] == fan_out]
    edge = direct[0] if direct else incoming[-1]
    draft.remove_edge(edge, "WFAIB runs the branches of a fan-out in parallel and they must meet at one node")
    return True


def _fix_error_edge_leaves_branch(draft: Draft, problems: list[Problem], *_: Any) -> bool:
    node = draft.node(problems[0].node)
    if node is None:
        return False
    for edge in _edges_of(draft, node["id"], "error"):
        draft.remove_edge(edge, "an error output may not leave its parallel branch")
    node["on_error"] = "stop"
    return True


def _fix_param(draft: Draft, problem: Problem, catalog: NodeCatalog, placeholder: Any) -> None:
    node = draft.node(problem.node)
    assert node is not None
    field_path = (problem.field or "").removeprefix("params.")
    top = re.split(r"[.\[]", field_path, maxsplit=1)[0]
    node_type = catalog.get(node["type"], node.get("version", 1))
    required = set(node_type.input_schema.get("required", [])) if node_type else set()
    if problem.code != "missing_param" and top and top not in required and top in node["params"]:
        del node["params"][top]
        draft.notes.append(
            f"'{node.get('name') or node['id']}': the param '{top}' was dropped ({problem.message})."
        )
        return
    detail = problem.message.rstrip(".")
    detail = detail if len(detail) <= 160 else detail[:157] + "..."
    reason = f"the WFAIB action refuses its '{field_path or top}' ({detail})"
    if problem.code == "missing_param":
        reason = f"the required param '{top or field_path}' could not be filled from n8n"
    placeholder(draft, node, reason)


def _fix_expression(draft: Draft, problem: Problem) -> None:
    node = draft.node(problem.node)
    assert node is not None
    path = (problem.field or "").removeprefix("params")
    container: Any = node["params"]
    keys = re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path)
    parents: list[tuple[Any, Any]] = []
    for name, index in keys:
        key: Any = int(index) if index else name
        parents.append((container, key))
        try:
            container = container[key]
        except (KeyError, IndexError, TypeError):
            container = None
            break
    if not parents or not isinstance(container, str):
        placeholder_text = f"an expression in '{problem.field}' could not be located to replace"
        draft.notes.append(f"'{node['id']}': {placeholder_text}.")
        return
    parent, key = parents[-1]
    original = container
    if node["type"] in ("logic.if", "logic.switch", "data.filter") and re.search(
        r"condition", problem.field or ""
    ):
        parent[key] = "{{ false }}"
    else:
        parent[key] = marker("=" + original)
    draft.untranslated.setdefault(node["id"], []).append(f"{original} ({problem.message})")


# Structure first (in this order: each fix can make a later problem disappear), then params and
# expressions, which the validator checks only once the structure is sound.
_STRUCTURE_FIXES: dict[str, Callable[[Draft, list[Problem], Workflow, NodeCatalog], bool]] = {
    "unknown_branch": _fix_unknown_branch,
    "branch_fan_out": _fix_branch_fan_out,
    "error_edge_unused": _fix_error_edge_unused,
    "cycle": _fix_cycle,
    "loop_body_escapes": _fix_loop_body_escapes,
    "loop_body_entered": _fix_loop_body_entered,
    "multiple_starts": _fix_multiple_starts,
    "no_start": _fix_no_start,
    "unreachable": _fix_unreachable,
    "missing_branch": _fix_missing_branch,
    "tangled_branches": _fix_tangled_branches,
    "error_edge_leaves_branch": _fix_error_edge_leaves_branch,
    "parallel_needs_branches": _fix_lone_parallel,
}
