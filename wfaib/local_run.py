"""Run one workflow file on this machine: compile it, execute it on the local runtime, report steps.

The run uses exactly the parts a deployment uses — the compiled ASL, the connector handlers, the
code sandbox — with the runtime's clock fast-forwarded, so a Wait of an hour takes no time.
Sub-workflows are looked up as ``<workflow id>.json`` next to the file being run.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from state_machines.compiler import CompiledWorkflow, CompileTarget, compile_workflow
from state_machines.model import NodeCatalog, Problem, Workflow, parse_workflow
from state_machines.runtime import ExecutionInfo, LocalRuntime, ServiceCaller, VirtualClock
from state_machines.timeline import Step, build_timeline

__all__ = ["LocalRun", "load_workflow_file", "node_catalog", "run_workflow"]

ApprovalAnswer = Literal["approve", "reject"]
# A Task state calling an AWS API directly (S3, SQS, DynamoDB, webhook.respond's putItem, ...).
_SERVICE_INTEGRATION = re.compile(r'"Resource": "arn:aws:states:::(?!lambda:|states:)')
_CATALOG_FILE = Path(__file__).resolve().parent.parent / "connectors" / "catalog.json"


def node_catalog() -> NodeCatalog:
    """Built-in node types plus every connector action in the generated catalog."""
    if _CATALOG_FILE.exists():
        return NodeCatalog.with_connectors(json.loads(_CATALOG_FILE.read_text()))
    return NodeCatalog.builtin()


def load_workflow_file(path: Path) -> tuple[Workflow | None, list[Problem]]:
    """Read and parse a workflow JSON file; unreadable or invalid JSON is a problem, not an exception."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [
            Problem(code="unreadable_file", node=None, field=None, message=f"{path}: {exc.strerror}")
        ]
    except ValueError as exc:
        return None, [Problem(code="invalid_json", node=None, field=None, message=f"{path}: {exc}")]
    return parse_workflow(document)


@dataclass(frozen=True)
class LocalRun:
    """The outcome of ``run_workflow``."""

    info: ExecutionInfo
    steps: list[Step]
    compiled: CompiledWorkflow


