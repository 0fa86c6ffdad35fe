"""Validate a workflow in one pass and return every problem at once.

Each problem names a code, the node and the field, and says in a sentence what to change, so the
editor can pin it on the right input. Nothing here raises for bad user input.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, ValidationError

from state_machines.model.expressions import (
    contains_expression,
    free_variables,
    iter_templates,
    jsonata_syntax_error,
    split_template,
)
from state_machines.model.graph import ERROR_BRANCH, LOOP_BODY_BRANCH, TRIGGER, Dominance, WorkflowGraph
from state_machines.model.node_types import NodeCatalog, NodeKind, NodeType
from state_machines.model.respond_rules import respond_problems
from state_machines.model.workflow import Workflow

__all__ = ["RESERVED_VARIABLES", "Problem", "parse_workflow", "validate_workflow"]

# Names an expression may use without a node of that id: the workflow's own variables, and the
# functions of JSONata and of Step Functions' JSONata.
RESERVED_VARIABLES = frozenset({"trigger", "input", "execution", "item", "index"})
JSONATA_FUNCTIONS = frozenset(
    [
        "sum",
        "count",
        "max",
        "min",
        "average",
        "string",
        "substring",
        "substringBefore",
        "substringAfter",
        "lowercase",
        "uppercase",
        "length",
        "trim",
        "pad",
        "contains",
        "split",
        "join",
        "match",
        "replace",
        "now",
        "millis",
        "fromMillis",
        "toMillis",
        "formatNumber",
        "formatBase",
        "formatInteger",
        "parseInteger",
        "number",
        "abs",
        "floor",
        "ceil",
        "round",
        "power",
        "sqrt",
        "random",
        "boolean",
        "not",
        "exists",
        "append",
        "sort",
        "reverse",
        "shuffle",
        "distinct",
        "zip",
        "keys",
        "lookup",
        "spread",
        "merge",
        "sift",
        "each",
        "error",
        "assert",
        "type",
        "single",
        "filter",
        "map",
        "reduce",
        "base64encode",
        "base64decode",
        "encodeUrlComponent",
        "encodeUrl",
        "decodeUrlComponent",
        "decodeUrl",
        "eval",
        "clone",
        "partition",
        "range",
        "hash",
        "uuid",
        "parse",
    ]
)
STEP_FUNCTIONS_ONLY = frozenset({"states"})


_BLOCKS_STRUCTURE = frozenset(
    {"duplicate_node", "unknown_node_type", "unknown_node_version", "dangling_edge"}
)
_BLOCKS_EXPRESSIONS = frozenset(
    {
        "no_start",
        "multiple_starts",
        "cycle",
        "loop_body_escapes",
        "loop_body_entered",
        "unreachable",
        "tangled_branches",
    }
)


class Problem(BaseModel):
    """One validation problem: what is wrong, where, and what to do about it."""

    model_config = ConfigDict(frozen=True)

    code: str
    node: str | None
    field: str | None
    message: str


def parse_workflow(document: Any) -> tuple[Workflow | None, list[Problem]]:
    """Parse JSON into a Workflow, turning pydantic's errors into problems with node and field."""
    try:
        return Workflow.model_validate(document), []
    except ValidationError as exc:
        nodes = document.get("nodes") if isinstance(document, dict) else None
        problems = []
        for error in exc.errors():
            location = list(error["loc"])
            node_id = None
            if len(location) >= 2 and location[0] == "nodes" and isinstance(location[1], int) and nodes:
                candidate = nodes[location[1]] if location[1] < len(nodes) else None
                node_id = candidate.get("id") if isinstance(candidate, dict) else None
                location = location[2:]
            field = ".".join(str(part) for part in location) or None
            problems.append(Problem(code="invalid_field", node=node_id, field=field, message=error["msg"]))
        return None, problems


