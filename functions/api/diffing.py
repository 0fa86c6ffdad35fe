"""A readable diff between two versions of a workflow: nodes by id, edges by their ends, fields by path.

Hand-written rather than a generic JSON diff (jsonpatch and the like): those address nodes and
edges by list index, so inserting one node would show every later node as changed.

Example:
    >>> a = {"name": "A", "nodes": [{"id": "x", "params": {"n": 1}}], "edges": []}
    >>> b = {"name": "B", "nodes": [{"id": "x", "params": {"n": 2}}, {"id": "y"}], "edges": [{"source": "x", "target": "y"}]}
    >>> [(c["op"], c["path"]) for c in diff_workflows(a, b)["changes"]]
    [('changed', 'name'), ('changed', 'nodes.x.params.n'), ('added', 'nodes.y'), ('added', 'edges.x->y')]
"""

from __future__ import annotations

from typing import Any

__all__ = ["diff_workflows"]

_MISSING = object()


def diff_workflows(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``changes`` (each ``{op, path, from?, to?}``) and a ``summary`` of nodes and edges."""
    changes: list[dict[str, Any]] = []
    for key in _ordered_keys(old, new, skip={"nodes", "edges"}):
        _diff_value(key, old.get(key, _MISSING), new.get(key, _MISSING), changes)
    old_nodes, new_nodes = _by_id(old.get("nodes")), _by_id(new.get("nodes"))
    changed_nodes = []
    for node_id in _ordered_keys(old_nodes, new_nodes):
        before = len(changes)
        _diff_value(
            f"nodes.{node_id}", old_nodes.get(node_id, _MISSING), new_nodes.get(node_id, _MISSING), changes
        )
        if len(changes) > before and node_id in old_nodes and node_id in new_nodes:
            changed_nodes.append(node_id)
    old_edges, new_edges = _edges(old.get("edges")), _edges(new.get("edges"))
    for name in _ordered_keys(old_edges, new_edges):
        _diff_value(f"edges.{name}", old_edges.get(name, _MISSING), new_edges.get(name, _MISSING), changes)
    return {
        "changes": changes,
        "summary": {
            "nodes_added": [n for n in new_nodes if n not in old_nodes],
            "nodes_removed": [n for n in old_nodes if n not in new_nodes],
            "nodes_changed": changed_nodes,
            "edges_added": [e for e in new_edges if e not in old_edges],
            "edges_removed": [e for e in old_edges if e not in new_edges],
        },
    }


def _diff_value(path: str, old: Any, new: Any, changes: list[dict[str, Any]]) -> None:
    if old is _MISSING and new is _MISSING:
        return
    if old is _MISSING:
        changes.append({"op": "added", "path": path, "to": new})
    elif new is _MISSING:
        changes.append({"op": "removed", "path": path, "from": old})
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in _ordered_keys(old, new):
            _diff_value(f"{path}.{key}", old.get(key, _MISSING), new.get(key, _MISSING), changes)
    elif old != new:
        changes.append({"op": "changed", "path": path, "from": old, "to": new})


def _ordered_keys(old: dict[str, Any], new: dict[str, Any], skip: set[str] | None = None) -> list[str]:
    """Keys of ``old`` in order, then those only in ``new``: the diff reads like the documents."""
    keys = [key for key in old if key not in (skip or set())]
    keys += [key for key in new if key not in old and key not in (skip or set())]
    return keys


def _by_id(nodes: Any) -> dict[str, Any]:
    return {str(node.get("id")): node for node in nodes or [] if isinstance(node, dict)}


def _edges(edges: Any) -> dict[str, Any]:
    named: dict[str, Any] = {}
    for edge in edges or []:
        if isinstance(edge, dict):
            branch = f"[{edge['branch']}]" if edge.get("branch") else ""
            named[f"{edge.get('source')}->{edge.get('target')}{branch}"] = edge
    return named