class _LocalApprovals:
    """The approvals function of a local run: answers each request as the command line said."""

    def __init__(self, answer: ApprovalAnswer) -> None:
        self.answer = answer
        self.pending: list[str] = []
        self.lock = threading.Lock()

    def handler(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self.lock:
            self.pending.append(event["task_token"])
        return {"status": "pending"}

    def settle(self, runtime: LocalRuntime) -> None:
        with self.lock:
            tokens, self.pending = self.pending, []
        for token in tokens:
            if self.answer == "approve":
                runtime.send_task_success(token, json.dumps({"approved": True, "approver": "local"}))
            else:
                runtime.send_task_failure(token, "ApprovalRejected", "Rejected on the command line.")


class _GivenCredentials:
    """Credentials a local run was given by id (``wfaib run --credentials``), under the secret ids
    the compiled workflow names; a missing one is an ``AuthError`` that says how to give it."""

    def __init__(self, target: CompileTarget, values: Mapping[str, dict[str, Any]]) -> None:
        self._values = {target.credential_secret_id(cid): dict(value) for cid, value in values.items()}

    def get(self, ref: str) -> dict[str, Any]:
        from connectors.sdk.errors import AuthError

        if ref not in self._values:
            name = ref.rsplit("/", 1)[-1]
            raise AuthError(
                f"credential {name!r} was not given to this local run (wfaib run --credentials FILE)"
            )
        return dict(self._values[ref])

    def put(self, ref: str, value: dict[str, Any]) -> None:
        self._values[ref] = dict(value)  # an OAuth2 refresh, kept for the rest of the run


def _local_lambdas(
    target: CompileTarget, credentials: Mapping[str, dict[str, Any]] | None
) -> dict[str, Callable[[Any, Any], Any]]:
    from connectors.sdk.local import connector_lambdas
    from functions.code_sandbox.handler import handler as code_handler

    source = None if credentials is None else _GivenCredentials(target, credentials)
    return {
        **connector_lambdas(target.resource_prefix, credentials=source),
        f"{target.resource_prefix}-code-python": code_handler,
    }


def run_workflow(
    workflow: Workflow,
    input_document: Any,
    *,
    workflows_dir: Path | None = None,
    approvals: ApprovalAnswer = "approve",
    timeout_seconds: float = 300,
    optimize: bool = True,
    credentials: Mapping[str, dict[str, Any]] | None = None,
) -> LocalRun:
    """Compile and run ``workflow`` locally; raise ``CompileError`` if it does not validate.

    ``optimize=False`` compiles one state per node (the baseline the benchmarks compare against).
    ``credentials`` (credential id → value) are what connector steps get; without them the
    connectors read Secrets Manager as configured by the environment (``WFAIB_*``, an endpoint).
    """
    catalog = node_catalog()
    target = CompileTarget()
    compiled = compile_workflow(workflow, catalog, target, optimize=optimize)
    local_approvals = _LocalApprovals(approvals)
    with (
        _emulated_aws(compiled, target) as service_caller,
        LocalRuntime(clock=VirtualClock(auto_advance=True), service_caller=service_caller) as runtime,
    ):
        for name, handler in _local_lambdas(target, credentials).items():
            runtime.register_lambda(name, handler)
        runtime.register_lambda(f"{target.resource_prefix}-approvals", local_approvals.handler)
        for sub_workflow in _sub_workflows(workflow, workflows_dir, catalog, target, optimize):
            runtime.register_state_machine(
                target.state_machine_arn(sub_workflow[0]), sub_workflow[1].asl, sub_workflow[1].execution_type
            )
        info = runtime.start_execution(
            state_machine_arn=target.state_machine_arn(workflow.id),
            definition=compiled.asl,
            input=json.dumps(input_document),
            type="EXPRESS" if compiled.execution_type == "EXPRESS" else "STANDARD",
        )
        waited = 0.0
        while info.status == "RUNNING" and waited < timeout_seconds:
            local_approvals.settle(runtime)
            info = runtime.wait(info.execution_arn, timeout=0.05)
            waited += 0.05
        history = runtime.get_execution_history(info.execution_arn)
    return LocalRun(info=info, steps=build_timeline(history, compiled.state_nodes), compiled=compiled)


@contextmanager
def _emulated_aws(compiled: CompiledWorkflow, target: CompileTarget) -> Iterator[ServiceCaller | None]:
    """AWS-native steps call moto's emulated AWS APIs on loopback, started only when the workflow
    has such a step: a local run never reaches a real account. It starts as empty as a new
    account, except for the platform table that ``webhook.respond`` writes its answer to."""
    if not _SERVICE_INTEGRATION.search(compiled.asl):
        yield None
        return
    import boto3
    from pydantic import SecretStr

    from functions.shared.models import TABLE_DEFINITION
    from wfaib.dev.aws import MotoServer
    from wfaib.local.aws_integrations import AwsIntegrationSettings, AwsServiceCaller

    server = MotoServer().start()
    try:
        settings = AwsIntegrationSettings(
            endpoint_url=server.endpoint, aws_access_key_id="local", aws_secret_access_key=SecretStr("local")
        )
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=server.endpoint,
            region_name=settings.region_name,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        existing = dynamodb.list_tables()["TableNames"]  # moto's state is per process
        if target.table_name not in existing:
            dynamodb.create_table(TableName=target.table_name, **TABLE_DEFINITION)
        yield AwsServiceCaller(settings)
    finally:
        server.stop()


def _sub_workflows(
    workflow: Workflow,
    workflows_dir: Path | None,
    catalog: NodeCatalog,
    target: CompileTarget,
    optimize: bool,
) -> list[tuple[str, CompiledWorkflow]]:
    """Compile every workflow this one calls (and what those call), found next to it."""
    if workflows_dir is None:
        return []
    found: dict[str, CompiledWorkflow] = {}
    queue = [workflow]
    while queue:
        current = queue.pop()
        for node in current.nodes:
            if node.type != "logic.sub_workflow":
                continue
            child_id = str(node.params.get("workflow_id"))
            if child_id in found:
                continue
            child, problems = load_workflow_file(workflows_dir / f"{child_id}.json")
            if child is None or problems:
                continue  # the parent's run reports the missing state machine by name
            found[child_id] = compile_workflow(child, catalog, target, optimize=optimize)
            queue.append(child)
    return sorted(found.items())
