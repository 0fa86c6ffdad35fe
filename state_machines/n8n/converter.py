"""An n8n workflow export → a valid WFAIB workflow and a report of what did not carry over.

The steps: read the export; fold AI sub-nodes (models, memory, tools, parsers) into the node
they serve; pick the trigger that starts the most nodes; map every node the trigger reaches
(``mapping.py``); turn ``connections[name].main[output]`` into edges with branch names; then
validate and repair (``repair.py``) until the WFAIB validator finds nothing. Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Any

from state_machines.compiler import CompileError, compile_workflow
from state_machines.model import NodeCatalog, NodeKind, Problem, Workflow
from state_machines.model.validate import JSONATA_FUNCTIONS, RESERVED_VARIABLES, validate_workflow
from state_machines.n8n.control import passthrough
from state_machines.n8n.export import ExportedNode, N8nExport, read_export
from state_machines.n8n.expressions import ExpressionContext, UntranslatableError
from state_machines.n8n.mapping import MAPPERS
from state_machines.n8n.nodes import Mapped, N8nNode, NodeContext, UnsupportedNodeError
from state_machines.n8n.repair import Draft, repair
from state_machines.n8n.report import ImportReport, ImportResult, InvalidN8nDocumentError, Placeholder
from state_machines.n8n.triggers import TriggerResult, convert_trigger, is_trigger

__all__ = ["convert", "default_catalog"]

_STICKY = "n8n-nodes-base.stickyNote"
_RESERVED_IDS = RESERVED_VARIABLES | JSONATA_FUNCTIONS | {"states", "trigger"}
_CATALOG_FILE = Path(__file__).resolve().parents[2] / "connectors" / "catalog.json"
_RETRY_KINDS = frozenset({NodeKind.ACTION, NodeKind.CODE, NodeKind.SERVICE})


def default_catalog() -> NodeCatalog:
    """Built-in node types plus the connector actions of ``connectors/catalog.json`` (if present)."""
    if _CATALOG_FILE.exists():
        return NodeCatalog.with_connectors(json.loads(_CATALOG_FILE.read_text(encoding="utf-8")))
    return NodeCatalog.builtin()


def convert(document: Any, *, catalog: NodeCatalog | None = None, trigger: str | None = None) -> ImportResult:
    """Convert one n8n workflow export (the parsed JSON) into a WFAIB workflow.

    Raises ``InvalidN8nDocumentError`` when ``document`` is not an n8n export; everything else
    (unknown nodes, untranslatable expressions, graphs WFAIB cannot express) is reported, and
    the workflow returned always validates against ``catalog``. A WFAIB workflow has one
    trigger: by default the n8n trigger that reaches the most nodes, or the one named ``trigger``.

    Example:
        >>> doc = {"name": "Ping", "nodes": [
        ...     {"name": "Hook", "type": "n8n-nodes-base.webhook", "parameters": {"path": "ping", "httpMethod": "POST"}},
        ...     {"name": "Reply", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "parameters": {
        ...         "assignments": {"assignments": [{"name": "got", "type": "string", "value": "={{ $json.body.msg }}"}]}}}],
        ...     "connections": {"Hook": {"main": [[{"node": "Reply", "type": "main", "index": 0}]]}}}
        >>> result = convert(doc)
        >>> result.workflow["nodes"][0]["params"]["fields"]
        {'got': '{{ $input.msg }}'}
    """
    return _Converter(read_export(document), catalog or default_catalog(), trigger).run()


def _node(raw: ExportedNode) -> N8nNode:
    return N8nNode(
        name=raw.name,
        type=raw.type,
        version=raw.type_version,
        parameters=raw.parameters,
        position=raw.position,
        disabled=raw.disabled,
        on_error=raw.on_error,
        credentials=raw.credentials,
        notes=raw.notes,
        retry_on_fail=raw.retry_on_fail,
        max_tries=raw.max_tries,
        wait_between_tries_ms=raw.wait_between_tries,
    )


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"n_{slug}" if slug else "node"
    return slug[:56]


class _Converter:
    def __init__(self, document: N8nExport, catalog: NodeCatalog, trigger: str | None = None) -> None:
        self.document = document
        self.catalog = catalog
        self.chosen_trigger = trigger
        self.nodes: dict[str, N8nNode] = {}
        for raw in document.nodes:
            if raw.type != _STICKY:
                self.nodes.setdefault(raw.name, _node(raw))
        self.main: dict[str, list[list[str]]] = {}
        self.attachments: dict[str, dict[str, list[N8nNode]]] = {}
        self.sub_root: dict[str, str] = {}
        self.report = ImportReport(nodes=len(self.nodes))
        self.ids: dict[str, str] = {}
        self.mapped: dict[str, Mapped] = {}
        self.placeholder_reasons: dict[str, str] = {}
        self.virtual_start: str | None = None
        self.entry: dict[str, str] = {}

    # -- reading ------------------------------------------------------------------------------

    def read_connections(self) -> None:
        for source, outputs in self.document.connections.items():
            if source not in self.nodes:
                continue
            for kind, lists in outputs.items():
                for index, targets in enumerate(lists):
                    for target in targets or []:
                        name = target.node
                        if name not in self.nodes:
                            continue
                        if kind == "main":
                            outs = self.main.setdefault(source, [])
                            while len(outs) <= index:
                                outs.append([])
                            if name not in outs[index]:
                                outs[index].append(name)
                        else:
                            self.attachments.setdefault(name, {}).setdefault(kind, []).append(
                                self.nodes[source]
                            )
                            self.sub_root.setdefault(source, name)

    def is_sub_node(self, name: str) -> bool:
        return name in self.sub_root and name not in self.main

    def root_of(self, name: str) -> str | None:
        seen = set()
        while name in self.sub_root and name not in seen:
            seen.add(name)
            name = self.sub_root[name]
        return name if not self.is_sub_node(name) else None

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> ImportResult:
        self.read_connections()
        trigger_name = self.pick_trigger()
        reachable = self.reachable(trigger_name)
        timezone = str((self.document.settings or {}).get("timezone") or "UTC")
        try:
            trigger = convert_trigger(self.nodes[trigger_name] if trigger_name else None, timezone)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            # Free-form n8n parameters again: an odd trigger must not stop the import.
            trigger = TriggerResult(
                {"type": "manual"},
                native=False,
                reason=f"its parameters have a shape the importer does not know ({type(exc).__name__}); "
                "a manual trigger stands in",
            )
        self.account_trigger(trigger_name, trigger)
        self.assign_ids(reachable)
        draft = Draft(self.workflow_shell(trigger), used_ids=set(self.ids.values()))
        webhook_names = frozenset({trigger_name}) if trigger_name and trigger.is_webhook else frozenset()
        references = {name: f"${node_id}" for name, node_id in self.ids.items()}
        if trigger_name:
            references[trigger_name] = "$trigger"
        for name in reachable:
            predecessors = [s for s, outs in self.main.items() if any(name in out for out in outs)]
            context = NodeContext(
                self.nodes[name],
                ExpressionContext(
                    references=references,
                    webhook_names=webhook_names,
                    input_is_webhook=bool(webhook_names) and set(predecessors) <= webhook_names,
                ),
                self.catalog,
                self.attachments.get(name, {}),
            )
            draft.nodes.extend(self.convert_node(context, draft))
        self.add_edges(draft, trigger_name, reachable)
        self.account_left_out(trigger_name, reachable)
        problems = repair(draft, self.catalog, self.demote)
        if not problems:
            problems = self.compile_problems(draft)
        if problems:
            draft = self.fallback(draft, trigger, problems)
        return self.finish(draft)

    def compile_problems(self, draft: Draft) -> list[Problem]:
        """What the compiler says about a workflow the validator accepts (nothing, normally)."""
        try:
            compile_workflow(Workflow.model_validate(draft.document), self.catalog)
        except CompileError as exc:
            return exc.problems
        except (AssertionError, KeyError, ValueError, TypeError) as exc:
            # A graph the validator accepts but the compiler cannot lower is a compiler gap; the
            # import still has to hand back a workflow that publishes.
            message = f"the compiler could not lower this graph ({type(exc).__name__}: {exc})"
            return [Problem(code="compile_failed", node=None, field=None, message=message)]
        return []

    def pick_trigger(self) -> str | None:
        triggers = [
            name for name, node in self.nodes.items() if is_trigger(node) and not self.is_sub_node(name)
        ]
        if self.chosen_trigger is not None:
            if self.chosen_trigger not in triggers:
                known = ", ".join(repr(name) for name in triggers) or "none"
                raise InvalidN8nDocumentError(f"no trigger named {self.chosen_trigger!r} (triggers: {known})")
            return self.chosen_trigger
        if not triggers:
            starts = [
                name
                for name in self.nodes
                if not self.is_sub_node(name)
                and not any(name in o for outs in self.main.values() for o in outs)
            ]
            if starts:
                best = max(starts, key=lambda name: len(self.reachable(name)))
                self.report.notes.append(
                    f"The n8n workflow has no trigger; a manual trigger starts it at '{best}'."
                )
                self.virtual_start = best
            return None
        return max(triggers, key=lambda name: (len(self.reachable(name)), -triggers.index(name)))

    def reachable(self, start: str | None) -> list[str]:
        """Flow nodes reached from ``start`` over main connections, in breadth-first order."""
        first = start if start is not None else self.virtual_start
        if first is None:
            return []
        seen: dict[str, None] = {}
        queue = deque([first] if start is None else [t for out in self.main.get(first, []) for t in out])
        while queue:
            name = queue.popleft()
            if name in seen or name == start or self.is_sub_node(name) or is_trigger(self.nodes[name]):
                continue
            seen[name] = None
            queue.extend(t for out in self.main.get(name, []) for t in out)
        return list(seen)

    def account_trigger(self, name: str | None, trigger: TriggerResult) -> None:
        self.report.notes.extend(trigger.notes)
        if name is None:
            return
        if trigger.native:
            self.report.converted += 1
        else:
            self.report.placeholders.append(
                Placeholder(node="trigger", name=name, n8n_type=self.nodes[name].type, reason=trigger.reason)
            )
        others = [
            n for n, node in self.nodes.items() if n != name and is_trigger(node) and not self.is_sub_node(n)
        ]
        for other in others:
            self.report.notes.append(
                f"The trigger '{other}' was left out: a WFAIB workflow has one trigger (import it again as its own "
                "workflow, or start this one with another trigger)."
            )

    def account_left_out(self, trigger_name: str | None, reachable: list[str]) -> None:
        kept = set(reachable) | ({trigger_name} if trigger_name else set())
        for name, node in self.nodes.items():
            if name in kept or (is_trigger(node) and not self.is_sub_node(name)):
                continue
            if self.is_sub_node(name):
                root = self.root_of(name)
                if root in self.mapped:
                    continue  # counted with the node it serves
                self.report.notes.append(
                    f"'{name}' ({node.type}) was left out: the node it serves was not imported."
                )
            else:
                self.report.notes.append(
                    f"'{name}' ({node.type}) was left out: it is not reachable from the trigger."
                )

    def assign_ids(self, names: list[str]) -> None:
        used: set[str] = set()
        for name in names:
            base = _slug(name)
            if base in _RESERVED_IDS:
                base = f"{base}_node"
            candidate, suffix = base, 2
            while candidate in used:
                candidate, suffix = f"{base}_{suffix}", suffix + 1
            used.add(candidate)
            self.ids[name] = candidate

    def workflow_shell(self, trigger: TriggerResult) -> dict[str, Any]:
        name = (self.document.name or "")[:200].strip() or "Imported n8n workflow"
        settings = self.document.settings or {}
        tags = ["n8n-import"] + [
            str(tag.get("name") if isinstance(tag, dict) else tag)
            for tag in self.document.tags or []
            if isinstance(tag, str) or (isinstance(tag, dict) and isinstance(tag.get("name"), str))
        ]
        shell: dict[str, Any] = {
            "id": (re.sub(r"[^A-Za-z0-9_\-]+", "-", name).strip("-_") or "n8n-import")[:80],
            "name": name,
            "description": self.document.description or "Imported from n8n.",
            "trigger": trigger.trigger,
            "nodes": [],
            "edges": [],
            "settings": {"execution_type": "STANDARD", "tags": list(dict.fromkeys(tags))},
        }
        if not re.match(r"^[A-Za-z0-9]", shell["id"]):
            shell["id"] = f"n8n-{shell['id']}"[:80]
        timeout = settings.get("executionTimeout")
        if isinstance(timeout, int) and timeout > 0:
            shell["settings"]["timeout_seconds"] = timeout
        return shell

    # -- nodes --------------------------------------------------------------------------------

    def convert_node(self, context: NodeContext, draft: Draft) -> list[dict[str, Any]]:
        node = context.node
        node_id = self.ids[node.name]
        mapper = MAPPERS.get(node.type)
        reason = ""
        mapped: Mapped | None = None
        if node.disabled:
            mapped = passthrough("disabled in n8n; kept as a step that hands its input on")
        elif mapper is None:
            reason = f"n8n node type '{node.type}' has no WFAIB equivalent yet"
        else:
            try:
                mapped = mapper(context)
            except (UnsupportedNodeError, UntranslatableError) as exc:
                reason = str(exc)
            except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
                # n8n parameters are free-form JSON: a shape no mapper expected must not stop the import.
                reason = f"its parameters have a shape the importer does not know ({type(exc).__name__})"
        if mapped is None:
            mapped = self.placeholder_mapping(node, reason)
            self.placeholder_reasons[node.name] = reason
        self.mapped[node.name] = mapped
        if mapped.output is not None:
            node_id = draft.new_id(f"{node_id}_call")
            self.entry[node.name] = node_id
        result: dict[str, Any] = {
            "id": node_id,
            "type": mapped.type,
            "name": node.name,
            "params": mapped.params,
        }
        if node.position:
            result["position"] = {"x": node.position[0], "y": node.position[1]}
        notes = [node.notes] if node.notes else []
        if node.name in self.placeholder_reasons:
            notes.insert(
                0, f"Placeholder for the n8n node '{node.name}' ({node.type}): {reason}. Replace this step."
            )
            code = node.param("jsCode", node.param("functionCode"))
            if isinstance(code, str) and code.strip():
                notes.append("JavaScript from n8n, to port to code.python:\n" + code)
                self.report.notes.append(f"'{node.name}': its JavaScript is kept in the node's notes.")
        if notes:
            result["notes"] = "\n\n".join(notes)
        for note in mapped.notes:
            self.report.notes.append(f"'{node.name}': {note}.")
        if context.untranslated:
            draft.untranslated.setdefault(node_id, []).extend(context.untranslated)
        self.apply_settings(node, result, mapped)
        for credential_type, credential in node.credentials.items():
            label = credential.get("name") if isinstance(credential, dict) else credential
            self.report.notes.append(
                f"'{node.name}' used the n8n credential '{label}' ({credential_type}); its value is not imported "
                "— create a WFAIB credential and select it on the node."
            )
        if mapped.output is None:
            return [result]
        shaped: dict[str, Any] = {
            "id": self.ids[node.name],
            "type": "data.transform",
            "name": f"{node.name} (n8n output)",
            "params": {"output": mapped.output},
            "notes": f"Added on import: gives the result of '{node_id}' the shape the n8n node had.",
        }
        if node.position:
            shaped["position"] = {"x": node.position[0] + 40, "y": node.position[1] + 80}
        return [result, shaped]

    def entry_id(self, name: str) -> str:
        """The node an edge into ``name`` reaches (the action, when an output step follows it)."""
        return self.entry.get(name, self.ids[name])

    def placeholder_mapping(self, node: N8nNode, reason: str) -> Mapped:
        outputs = len(self.main.get(node.name, []))
        if outputs > 1 and node.on_error != "continueErrorOutput":
            cases = [{"name": f"output_{index}", "condition": "{{ false }}"} for index in range(outputs)]
            return Mapped(
                "logic.switch",
                {"cases": cases},
                outputs={index: f"output_{index}" for index in range(outputs)},
            )
        return Mapped("data.transform", {"output": "{{ $input }}"})

    def apply_settings(self, node: N8nNode, result: dict[str, Any], mapped: Mapped) -> None:
        if node.on_error == "continueRegularOutput":
            result["on_error"] = "continue"
        elif node.on_error == "continueErrorOutput":
            result["on_error"] = "branch"
        node_type = self.catalog.get(mapped.type, 1)
        if node_type is not None and node_type.kind in _RETRY_KINDS and node.retry_on_fail:
            result["retry"] = {
                "max_attempts": max(0, min(25, node.max_tries - 1)),
                "interval_seconds": max(1, min(86_400, node.wait_between_tries_ms // 1000)),
                "backoff_rate": 1.0,
            }

    def demote(self, draft: Draft, node: dict[str, Any], reason: str) -> None:
        """Turn a node that does not validate into a placeholder (called by the repair loop)."""
        node["type"] = "data.transform"
        node["params"] = {"output": "{{ $input }}"}
        node.pop("retry", None)
        note = f"Placeholder for the n8n node '{node.get('name')}': {reason}. Replace this step."
        node["notes"] = note + ("\n\n" + node["notes"] if node.get("notes") else "")
        draft.demoted[node["id"]] = reason
        for edge in draft.edges:
            if edge["source"] == node["id"] and edge.get("branch") not in (None, "error"):
                edge["branch"] = None

    # -- edges --------------------------------------------------------------------------------

    def add_edges(self, draft: Draft, trigger_name: str | None, reachable: list[str]) -> None:
        kept = set(reachable)
        first = (
            [t for out in self.main.get(trigger_name, []) for t in out if t in kept] if trigger_name else []
        )
        if trigger_name is None and self.virtual_start in kept:
            first = [self.virtual_start] if self.virtual_start else []
        first = list(dict.fromkeys(first))
        if len(first) > 1:
            start_id = draft.new_id("start")
            draft.nodes.append(
                {
                    "id": start_id,
                    "type": "logic.parallel",
                    "name": "Start",
                    "params": {},
                    "notes": "Added on import: the n8n trigger started several steps at once.",
                }
            )
            draft.edges.append({"source": "trigger", "target": start_id})
            draft.edges.extend({"source": start_id, "target": self.entry_id(name)} for name in first)
        elif first:
            draft.edges.append({"source": "trigger", "target": self.entry_id(first[0])})
        for name, call_id in self.entry.items():
            draft.edges.append({"source": call_id, "target": self.ids[name], "branch": None})
        for source in reachable:
            mapped = self.mapped[source]
            node = self.nodes[source]
            outputs = self.main.get(source, [])
            error_index = (
                (max(mapped.outputs) + 1 if mapped.outputs else 1)
                if node.on_error == "continueErrorOutput"
                else None
            )
            for index, targets in enumerate(outputs):
                if index == error_index:
                    branch: str | None = "error"
                elif mapped.outputs:
                    if index not in mapped.outputs:
                        if any(t in kept for t in targets):
                            self.report.notes.append(
                                f"'{source}': its output {index} has no WFAIB equivalent; its connections were removed."
                            )
                        continue
                    branch = mapped.outputs[index]
                else:
                    branch = None
                    if index > 0 and targets:
                        self.report.notes.append(
                            f"'{source}': n8n output {index} became a plain connection (WFAIB runs them in parallel)."
                        )
                for target in targets:
                    if target in kept:
                        origin = self.entry_id(source) if branch == "error" else self.ids[source]
                        edge = {"source": origin, "target": self.entry_id(target), "branch": branch}
                        if edge not in draft.edges:
                            draft.edges.append(edge)

    # -- the end ------------------------------------------------------------------------------

    def fallback(self, draft: Draft, trigger: TriggerResult, problems: list[Problem]) -> Draft:
        """The last resort when repairs run out: one placeholder step, and every problem reported."""
        for problem in problems:
            self.report.notes.append(
                f"Unresolved: {problem.node or '-'}.{problem.field or '-'}: {problem.message}"
            )
        shell = self.workflow_shell(trigger)
        shell["nodes"] = [
            {
                "id": "imported_steps",
                "type": "data.transform",
                "name": "Imported steps",
                "params": {"output": "{{ $input }}"},
                "notes": "The n8n graph could not be expressed in WFAIB; rebuild it from the import report.",
            }
        ]
        for name in self.mapped:
            draft.dropped.setdefault(self.ids[name], "the graph could not be expressed in WFAIB")
        return Draft(shell, notes=draft.notes, dropped=draft.dropped)

    def finish(self, draft: Draft) -> ImportResult:
        report = self.report
        report.notes.extend(draft.notes)
        by_id = {node["id"]: node for node in draft.nodes}
        for name, mapped in self.mapped.items():
            node_id = self.ids[name]
            n8n_type = self.nodes[name].type
            subs = self.sub_nodes_of(name)
            if node_id in draft.dropped or node_id not in by_id:
                continue
            reason = self.placeholder_reason(name, node_id, mapped, draft)
            node_id = self.entry_id(name) if self.entry_id(name) in by_id else node_id
            if reason:
                report.placeholders.append(
                    Placeholder(node=node_id, name=name, n8n_type=n8n_type, reason=reason)
                )
                for sub in subs:
                    report.placeholders.append(
                        Placeholder(
                            node=node_id,
                            name=sub.name,
                            n8n_type=sub.type,
                            reason=f"serves '{name}', a placeholder",
                        )
                    )
                continue
            report.converted += 1 + len(subs)
        for node_id, expressions in draft.untranslated.items():
            for expression in expressions:
                report.notes.append(
                    f"'{node_id}': expression not translated, marked in the node: {expression}"
                )
        workflow = Workflow.model_validate(draft.document)
        assert not validate_workflow(workflow, self.catalog), "repair() returns only valid workflows"
        return ImportResult(
            workflow=workflow.model_dump(mode="json", by_alias=True, exclude_none=True), report=report
        )

    def sub_nodes_of(self, name: str) -> list[N8nNode]:
        return [self.nodes[sub] for sub in self.sub_root if self.root_of(sub) == name]

    def placeholder_reason(self, name: str, node_id: str, mapped: Mapped, draft: Draft) -> str:
        if name in self.placeholder_reasons:
            return self.placeholder_reasons[name]
        node_ids = dict.fromkeys([self.entry_id(name), node_id])
        for candidate in node_ids:
            if candidate in draft.demoted:
                return draft.demoted[candidate]
        if mapped.partial:
            return mapped.partial
        count = sum(len(draft.untranslated.get(candidate, [])) for candidate in node_ids)
        if count:
            return (
                f"{count} expression{'s' if count > 1 else ''} not translated (marked in the node; see notes)"
            )
        return ""