def validate_workflow(workflow: Workflow, catalog: NodeCatalog) -> list[Problem]:
    """Every problem of ``workflow``; an empty list means it compiles.

    Example:
        >>> wf = Workflow.model_validate({"id": "w", "name": "W", "trigger": {"type": "manual"},
        ...     "nodes": [{"id": "a", "type": "nope.nothing"}]})
        >>> [p.code for p in validate_workflow(wf, NodeCatalog.builtin())]
        ['unknown_node_type']
    """
    checker = _Checker(workflow, catalog)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, workflow: Workflow, catalog: NodeCatalog) -> None:
        self.workflow = workflow
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.graph = WorkflowGraph(workflow, catalog)

    def add(self, code: str, node: str | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(code=code, node=node, field=field, message=message))

    def run(self) -> None:
        self.check_nodes()
        self.check_edges()
        if self.has(_BLOCKS_STRUCTURE):
            return  # the checks below need known node types and edges that connect nodes
        self.check_structure()
        if not self.has(_BLOCKS_EXPRESSIONS):
            for code, node, field, message in respond_problems(self.graph, _scope_membership(self.graph)):
                self.add(code, node, field, message)
            self.check_expressions()

    def has(self, codes: frozenset[str]) -> bool:
        return any(problem.code in codes for problem in self.problems)

    def check_nodes(self) -> None:
        seen: set[str] = set()
        for node in self.workflow.nodes:
            if node.id in seen:
                self.add(
                    "duplicate_node", node.id, "id", f"Two nodes have the id '{node.id}'; ids must be unique."
                )
            seen.add(node.id)
            if (
                node.id in RESERVED_VARIABLES
                or node.id in JSONATA_FUNCTIONS
                or node.id in STEP_FUNCTIONS_ONLY
            ):
                self.add(
                    "reserved_node_id",
                    node.id,
                    "id",
                    f"'{node.id}' is a reserved name in expressions (`${node.id}`); choose another id.",
                )
            node_type = self.catalog.get(node.type, node.version)
            if node_type is None:
                latest = self.catalog.latest_version(node.type)
                if latest is None:
                    self.add("unknown_node_type", node.id, "type", f"Unknown node type '{node.type}'.")
                else:
                    self.add(
                        "unknown_node_version",
                        node.id,
                        "version",
                        f"'{node.type}' has no version {node.version}; the latest is {latest}.",
                    )
                continue
            self.check_params(node.id, node.params, _validator(node_type))
            if self.workflow.settings.execution_type == "EXPRESS" and node_type.kind in (
                NodeKind.APPROVAL,
                NodeKind.SUB_WORKFLOW,
            ):
                self.add(
                    "not_supported_in_express",
                    node.id,
                    "type",
                    f"'{node.type}' waits for a result, which Express workflows cannot do; use a Standard workflow.",
                )

    def check_params(self, node_id: str, params: dict[str, Any], validator: Draft202012Validator) -> None:
        for error in sorted(validator.iter_errors(params), key=lambda e: list(e.absolute_path)):
            if isinstance(error.instance, str) and contains_expression(error.instance):
                continue  # an expression's type is known only when it runs
            field = _field_path(["params", *error.absolute_path])
            if error.validator == "required":
                missing = error.message.split("'")[1] if "'" in error.message else error.message
                field = _field_path(["params", *error.absolute_path, missing])
                self.add("missing_param", node_id, field, f"'{missing}' is required.")
            elif error.validator == "additionalProperties":
                self.add("unknown_param", node_id, field, error.message)
            elif error.validator == "not" and error.validator_value == {} and "description" in error.schema:
                # A param forbidden by another's absence (`not: {}`) says why in its description.
                self.add("invalid_param", node_id, field, str(error.schema["description"]))
            else:
                self.add("invalid_param", node_id, field, error.message)

    def check_edges(self) -> None:
        for index, edge in enumerate(self.workflow.edges):
            if edge.source != TRIGGER and edge.source not in self.graph.nodes:
                self.add(
                    "dangling_edge",
                    None,
                    f"edges[{index}].source",
                    f"Edge {index} starts at '{edge.source}', which is not a node.",
                )
            if edge.target not in self.graph.nodes:
                self.add(
                    "dangling_edge",
                    edge.source if edge.source in self.graph.nodes else None,
                    f"edges[{index}].target",
                    f"Edge {index} from '{edge.source}' goes to '{edge.target}', which is not a node.",
                )

    def allowed_branches(self, node_id: str) -> set[str | None]:
        node = self.graph.nodes[node_id]
        node_type = self.catalog.get(node.type, node.version)
        assert node_type is not None
        allowed: set[str | None] = {ERROR_BRANCH}
        if node_type.kind is NodeKind.CHOICE and node.type == "logic.switch":
            allowed |= {case.get("name") for case in node.params.get("cases", []) if isinstance(case, dict)}
            allowed.add("default")
        elif node_type.kind in (NodeKind.CHOICE, NodeKind.LOOP):
            allowed |= set(node_type.outputs)
        else:
            allowed |= {None, *node_type.outputs}
        return allowed

    def check_structure(self) -> None:
        graph = self.graph
        for node_id, node in graph.nodes.items():
            allowed = self.allowed_branches(node_id)
            by_branch: dict[str | None, int] = {}
            for edge in graph.out[node_id]:
                if edge.branch not in allowed:
                    names = ", ".join(sorted(str(b) for b in allowed if b is not None))
                    self.add(
                        "unknown_branch",
                        node_id,
                        "edges",
                        f"'{node_id}' has no output '{edge.branch}'; its outputs are: {names}.",
                    )
                by_branch[edge.branch] = by_branch.get(edge.branch, 0) + 1
            for branch, count in by_branch.items():
                if branch is not None and count > 1:
                    self.add(
                        "branch_fan_out",
                        node_id,
                        "edges",
                        f"Output '{branch}' of '{node_id}' connects to {count} nodes; "
                        "connect it to one node, e.g. a Parallel node.",
                    )
            has_error_edge = ERROR_BRANCH in by_branch
            if node.on_error == "branch" and not has_error_edge:
                self.add(
                    "missing_branch",
                    node_id,
                    "on_error",
                    f"'{node_id}' sends errors to its 'error' output, but nothing is connected to it.",
                )
            if has_error_edge and node.on_error != "branch":
                self.add(
                    "error_edge_unused",
                    node_id,
                    "on_error",
                    f"'{node_id}' has an 'error' connection; set on_error to 'branch' to use it.",
                )
            node_type = self.catalog.get(node.type, node.version)
            branches = sum(count for branch, count in by_branch.items() if branch != ERROR_BRANCH)
            if node_type is not None and node_type.kind is NodeKind.PARALLEL and branches < 2:
                self.add(
                    "parallel_needs_branches",
                    node_id,
                    "edges",
                    f"'{node_id}' runs branches side by side but has {branches}; connect it to at least two "
                    "nodes, or remove it and connect its input straight on.",
                )
            for required in self.required_branches(node_id):
                if required not in by_branch:
                    self.add(
                        "missing_branch",
                        node_id,
                        "edges",
                        f"Output '{required}' of '{node_id}' is not connected; connect it (a Stop node "
                        "ends the run there).",
                    )
        starts = graph.starts()
        if not starts:
            self.add("no_start", None, "edges", "No node starts the workflow: connect the trigger to a node.")
        elif len(starts) > 1:
            self.add(
                "multiple_starts",
                None,
                "edges",
                f"The workflow has several first nodes ({', '.join(starts)}); connect them into one flow.",
            )
        handlers = graph.error_handlers()
        if len(handlers) > 1:
            self.add(
                "multiple_error_handlers", handlers[1], "type", "A workflow has at most one error handler."
            )
        cycle = graph.find_cycle()
        if cycle:
            self.add(
                "cycle",
                cycle[0],
                "edges",
                f"These nodes form a cycle: {' → '.join(cycle)}. Only a Loop node's body may lead back to it.",
            )
            return
        self.check_loops()
        reachable = set(graph.region(starts[:1] + handlers, set()))
        for loop_id in graph.loop_bodies:
            if loop_id in reachable:
                reachable |= graph.loop_bodies[loop_id]
        for node_id in graph.nodes:
            if node_id not in reachable and not self.has(_BLOCKS_EXPRESSIONS):
                self.add(
                    "unreachable", node_id, None, f"'{node_id}' is not connected to the workflow's flow."
                )
        if not self.has(_BLOCKS_EXPRESSIONS):
            self.check_parallel_regions()

    def required_branches(self, node_id: str) -> list[str]:
        node = self.graph.nodes[node_id]
        kind = self.graph.kind(node_id)
        if node.type == "logic.if":
            return ["true", "false"]
        if node.type == "logic.switch":
            names = [c.get("name") for c in node.params.get("cases", []) if isinstance(c, dict)]
            return [str(n) for n in names if n] + ["default"]
        if kind is NodeKind.LOOP:
            return [LOOP_BODY_BRANCH]
        return []

    def check_loops(self) -> None:
        graph = self.graph
        for loop_id, body in graph.loop_bodies.items():
            for member in sorted(body):
                for edge in graph.out[member]:
                    if edge.target != loop_id and edge.target not in body:
                        self.add(
                            "loop_body_escapes",
                            member,
                            "edges",
                            f"'{member}' is inside the body of loop '{loop_id}' but connects to "
                            f"'{edge.target}' outside it; end the body by connecting back to '{loop_id}'.",
                        )
                for edge in graph.inc[member]:
                    if edge.source not in body and not (
                        edge.source == loop_id and edge.branch == LOOP_BODY_BRANCH
                    ):
                        self.add(
                            "loop_body_entered",
                            member,
                            "edges",
                            f"'{member}' is inside the body of loop '{loop_id}' but is also reached from "
                            f"'{edge.source}' outside it.",
                        )

    def check_parallel_regions(self) -> None:
        graph = self.graph
        for node_id in graph.nodes:
            if not graph.is_fan_out(node_id):
                continue
            join = graph.join_of(node_id)
            heads = graph.branch_heads(node_id)
            seen: dict[str, str] = {}
            for head in heads:
                for member in graph.region([head], {join}):
                    if member in seen and seen[member] != head:
                        self.add(
                            "tangled_branches",
                            member,
                            "edges",
                            f"'{member}' is reached from two parallel branches of '{node_id}' before they "
                            f"meet; connect the branches to one Merge node first.",
                        )
                        return
                    seen[member] = head
            for member, head in seen.items():
                for edge in graph.out[member]:
                    if edge.branch == ERROR_BRANCH and seen.get(edge.target) != head:
                        self.add(
                            "error_edge_leaves_branch",
                            member,
                            "edges",
                            f"The error output of '{member}' leaves its parallel branch; connect it "
                            "to a node in the same branch.",
                        )

    def check_expressions(self) -> None:
        graph = self.graph
        entries = graph.starts()[:1] + graph.error_handlers()
        dominance = graph.dominance(entries)
        scope_of = _scope_membership(graph)
        for node_id, node in graph.nodes.items():
            inside_loop = node_id in graph.loop_of
            for field, template in iter_templates(node.params, "params"):
                for part in split_template(template):
                    if not part.is_expression:
                        continue
                    error = jsonata_syntax_error(part.text) if part.text else "The expression is empty."
                    if error:
                        self.add(
                            "invalid_expression",
                            node_id,
                            field,
                            f"'{{{{ {part.text} }}}}' is not JSONata: {error}",
                        )
                        continue
                    for name in sorted(free_variables(part.text)):
                        self.check_reference(node_id, field, name, inside_loop, dominance, scope_of)

    def check_reference(
        self,
        node_id: str,
        field: str,
        name: str,
        inside_loop: bool,
        dominance: Dominance,
        scope_of: dict[str, tuple[str, ...]],
    ) -> None:
        if name in JSONATA_FUNCTIONS or name in ("trigger", "input", "execution"):
            return
        if name in ("item", "index"):
            if not inside_loop and not field.startswith("params.condition"):
                self.add(
                    "invalid_reference",
                    node_id,
                    field,
                    f"`${name}` exists only inside a loop body or a filter.",
                )
            return
        if name == "states":
            self.add(
                "invalid_reference",
                node_id,
                field,
                "`$states` is managed by the compiler; use `$input`, `$trigger` or `$<node id>`.",
            )
            return
        for suffix in ("_item", "_index"):
            loop = name.removesuffix(suffix)
            if name.endswith(suffix) and node_id in self.graph.loop_bodies.get(loop, set()):
                return  # an enclosing loop's current item or index
        if name not in self.graph.nodes:
            self.add("unknown_reference", node_id, field, f"`${name}` is not a node of this workflow.")
            return
        if name == node_id:
            self.add(
                "invalid_reference", node_id, field, f"`${name}` is this node's own output; use `$input`."
            )
            return
        inner = scope_of.get(name, ())
        outer = scope_of.get(node_id, ())
        if outer[: len(inner)] != inner:
            self.add(
                "reference_out_of_scope",
                node_id,
                field,
                f"`${name}` runs inside a loop body or parallel branch that '{node_id}' is outside of; "
                "use the output of that loop or merge instead.",
            )
            return
        if not dominance.dominates(name, node_id):
            self.add(
                "reference_not_ready",
                node_id,
                field,
                f"`${name}` has not always run when '{node_id}' runs (it is on another branch or later); "
                "reference a node that runs before it on every path.",
            )


