"""Lower a validated workflow graph to ASL states (JSONata query language).

One state per node, except where a node costs nothing on its own:
- a data step (transform, set, filter, aggregate, merge) that follows a Task, Map, Parallel,
  Wait or another data step on a straight line is folded into that state's ``Output``;
- a merge where branches of an if/switch converge is not a state at all: the branches go on to
  what follows it.
Node outputs are stored as Step Functions variables only when a later state reads them.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from state_machines.compiler.jsonata_build import (
    Binding,
    block,
    jsonata_literal,
    template_expression,
    template_value,
)
from state_machines.compiler.target import WEBHOOK_RESPONSE_PREFIX, WEBHOOK_RESPONSE_SK, CompileTarget
from state_machines.model.expressions import free_variables, iter_templates, split_template
from state_machines.model.graph import ERROR_BRANCH, EXIT, LOOP_BODY_BRANCH, WorkflowGraph
from state_machines.model.node_types import LAMBDA_TRANSIENT_ERRORS, PAUSED_ERROR, NodeKind
from state_machines.model.workflow import Node, RetryPolicy, Workflow

__all__ = ["LoweredWorkflow", "lower_workflow"]

WORKFLOW_FAILED = "workflow-failed"
# How long a paused connector (kill switch) is waited for: up to 20 tries, 30 s growing to 10 min.
PAUSE_POLICY = RetryPolicy(max_attempts=20, interval_seconds=30, backoff_rate=2.0, max_delay_seconds=600)
WORKFLOW_START = "workflow-start"
TASK_KINDS = (
    NodeKind.ACTION,
    NodeKind.CODE,
    NodeKind.SERVICE,
    NodeKind.RESPOND,
    NodeKind.SUB_WORKFLOW,
    NodeKind.APPROVAL,
)
# How long a webhook response item is kept (the table's TTL): the longest wait is 29 seconds.
RESPONSE_TTL_SECONDS = 3600
FOLD_HOSTS = (*TASK_KINDS, NodeKind.DATA, NodeKind.MERGE, NodeKind.WAIT, NodeKind.LOOP, NodeKind.PARALLEL)
FOLDABLE = (NodeKind.DATA, NodeKind.MERGE)
ERROR_OBJECT = '{"error": $states.errorOutput.Error, "cause": $states.errorOutput.Cause, "node": %s}'
EXECUTION_OBJECT = (
    '{"id": $states.context.Execution.Id, "name": $states.context.Execution.Name, '
    '"start_time": $states.context.Execution.StartTime}'
)


@dataclass(frozen=True)
class LoweredWorkflow:
    """The ASL document and which nodes each state runs (for the run timeline)."""

    definition: dict[str, Any]
    state_nodes: dict[str, list[str]]


@dataclass
class _Scope:
    entry: str
    stop: set[str]
    loop: str | None = None
    in_handler: bool = False
    top: bool = False
    loops: tuple[str, ...] = ()
    prelude: bool = False  # a Pass stores the item first (the body starts with a Map or Parallel)

    def starts_at(self, state: str) -> bool:
        """Whether ``state`` is the first to see the raw iteration input."""
        return state == self.entry and not self.prelude


@dataclass
class _Lowering:
    graph: WorkflowGraph
    target: CompileTarget
    optimize: bool
    state_nodes: dict[str, list[str]] = field(default_factory=dict)
    referenced: dict[str, set[str]] = field(default_factory=dict)
    group_of: dict[str, str] = field(default_factory=dict)
    handler_entry: str | None = None

    @property
    def workflow(self) -> Workflow:
        return self.graph.workflow

    def node(self, node_id: str) -> Node:
        return self.graph.nodes[node_id]

    def kind(self, node_id: str) -> NodeKind:
        kind = self.graph.kind(node_id)
        assert kind is not None
        return kind

    # --- who reads what -------------------------------------------------------------------
    def collect_references(self) -> None:
        """``referenced[name]`` = nodes whose expressions read ``$name``."""
        for node_id, node in self.graph.nodes.items():
            for _, template in iter_templates(node.params):
                for part in split_template(template):
                    if part.is_expression:
                        for name in free_variables(part.text):
                            self.referenced.setdefault(name, set()).add(node_id)

    def read_outside(self, name: str, state: str) -> bool:
        """True when a node outside ``state``'s own folded group reads ``$name``."""
        return any(
            self.group_of.get(reader) != state or self.after_fan_out(reader)
            for reader in self.referenced.get(name, ())
        )

    def after_fan_out(self, node_id: str) -> bool:
        """Whether ``node_id`` is folded into an implicit fan-out's group past the fan-out: it then
        runs in the Parallel state ``<host>-branches``, not in the host's state, and reads what
        the host's state computed (its output, ``$trigger``, loop variables) from variables."""
        host = self.group_of.get(node_id)
        return (
            host is not None
            and host != node_id
            and self.graph.is_fan_out(host)
            and self.kind(host) is not NodeKind.PARALLEL
        )

    # --- structure ------------------------------------------------------------------------
    def scope_successors(self, node_id: str) -> list[str]:
        graph = self.graph
        if graph.is_fan_out(node_id):
            join = graph.join_of(node_id)
            after = [] if join == EXIT else [join]
            errors = [e.target for e in graph.out[node_id] if e.branch == ERROR_BRANCH]
            return after + errors
        return graph.successors_in_dag(node_id)

    def scope_members(self, scope: _Scope) -> list[str]:
        seen: dict[str, None] = {}
        frontier = deque([scope.entry])
        while frontier:
            current = frontier.popleft()
            if current in seen or current in scope.stop:
                continue
            seen[current] = None
            frontier.extend(self.scope_successors(current))
        return list(seen)

    def the_successor(self, node_id: str) -> str | None:
        """Where the flow goes on after ``node_id`` succeeds (a loop's ``done`` output)."""
        if self.kind(node_id) is NodeKind.LOOP:
            successors = [e.target for e in self.graph.out[node_id] if e.branch == "done"]
        else:
            successors = self.graph.plain_successors(node_id)
        return successors[0] if len(successors) == 1 else None

    def fold_parent(self, node_id: str, members: list[str], scope: _Scope) -> str | None:
        """The node whose state also runs ``node_id``, if it can be folded there."""
        if not self.optimize or node_id == scope.entry or self.kind(node_id) not in FOLDABLE:
            return None
        if self.graph.is_fan_out(node_id):
            return None  # it hosts its own state, which the Parallel running its branches follows
        node = self.node(node_id)
        if node.on_error != "stop":
            return None
        incoming = self.graph.inc[node_id]
        if len(incoming) == 1 and incoming[0].branch in (None, "done"):
            parent = incoming[0].source
            if (
                parent in members
                and self.kind(parent) in FOLD_HOSTS
                and not self.graph.is_fan_out(parent)
                and self.node(parent).on_error == "stop"
                and self.the_successor(parent) == node_id
                and not (self.kind(parent) is NodeKind.SERVICE and self.node(parent).retry)
                and self.kind(parent) is not NodeKind.RESPOND
            ):
                return parent
        fan_out = self.graph.fan_out_by_join.get(node_id)
        if fan_out is not None and fan_out in members and all(e.branch is None for e in incoming):
            return fan_out
        return None

    def transparent(self, node_id: str) -> bool:
        """A merge of if/switch branches that needs no state of its own."""
        return (
            self.optimize
            and self.kind(node_id) is NodeKind.MERGE
            and node_id not in self.referenced
            and self.the_successor(node_id) is not None
            and not self.graph.out[node_id][1:]
        )

    def resolve(self, node_id: str, scope: _Scope) -> str | None:
        """The state that runs ``node_id`` (None: the scope ends there)."""
        while node_id not in scope.stop and self.transparent(node_id) and node_id not in self.group_of:
            successor = self.the_successor(node_id)
            assert successor is not None
            node_id = successor
        if node_id in scope.stop:
            return None
        return self.group_of.get(node_id, node_id)

    # --- bindings -------------------------------------------------------------------------
    def base_bindings(self, state: str, scope: _Scope) -> list[Binding]:
        bindings: list[Binding] = []
        if scope.top and state == scope.entry and not scope.in_handler:
            bindings.append(("trigger", "$states.input"))
        bindings.append(("execution", EXECUTION_OBJECT))
        for loop in scope.loops:
            if loop == scope.loop and scope.starts_at(state):
                bindings += [(f"{loop}_item", "$states.input.item"), (f"{loop}_index", "$states.input.index")]
        if scope.loop is not None:
            bindings += [("item", f"${scope.loop}_item"), ("index", f"${scope.loop}_index")]
        if scope.loop is not None and scope.starts_at(state):
            bindings.append(("input", "$states.input.item"))
        else:
            bindings.append(("input", "$states.input"))
        return bindings

    def chain_bindings(self, state: str, group: list[str], scope: _Scope, raw: str) -> list[Binding]:
        """Bindings for the outputs of every node of a folded group, in order."""
        bindings = self.base_bindings(state, scope)
        bindings.append((group[0], raw))
        for previous, node_id in itertools.pairwise(group):
            bindings.append(("input", f"${previous}"))
            bindings.append((node_id, self.data_expression(node_id, previous)))
        return bindings

    def joins_parallel(self, node_id: str) -> bool:
        graph = self.graph
        return node_id in graph.fan_out_by_join

    def data_expression(self, node_id: str, previous: str | None) -> str:
        """JSONata computing a data node's output from ``$input``."""
        node = self.node(node_id)
        params = node.params
        if node.type == "data.transform":
            return template_expression(params["output"])
        if node.type == "data.set":
            fields = template_expression(params["fields"])
            return f"$merge([$input, {fields}])" if params.get("keep_input", True) else fields
        if node.type == "data.filter":
            condition = template_expression(params["condition"])
            items = template_expression(params.get("items", "{{ $input }}"))
            return f"[$filter({items}, function($item, $index) {{ $boolean({condition}) }})]"
        if node.type == "data.aggregate":
            return _aggregate(params)
        if self.kind(node_id) is NodeKind.MERGE:
            return (
                "$merge($input)"
                if params.get("mode") == "object" and self.joins_parallel(node_id)
                else "$input"
            )
        raise AssertionError(f"not a data node: {node.type}")

    # --- states ---------------------------------------------------------------------------
    def lower_scope(self, scope: _Scope, *, empty_state: str | None = None) -> tuple[str, dict[str, Any]]:
        """The scope's states and the first of them; ``empty_state`` names the Pass an empty scope
        becomes (a parallel branch wired straight to its join), which is otherwise impossible."""
        members = self.scope_members(scope)
        groups: dict[str, list[str]] = {}
        for node_id in members:
            parent = self.fold_parent(node_id, members, scope)
            if parent is not None and parent in self.group_of:
                host = self.group_of[parent]
                groups[host].append(node_id)
                self.group_of[node_id] = host
            elif self.transparent(node_id) and node_id != scope.entry:
                continue
            else:
                groups[node_id] = [node_id]
                self.group_of[node_id] = node_id
        states: dict[str, Any] = {}
        for host, group in groups.items():
            if self.kind(host) is NodeKind.ERROR_HANDLER:
                continue
            self.state_nodes[host] = list(group)
            states.update(self.lower_group(host, group, scope))
        start = self.resolve(scope.entry, scope)
        if start is None and empty_state is not None:
            return empty_state, {empty_state: {"Type": "Pass", "End": True}}
        assert start is not None
        return start, states

    def after(self, group: list[str], scope: _Scope) -> dict[str, Any]:
        """``Next`` or ``End`` for the last node of a group."""
        last = group[-1]
        if self.graph.is_fan_out(last):
            if self.kind(last) is not NodeKind.PARALLEL:
                return {"Next": f"{last}-branches"}
            join = self.graph.join_of(last)
            return self.transition(None if join == EXIT else join, scope)
        return self.transition(self.the_successor(last), scope)

    def transition(self, successor: str | None, scope: _Scope) -> dict[str, Any]:
        """``Next`` to the state running ``successor``, or the end of the scope."""
        target = self.resolve(successor, scope) if successor else None
        if target is not None:
            return {"Next": target}
        if scope.in_handler:
            return {"Next": WORKFLOW_FAILED}
        return {"End": True}

    def assign(self, state: str, group: list[str], bindings: list[Binding], scope: _Scope) -> dict[str, str]:
        assignments: dict[str, str] = {}
        for node_id in group:
            if self.read_outside(node_id, state):
                assignments[node_id] = "{% " + block(f"${node_id}", bindings) + " %}"
        if (
            scope.top
            and state == scope.entry
            and not scope.in_handler
            and self.read_outside("trigger", state)
            and not self.needs_start_prelude(state)
        ):
            assignments["trigger"] = "{% $states.input %}"
        if scope.loop is not None and scope.starts_at(state) and self.loop_variables_needed(scope):
            assignments[f"{scope.loop}_item"] = "{% $states.input.item %}"
            assignments[f"{scope.loop}_index"] = "{% $states.input.index %}"
        return assignments

    def needs_start_prelude(self, start: str) -> bool:
        """A Map or Parallel first state assigns only after its branches ran, too late for them."""
        return self.kind(start) in (NodeKind.LOOP, NodeKind.PARALLEL) and "trigger" in self.referenced

    def loop_variables_needed(self, scope: _Scope) -> bool:
        """Whether states after a loop body's first one read the item, its index, or an idempotency key."""
        assert scope.loop is not None
        body = self.graph.loop_bodies[scope.loop]
        later = {
            n for n in body if scope.prelude or self.group_of.get(n) != scope.entry or self.after_fan_out(n)
        }
        readers = set().union(
            *(
                self.referenced.get(name, set())
                for name in ("item", "index", f"{scope.loop}_item", f"{scope.loop}_index")
            )
        )
        return bool(later & readers) or any(self.kind(n) in (NodeKind.ACTION, NodeKind.LOOP) for n in later)

    def lower_group(self, host: str, group: list[str], scope: _Scope) -> dict[str, Any]:
        kind = self.kind(host)
        node = self.node(host)
        base = self.base_bindings(host, scope)
        raw = {
            NodeKind.ACTION: "$states.result.Payload",
            NodeKind.CODE: "$states.result.Payload",
            NodeKind.SERVICE: "$states.result",
            NodeKind.SUB_WORKFLOW: "$states.result.Output",
            NodeKind.APPROVAL: "$states.result",
            NodeKind.LOOP: "$states.result",
            NodeKind.PARALLEL: "$states.result",
        }.get(kind, "$states.input")
        # The first state of a loop body receives {item, index}; what it passes on is the item.
        unwrap = scope.loop is not None and scope.starts_at(host)
        if unwrap and kind is NodeKind.WAIT:
            raw = "$states.input.item"
        if kind in (NodeKind.DATA, NodeKind.MERGE):
            raw = block(self.data_expression(host, None), base)
        implicit_fan_out = self.graph.is_fan_out(host) and kind is not NodeKind.PARALLEL
        own = [host] if implicit_fan_out else group  # the join belongs to the Parallel that follows
        chain = self.chain_bindings(host, own, scope, raw)
        output = block(f"${own[-1]}", chain)
        state: dict[str, Any]
        extra: dict[str, Any] = {}
        if kind is NodeKind.CHOICE:
            return {host: self.choice_state(host, scope, base, unwrap)}
        if kind is NodeKind.STOP:
            state = {"Type": "Succeed"}
            if node.params.get("output") is not None:
                state["Output"] = template_value(node.params["output"], base)
            elif unwrap:
                state["Output"] = "{% $states.input.item %}"
            return {host: state}
        if kind is NodeKind.FAIL:
            state = {
                "Type": "Fail",
                "Error": template_value(node.params.get("error", "WorkflowFailed"), base),
            }
            if node.params.get("cause"):
                state["Cause"] = template_value(node.params["cause"], base)
            return {host: state}
        if kind in (NodeKind.DATA, NodeKind.MERGE):
            state = {"Type": "Pass"}
        elif kind is NodeKind.WAIT:
            state = {"Type": "Wait", **self.wait_fields(node, base)}
        elif kind is NodeKind.LOOP:
            state = self.map_state(host, scope, base)
        elif kind is NodeKind.PARALLEL:
            state = self.parallel_state(host, scope)
        else:
            state = self.task_state(host, scope, base)
        if implicit_fan_out:
            extra = {f"{host}-branches": self.implicit_parallel(host, group, scope)}
        default_output = (
            "$states.input" if kind in (NodeKind.WAIT, NodeKind.MERGE, NodeKind.DATA) else "$states.result"
        )
        if output != default_output:
            state["Output"] = "{% " + output + " %}"
        assignments = self.assign(host, own, chain, scope)
        if assignments:
            state["Assign"] = assignments
        if implicit_fan_out:
            state["Next"] = f"{host}-branches"
        else:
            state.update(self.after(group, scope))
        if kind in (*TASK_KINDS, NodeKind.LOOP, NodeKind.PARALLEL):
            catch = self.catch(host, group, scope)
            if catch:
                state["Catch"] = catch
        return {host: state, **extra}

    def wait_fields(self, node: Node, bindings: list[Binding]) -> dict[str, Any]:
        if node.params.get("until") is not None:
            return {"Timestamp": template_value(node.params["until"], bindings)}
        seconds = node.params.get("seconds", 0)
        return {"Seconds": template_value(seconds, bindings)}

    def tenant(self) -> dict[str, str]:
        return {"tenant_id": self.target.tenant_id} if self.target.tenant_id else {}

    def approval_notify(self, notify: Any) -> dict[str, Any]:
        """The approval's ``notify`` param with each credential id as its secret id (a reference, never a value)."""
        if not notify:
            return {}
        channels = {
            channel: {**config, "credential": self.target.credential_secret_id(config["credential"])}
            for channel, config in sorted(notify.items())
            if config
        }
        return {"notify": channels}

    def task_state(self, host: str, scope: _Scope, bindings: list[Binding]) -> dict[str, Any]:
        node = self.node(host)
        kind = self.kind(host)
        node_type = self.graph.catalog.get(node.type, node.version)
        assert node_type is not None
        state: dict[str, Any] = {"Type": "Task"}
        retry: list[dict[str, Any]] = []
        if kind in (NodeKind.ACTION, NodeKind.CODE, NodeKind.APPROVAL):
            retry.append(
                _retry_rule(LAMBDA_TRANSIENT_ERRORS, RetryPolicy(max_attempts=3, interval_seconds=1))
            )
        if kind is NodeKind.ACTION:
            key = f'$states.context.Execution.Id & "/{host}"' + "".join(
                f' & "/" & $string(${loop}_index)' for loop in scope.loops
            )
            # A built-in action node (ai.llm) runs a connector action: the same Task, named for it.
            call = node_type.connector_call(node.params)
            action, version, params = node.type, node.version, node.params
            if call is not None:
                action, version = call.action, call.version
                params = {name: value for name, value in node.params.items() if name in call.params}
            state["Resource"] = "arn:aws:states:::lambda:invoke"
            state["Arguments"] = {
                "FunctionName": self.target.connector_function_arn(
                    call.connector if call else node_type.connector or node.type.split(".")[0]
                ),
                "Payload": {
                    "action": action,
                    "version": version,
                    "params": template_value(params, bindings),
                    "credential": self.target.credential_secret_id(node.credential)
                    if node.credential
                    else None,
                    "idempotency_key": "{% " + block(key, bindings) + " %}",
                    "execution_id": "{% $states.context.Execution.Id %}",
                    "node_id": host,
                    "workflow_id": self.workflow.id,
                    **self.tenant(),
                },
            }
            retry.append(_retry_rule((PAUSED_ERROR,), PAUSE_POLICY))
            retry.append(_retry_rule(self.graph.catalog.retryable_errors, node.retry or RetryPolicy()))
        elif kind is NodeKind.CODE:
            state["Resource"] = "arn:aws:states:::lambda:invoke"
            state["Arguments"] = {
                "FunctionName": self.target.function_arn("code-python"),
                "Payload": {
                    "code": template_value(node.params["code"], []),
                    "input": "{% " + block("$input", bindings) + " %}",
                },
            }
        elif kind is NodeKind.SERVICE:
            state["Resource"] = node_type.service_resource
            state["Arguments"] = template_value(node.params, bindings)
            if node.retry:
                retry.append(_retry_rule(("States.TaskFailed",), node.retry))
        elif kind is NodeKind.RESPOND:
            state["Resource"] = node_type.service_resource
            state["Arguments"] = self.respond_arguments(node, bindings)
            retry.append(_retry_rule(("States.TaskFailed",), node.retry or RetryPolicy()))
        elif kind is NodeKind.SUB_WORKFLOW:
            state["Resource"] = "arn:aws:states:::states:startExecution.sync:2"
            state["Arguments"] = {
                "StateMachineArn": self.target.state_machine_arn(node.params["workflow_id"]),
                "Input": template_value(node.params.get("input", "{{ $input }}"), bindings),
            }
        elif kind is NodeKind.APPROVAL:
            state["Resource"] = "arn:aws:states:::lambda:invoke.waitForTaskToken"
            state["Arguments"] = {
                "FunctionName": self.target.function_arn("approvals"),
                "Payload": {
                    "task_token": "{% $states.context.Task.Token %}",
                    "execution_id": "{% $states.context.Execution.Id %}",
                    "workflow_id": self.workflow.id,
                    "node_id": host,
                    "message": template_value(node.params["message"], bindings),
                    "approvers": node.params.get("approvers", []),
                    **self.approval_notify(node.params.get("notify")),
                    **self.tenant(),
                    "timeout_seconds": node.params.get("timeout_seconds", 604_800),
                },
            }
            state["TimeoutSeconds"] = node.params.get("timeout_seconds", 604_800)
        if node.timeout and kind is not NodeKind.APPROVAL:
            state["TimeoutSeconds"] = node.timeout
        if node.retry and kind is NodeKind.CODE:
            retry.append(_retry_rule(("CodeTimeoutError",), node.retry))
        retry = [rule for rule in retry if rule["MaxAttempts"] > 0]
        if retry:
            state["Retry"] = retry
        return state

    def respond_arguments(self, node: Node, bindings: list[Binding]) -> dict[str, Any]:
        """PutItem of the webhook's response: ``{statusCode, headers, body}`` as one JSON string,
        keyed by the execution's name (the run id), which the waiting webhook reads."""
        params = node.params
        response = template_expression(
            {
                "statusCode": params.get("status", 200),
                "headers": params.get("headers", {}),
                "body": params.get("body"),
            }
        )
        tenant = {"tenant": {"S": self.target.tenant_id}} if self.target.tenant_id else {}
        return {
            "TableName": self.target.table_name,
            "Item": {
                "pk": {
                    "S": "{% "
                    + jsonata_literal(WEBHOOK_RESPONSE_PREFIX)
                    + " & $states.context.Execution.Name %}"
                },
                "sk": {"S": WEBHOOK_RESPONSE_SK},
                "response": {"S": "{% " + block(f"$string({response})", bindings) + " %}"},
                "expires_at": {
                    "N": f"{{% $string($floor($toMillis($now()) / 1000) + {RESPONSE_TTL_SECONDS}) %}}"
                },
                **tenant,
            },
        }

    def catch(self, host: str, group: list[str], scope: _Scope) -> list[dict[str, Any]]:
        node = self.node(host)
        error_object = "{% " + ERROR_OBJECT % jsonata_literal(host) + " %}"
        rules: list[dict[str, Any]] = []
        # What the state assigns from its input alone must be assigned on the error path too.
        carried = {
            name: value
            for name, value in self.assign(host, [], [], scope).items()
            if value in ("{% $states.input %}", "{% $states.input.item %}", "{% $states.input.index %}")
        }
        if self.kind(host) is NodeKind.APPROVAL:
            rejected = [e.target for e in self.graph.out[host] if e.branch == "rejected"]
            if rejected:
                target = self.resolve(rejected[0], scope)
                rule: dict[str, Any] = {
                    "ErrorEquals": ["ApprovalRejected"],
                    "Next": target,
                    "Output": error_object,
                }
                if carried:
                    rule["Assign"] = dict(carried)
                rules.append(rule)
        if node.on_error == "branch":
            targets = [e.target for e in self.graph.out[host] if e.branch == ERROR_BRANCH]
            rule = {
                "ErrorEquals": ["States.ALL"],
                "Next": self.resolve(targets[0], scope),
                "Output": error_object,
            }
            assignments = {**carried, **({host: error_object} if self.read_outside(host, host) else {})}
            if assignments:
                rule["Assign"] = assignments
            rules.append(rule)
        elif node.on_error == "continue":
            following = self.after(group, scope)
            next_state = following.get("Next") or f"{host}-done"
            rule = {"ErrorEquals": ["States.ALL"], "Next": next_state, "Output": error_object}
            assignments = {**carried, **({host: error_object} if self.read_outside(host, host) else {})}
            if assignments:
                rule["Assign"] = assignments
            rules.append(rule)
        elif scope.top and not scope.in_handler and self.handler_entry is not None:
            handler = self.graph.error_handlers()[0]
            rules.append(
                {
                    "ErrorEquals": ["States.ALL"],
                    "Next": self.handler_entry,
                    "Output": error_object,
                    "Assign": {**carried, handler: error_object},
                }
            )
        return rules

    def choice_state(self, host: str, scope: _Scope, bindings: list[Binding], unwrap: bool) -> dict[str, Any]:
        node = self.node(host)
        edges = {e.branch: e.target for e in self.graph.out[host]}
        if node.type == "logic.if":
            cases = [("true", node.params["condition"])]
            default = edges["false"]
        else:
            cases = [(case["name"], case["condition"]) for case in node.params["cases"]]
            default = edges["default"]
        assignments = self.assign(host, [host], bindings, scope)
        choices = []
        for name, condition in cases:
            rule: dict[str, Any] = {
                "Condition": "{% "
                + block(f"$boolean({template_expression(condition)}) = true", bindings)
                + " %}",
                "Next": self.resolve(edges[name], scope),
            }
            if assignments:
                rule["Assign"] = assignments
            if unwrap:
                rule["Output"] = "{% $states.input.item %}"
            choices.append(rule)
        state: dict[str, Any] = {
            "Type": "Choice",
            "Choices": choices,
            "Default": self.resolve(default, scope),
        }
        if assignments:
            state["Assign"] = assignments
        if unwrap:
            state["Output"] = "{% $states.input.item %}"
        return state

    def map_state(self, host: str, scope: _Scope, bindings: list[Binding]) -> dict[str, Any]:
        node = self.node(host)
        params = node.params
        items = template_expression(params["items"])
        if params.get("batch_size"):
            items = f"$partition({items}, {int(params['batch_size'])})"
        body_entries = [e.target for e in self.graph.out[host] if e.branch == LOOP_BODY_BRANCH]
        prelude = self.kind(body_entries[0]) in (NodeKind.LOOP, NodeKind.PARALLEL)
        body_scope = _Scope(
            entry=body_entries[0],
            stop={host},
            loop=host,
            in_handler=scope.in_handler,
            loops=(*scope.loops, host),
            prelude=prelude,
        )
        start, states = self.lower_scope(body_scope)
        if prelude:
            start, states = self.iteration_prelude(host, start, states)
        state: dict[str, Any] = {
            "Type": "Map",
            "Items": "{% " + block(items, bindings) + " %}",
            "ItemSelector": {
                "item": "{% $states.context.Map.Item.Value %}",
                "index": "{% $states.context.Map.Item.Index %}",
            },
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": start, "States": states},
            "MaxConcurrency": int(params.get("max_concurrency", 0)),
        }
        if params.get("tolerated_failure_percentage") is not None:
            state["ToleratedFailurePercentage"] = params["tolerated_failure_percentage"]
        return state

    def iteration_prelude(self, loop: str, start: str, states: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A Pass that stores the item when the body starts with a state that cannot (Map, Parallel)."""
        name = f"{loop}-iteration"
        prelude = {
            "Type": "Pass",
            "Output": "{% $states.input.item %}",
            "Assign": {
                f"{loop}_item": "{% $states.input.item %}",
                f"{loop}_index": "{% $states.input.index %}",
            },
            "Next": start,
        }
        self.state_nodes[name] = []
        return name, {name: prelude, **states}

    def branches(self, fan_out: str, scope: _Scope) -> list[dict[str, Any]]:
        join = self.graph.join_of(fan_out)
        result = []
        for index, head in enumerate(self.graph.branch_heads(fan_out)):
            branch_scope = _Scope(
                entry=head,
                stop={join} | scope.stop,
                loop=None,
                in_handler=scope.in_handler,
                loops=scope.loops,
            )
            # A branch wired straight to the join hands the fan-out's output on unchanged.
            start, states = self.lower_scope(branch_scope, empty_state=f"{fan_out}-pass-{index}")
            result.append({"StartAt": start, "States": states})
        return result

    def parallel_state(self, host: str, scope: _Scope) -> dict[str, Any]:
        return {"Type": "Parallel", "Branches": self.branches(host, scope)}

    def implicit_parallel(self, host: str, group: list[str], scope: _Scope) -> dict[str, Any]:
        state: dict[str, Any] = {"Type": "Parallel", "Branches": self.branches(host, scope)}
        join = self.graph.join_of(host)
        if join != EXIT and self.group_of.get(join) == host:
            joined = [n for n in group if n != host]
            # This state's input is the host's output and its result the branches' outputs; the
            # trigger, the host's output and loop variables come from variables the host assigned.
            bindings = self.base_bindings(f"{host}-branches", scope)
            bindings.append(("input", "$states.result"))
            bindings.append((joined[0], self.data_expression(joined[0], None)))
            for previous, node_id in itertools.pairwise(joined):
                bindings.append(("input", f"${previous}"))
                bindings.append((node_id, self.data_expression(node_id, previous)))
            state["Output"] = "{% " + block(f"${joined[-1]}", bindings) + " %}"
            assignments = {
                name: value
                for name, value in self.assign(host, joined, bindings, scope).items()
                if name in joined
            }
            if assignments:
                state["Assign"] = assignments
        if join == EXIT:
            state.update(self.transition(None, scope))
        elif self.group_of.get(join) == host:
            state.update(self.after(group, scope))
        else:  # the join is a state of its own (nothing folded, e.g. compiled --naive)
            state.update(self.transition(join, scope))
        return state


def _retry_rule(errors: Iterable[str], policy: RetryPolicy) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "ErrorEquals": list(errors),
        "IntervalSeconds": policy.interval_seconds,
        "MaxAttempts": policy.max_attempts,
        "BackoffRate": policy.backoff_rate,
    }
    if policy.max_delay_seconds:
        rule["MaxDelaySeconds"] = policy.max_delay_seconds
    if policy.jitter:
        rule["JitterStrategy"] = "FULL"
    return rule


def _aggregate(params: dict[str, Any]) -> str:
    items = template_expression(params.get("items", "{{ $input }}"))
    field_name = params.get("field")
    values = f"{items}.{field_name}" if field_name else items
    operation = params["operation"]
    if operation == "count":
        return f"$count({items})"
    if operation == "concat":
        return f"[{values}]"
    if operation == "group_by":
        return (
            f"$reduce({items}, function($acc, $v) {{ $merge([$acc, {{$string($v.{field_name}): "
            f"[$lookup($acc, $string($v.{field_name})), $v]}}]) }}, {{}})"
        )
    function = {"sum": "$sum", "average": "$average", "min": "$min", "max": "$max"}[operation]
    return f"{function}({values})"


def _any_catch_to(states: dict[str, Any], target: str | None) -> bool:
    for state in states.values():
        if any(rule["Next"] == target for rule in state.get("Catch", [])):
            return True
        for branch in state.get("Branches", []):
            if _any_catch_to(branch["States"], target):
                return True
        if "ItemProcessor" in state and _any_catch_to(state["ItemProcessor"]["States"], target):
            return True
    return False


def lower_workflow(graph: WorkflowGraph, target: CompileTarget, *, optimize: bool = True) -> LoweredWorkflow:
    """ASL for a workflow that passed validation."""
    lowering = _Lowering(graph=graph, target=target, optimize=optimize)
    lowering.collect_references()
    start_node = graph.starts()[0]
    handlers = graph.error_handlers()
    states: dict[str, Any] = {}
    needs_failure_state = False
    if handlers:
        handler = handlers[0]
        following = graph.plain_successors(handler)
        if following:
            handler_scope = _Scope(entry=following[0], stop=set(), in_handler=True, top=True)
            lowering.handler_entry, handler_states = lowering.lower_scope(handler_scope)
            states.update(handler_states)
            needs_failure_state = any(
                state.get("Next") == WORKFLOW_FAILED
                for state in handler_states.values()
                if isinstance(state, dict)
            )
        else:
            lowering.handler_entry = WORKFLOW_FAILED
            needs_failure_state = True
        if needs_failure_state:
            states[WORKFLOW_FAILED] = {
                "Type": "Fail",
                "Error": "{% " + f"${handler}.error" + " %}",
                "Cause": "{% " + f"${handler}.cause" + " %}",
            }
            lowering.state_nodes[WORKFLOW_FAILED] = []
    start, main_states = lowering.lower_scope(_Scope(entry=start_node, stop=set(), top=True))
    for name, state in list(main_states.items()):
        catches = state.get("Catch", []) if isinstance(state, dict) else []
        for rule in catches:
            if rule["Next"].endswith("-done") and rule["Next"] not in main_states:
                main_states[rule["Next"]] = {"Type": "Succeed"}
                lowering.state_nodes[rule["Next"]] = [name]
    if lowering.needs_start_prelude(start):
        main_states = {
            WORKFLOW_START: {"Type": "Pass", "Assign": {"trigger": "{% $states.input %}"}, "Next": start},
            **main_states,
        }
        lowering.state_nodes[WORKFLOW_START] = []
        start = WORKFLOW_START
    if not _any_catch_to(main_states, lowering.handler_entry):
        states = {}  # no state can fail into the handler: ASL rejects unreachable states
    definition: dict[str, Any] = {
        "Comment": graph.workflow.name,
        "QueryLanguage": "JSONata",
        "StartAt": start,
        "States": {**main_states, **states},
    }
    if graph.workflow.settings.timeout_seconds:
        definition["TimeoutSeconds"] = graph.workflow.settings.timeout_seconds
    return LoweredWorkflow(definition=definition, state_nodes=lowering.state_nodes)