def _scope_membership(graph: WorkflowGraph) -> dict[str, tuple[str, ...]]:
    """For each node, the chain of loop/parallel nodes whose body or branch it sits in."""
    chains: dict[str, tuple[str, ...]] = dict.fromkeys(graph.nodes, ())
    containers: list[tuple[str, set[str]]] = [(loop, body) for loop, body in graph.loop_bodies.items()]
    for node_id in graph.nodes:
        if graph.is_fan_out(node_id):
            join = graph.join_of(node_id)
            inner: set[str] = set()
            for head in graph.branch_heads(node_id):
                inner |= set(graph.region([head], {join}))
            for member in list(inner):
                inner |= graph.loop_bodies.get(member, set())
            containers.append((node_id, inner))
    containers.sort(key=lambda item: len(item[1]), reverse=True)
    for container, members in containers:
        for member in members:
            chains[member] = (*chains[member], container)
    return chains


_VALIDATORS: dict[int, tuple[NodeType, Draft202012Validator]] = {}


def _validator(node_type: NodeType) -> Draft202012Validator:
    """One compiled JSON Schema validator per node type object (catalogs are built once)."""
    cached = _VALIDATORS.get(id(node_type))
    if cached is None or cached[0] is not node_type:
        cached = (node_type, Draft202012Validator(node_type.input_schema))
        _VALIDATORS[id(node_type)] = cached
    return cached[1]


def _field_path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
