"""The Step Functions API operations, on top of the registry and the local runtime.

Each public method takes the operation's request model and returns the output as AWS's JSON
(camelCase members, timestamps as epoch seconds). The registry answers control-plane calls;
execution calls resolve the state machine / version / alias ARN to a definition and hand it to
the runtime, whose errors are translated to the API's here, in one place.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, Protocol

from state_machines.runtime import exceptions as runtime_errors
from state_machines.runtime.models import ExecutionInfo
from wfaib.sfn_local import models
from wfaib.sfn_local.arns import (
    check_alias_name,
    check_name,
    invalid_arn,
    parse_execution_arn,
    parse_state_machine_arn,
)
from wfaib.sfn_local.definitions import check_definition
from wfaib.sfn_local.exceptions import SfnApiError
from wfaib.sfn_local.pagination import paginate
from wfaib.sfn_local.registry import (
    ExecutionDefinition,
    Registry,
    RoutingEntry,
    StateMachineRecord,
    VersionRecord,
)
from wfaib.sfn_local.responses import (
    config_members,
    diagnostic,
    epoch,
    execution_description,
    execution_list_item,
    history_event,
    state_machine_description,
    with_token,
)
from wfaib.sfn_local.targets import ExecutionTarget, StateMachineTargets

__all__ = ["ExecutionEngine", "StepFunctionsService"]

StateMachineType = Literal["STANDARD", "EXPRESS"]


class ExecutionEngine(Protocol):
    """What the service needs from the local runtime (``state_machines.runtime.LocalRuntime``)."""

    def start_execution(
        self,
        *,
        state_machine_arn: str,
        definition: str,
        input: str = "{}",
        name: str | None = None,
        type: StateMachineType = "STANDARD",
        role_arn: str | None = None,
        state_machine_version_arn: str | None = None,
        state_machine_alias_arn: str | None = None,
    ) -> ExecutionInfo:
        """Start an execution (idempotent by name for STANDARD)."""
        ...

    def start_sync_execution(
        self,
        *,
        state_machine_arn: str,
        definition: str,
        input: str = "{}",
        name: str | None = None,
        role_arn: str | None = None,
        state_machine_version_arn: str | None = None,
        state_machine_alias_arn: str | None = None,
    ) -> ExecutionInfo:
        """Run an EXPRESS execution to its end."""
        ...

    def describe_execution(self, execution_arn: str) -> ExecutionInfo:
        """The execution, or ``ExecutionDoesNotExist``."""
        ...

    def list_executions(
        self, state_machine_arn: str, status_filter: str | None = None
    ) -> list[ExecutionInfo]:
        """Executions of a state machine."""
        ...

    def get_execution_history(self, execution_arn: str) -> list[dict[str, Any]]:
        """History events in AWS's shape, oldest first."""
        ...

    def stop_execution(self, execution_arn: str, error: str | None = None, cause: str | None = None) -> Any:
        """Abort a running execution."""
        ...

    def send_task_success(self, task_token: str, output: str) -> None:
        """Complete a callback task."""
        ...

    def send_task_failure(self, task_token: str, error: str | None = None, cause: str | None = None) -> None:
        """Fail a callback task."""
        ...

    def send_task_heartbeat(self, task_token: str) -> None:
        """Heartbeat a callback task."""
        ...

    def redrive_execution(self, execution_arn: str) -> Any:
        """Restart a failed execution from where it failed."""
        ...


# The runtime's errors, as the API's: the same codes, AWS's sentences.
_RUNTIME_ERRORS: dict[type[Exception], str] = {
    runtime_errors.ExecutionDoesNotExist: "ExecutionDoesNotExist",
    runtime_errors.ExecutionAlreadyExists: "ExecutionAlreadyExists",
    runtime_errors.ExecutionNotRedrivable: "ExecutionNotRedrivable",
    runtime_errors.StateMachineDoesNotExist: "StateMachineDoesNotExist",
    runtime_errors.TaskDoesNotExist: "TaskDoesNotExist",
    runtime_errors.TaskTimedOut: "TaskTimedOut",
    runtime_errors.InvalidOutput: "InvalidOutput",
    runtime_errors.InvalidDefinition: "InvalidDefinition",
}


@contextmanager
def _runtime_errors() -> Iterator[None]:
    try:
        yield
    except runtime_errors.RuntimeApiError as exc:
        raise SfnApiError(_RUNTIME_ERRORS.get(type(exc), exc.code), str(exc)) from exc


class StepFunctionsService:
    """The operations of the Step Functions API over a :class:`Registry` and an execution engine.

    ``targets`` resolves state machine / version / alias ARNs (the same object is the runtime's
    resolver, so nested executions route through aliases the same way).

    Example:
        >>> service = StepFunctionsService(registry, runtime, StateMachineTargets(registry))  # doctest: +SKIP
        >>> service.list_state_machines(models.ListStateMachinesInput())  # doctest: +SKIP
        {'stateMachines': []}
    """

    def __init__(self, registry: Registry, engine: ExecutionEngine, targets: StateMachineTargets) -> None:
        self.registry = registry
        self.engine = engine
        self.targets = targets

    # -- state machines -------------------------------------------------------------------

    def create_state_machine(self, request: models.CreateStateMachineInput) -> dict[str, Any]:
        """CreateStateMachine (``publish=True`` also publishes version 1)."""
        check_name(request.name)
        self._require_valid(request.definition, request.type)
        machine = self.registry.create_state_machine(
            request.name,
            request.definition,
            request.role_arn,
            request.type,
            _config(
                request.logging_configuration, request.tracing_configuration, request.encryption_configuration
            ),
        )
        if request.tags:
            self.registry.tag(machine.arn, {tag.key: tag.value for tag in request.tags})
        result: dict[str, Any] = {"stateMachineArn": machine.arn, "creationDate": machine.creation_date}
        if request.publish:
            version = self.registry.publish_version(machine.arn, None, request.version_description)
            result["stateMachineVersionArn"] = version.arn
        return result

    def update_state_machine(self, request: models.UpdateStateMachineInput) -> dict[str, Any]:
        """UpdateStateMachine: a new revision; ``publish=True`` also publishes it as a version."""
        arn = self._unqualified(request.state_machine_arn)
        if (
            request.definition is None
            and request.role_arn is None
            and request.logging_configuration is None
            and request.tracing_configuration is None
            and request.encryption_configuration is None
        ):
            raise SfnApiError(
                "MissingRequiredParameter",
                "Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration"
                " or the TracingConfiguration must be specified",
            )
        machine = self.registry.get_state_machine(arn)
        if request.definition is not None:
            self._require_valid(request.definition, _machine_type(machine))
        updated = self.registry.update_state_machine(
            arn,
            request.definition,
            request.role_arn,
            _config(
                request.logging_configuration, request.tracing_configuration, request.encryption_configuration
            ),
        )
        result: dict[str, Any] = {"updateDate": updated.update_date, "revisionId": updated.revision_id}
        if request.publish:
            version = self.registry.publish_version(arn, None, request.version_description)
            result["stateMachineVersionArn"] = version.arn
        return result

    def describe_state_machine(self, request: models.DescribeStateMachineInput) -> dict[str, Any]:
        """DescribeStateMachine of a state machine or one of its versions."""
        parsed = parse_state_machine_arn(request.state_machine_arn)
        if parsed.alias is not None:
            raise invalid_arn(request.state_machine_arn)
        machine = self.registry.get_state_machine(parsed.base_arn)
        if parsed.version is None:
            return state_machine_description(
                machine, machine.arn, machine.definition, machine.role_arn, machine.revision_id
            )
        version = self.registry.get_version(request.state_machine_arn)
        result = state_machine_description(
            machine, version.arn, version.definition, version.role_arn, version.revision_id
        )
        result["creationDate"] = version.creation_date
        if version.description is not None:
            result["description"] = version.description
        return result

    def list_state_machines(self, request: models.ListStateMachinesInput) -> dict[str, Any]:
        """ListStateMachines."""
        page, token = paginate(
            self.registry.list_state_machines(), "state-machines", request.max_results, request.next_token
        )
        items = [
            {"stateMachineArn": m.arn, "name": m.name, "type": m.type, "creationDate": m.creation_date}
            for m in page
        ]
        return with_token({"stateMachines": items}, token)

    def delete_state_machine(self, request: models.DeleteStateMachineInput) -> dict[str, Any]:
        """DeleteStateMachine (with its versions and aliases); a version ARN deletes that version."""
        parsed = parse_state_machine_arn(request.state_machine_arn)
        if parsed.alias is not None:
            raise SfnApiError(
                "ValidationException", "Use DeleteStateMachineAlias to delete a state machine alias"
            )
        if parsed.version is not None:
            self.registry.delete_version(request.state_machine_arn)
        else:
            self.registry.delete_state_machine(parsed.base_arn)
        return {}

    # -- versions ---------------------------------------------------------------------------

    def publish_state_machine_version(
        self, request: models.PublishStateMachineVersionInput
    ) -> dict[str, Any]:
        """PublishStateMachineVersion (idempotent per revision)."""
        arn = self._unqualified(request.state_machine_arn)
        version = self.registry.publish_version(arn, request.revision_id, request.description)
        return {"creationDate": version.creation_date, "stateMachineVersionArn": version.arn}

    def list_state_machine_versions(self, request: models.ListStateMachineVersionsInput) -> dict[str, Any]:
        """ListStateMachineVersions, newest first."""
        arn = self._unqualified(request.state_machine_arn)
        self.registry.get_state_machine(arn)
        page, token = paginate(
            self.registry.list_versions(arn), f"versions:{arn}", request.max_results, request.next_token
        )
        items = [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in page]
        return with_token({"stateMachineVersions": items}, token)

    def delete_state_machine_version(self, request: models.DeleteStateMachineVersionInput) -> dict[str, Any]:
        """DeleteStateMachineVersion (refused while an alias routes to it)."""
        if parse_state_machine_arn(request.state_machine_version_arn).version is None:
            raise invalid_arn(request.state_machine_version_arn)
        self.registry.delete_version(request.state_machine_version_arn)
        return {}

    # -- aliases ------------------------------------------------------------------------------

    def create_state_machine_alias(self, request: models.CreateStateMachineAliasInput) -> dict[str, Any]:
        """CreateStateMachineAlias."""
        check_alias_name(request.name)
        alias = self.registry.create_alias(
            request.name, request.description, _routing(request.routing_configuration)
        )
        return {"stateMachineAliasArn": alias.arn, "creationDate": alias.creation_date}

    def update_state_machine_alias(self, request: models.UpdateStateMachineAliasInput) -> dict[str, Any]:
        """UpdateStateMachineAlias (promote / roll back)."""
        self._alias_arn(request.state_machine_alias_arn)
        if request.description is None and request.routing_configuration is None:
            raise SfnApiError(
                "ValidationException", "Either the description or the RoutingConfiguration must be specified"
            )
        routing = None if request.routing_configuration is None else _routing(request.routing_configuration)
        alias = self.registry.update_alias(request.state_machine_alias_arn, request.description, routing)
        return {"updateDate": alias.update_date}

    def describe_state_machine_alias(self, request: models.DescribeStateMachineAliasInput) -> dict[str, Any]:
        """DescribeStateMachineAlias."""
        self._alias_arn(request.state_machine_alias_arn)
        alias = self.registry.get_alias(request.state_machine_alias_arn)
        result: dict[str, Any] = {
            "stateMachineAliasArn": alias.arn,
            "name": alias.name,
            "routingConfiguration": [
                {"stateMachineVersionArn": e.state_machine_version_arn, "weight": e.weight}
                for e in alias.routing
            ],
            "creationDate": alias.creation_date,
            "updateDate": alias.update_date,
        }
        if alias.description is not None:
            result["description"] = alias.description
        return result

    def delete_state_machine_alias(self, request: models.DeleteStateMachineAliasInput) -> dict[str, Any]:
        """DeleteStateMachineAlias."""
        self._alias_arn(request.state_machine_alias_arn)
        self.registry.delete_alias(request.state_machine_alias_arn)
        return {}

    def list_state_machine_aliases(self, request: models.ListStateMachineAliasesInput) -> dict[str, Any]:
        """ListStateMachineAliases."""
        arn = self._unqualified(request.state_machine_arn)
        self.registry.get_state_machine(arn)
        page, token = paginate(
            self.registry.list_aliases(arn), f"aliases:{arn}", request.max_results, request.next_token
        )
        items = [{"stateMachineAliasArn": a.arn, "creationDate": a.creation_date} for a in page]
        return with_token({"stateMachineAliases": items}, token)

    # -- executions ---------------------------------------------------------------------------

    def start_execution(self, request: models.StartExecutionInput) -> dict[str, Any]:
        """StartExecution through a state machine, version or alias ARN."""
        target = self.targets.target(request.state_machine_arn)
        if request.name is not None:
            check_name(request.name)
        input_text = _checked_input(request.input)
        if request.name is not None and target.type == "STANDARD":
            self._refuse_closed_namesake(target.machine.arn, request.name)
        with _runtime_errors():
            info = self.engine.start_execution(
                state_machine_arn=target.machine.arn,
                definition=target.definition,
                input=input_text,
                name=request.name,
                type=target.type,
                role_arn=target.role_arn,
                state_machine_version_arn=target.version.arn if target.version else None,
                state_machine_alias_arn=target.alias.arn if target.alias else None,
            )
        if info.type == "STANDARD":
            self.registry.remember_execution(_execution_definition(info, target))
        return {"executionArn": info.execution_arn, "startDate": epoch(info.start_date)}

    def start_sync_execution(self, request: models.StartExecutionInput) -> dict[str, Any]:
        """StartSyncExecution: EXPRESS only; runs to the end and returns the result."""
        target = self.targets.target(request.state_machine_arn)
        if target.machine.type != "EXPRESS":
            raise SfnApiError(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            )
        if request.name is not None:
            check_name(request.name)
        input_text = _checked_input(request.input)
        with _runtime_errors():
            info = self.engine.start_sync_execution(
                state_machine_arn=target.machine.arn,
                definition=target.definition,
                input=input_text,
                name=request.name,
                role_arn=target.role_arn,
                state_machine_version_arn=target.version.arn if target.version else None,
                state_machine_alias_arn=target.alias.arn if target.alias else None,
            )
        result = execution_description(info, include_data=request.included_data != "METADATA_ONLY")
        for member in ("redriveCount", "redriveDate", "redriveStatus", "redriveStatusReason"):
            result.pop(member, None)
        for member in ("stateMachineVersionArn", "stateMachineAliasArn"):
            result.pop(member, None)
        duration_ms = 0.0
        if info.stop_date is not None:
            duration_ms = (info.stop_date - info.start_date).total_seconds() * 1000
        result["billingDetails"] = {
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": max(100, math.ceil(duration_ms / 100) * 100),
        }
        return result

    def stop_execution(self, request: models.StopExecutionInput) -> dict[str, Any]:
        """StopExecution."""
        self._standard_execution(request.execution_arn)
        with _runtime_errors():
            self.engine.stop_execution(request.execution_arn, request.error, request.cause)
            info = self.engine.describe_execution(request.execution_arn)
        return {"stopDate": epoch(info.stop_date or info.start_date)}

    def describe_execution(self, request: models.DescribeExecutionInput) -> dict[str, Any]:
        """DescribeExecution."""
        self._standard_execution(request.execution_arn)
        with _runtime_errors():
            info = self.engine.describe_execution(request.execution_arn)
        return execution_description(info, include_data=request.included_data != "METADATA_ONLY")

    def describe_state_machine_for_execution(
        self, request: models.DescribeStateMachineForExecutionInput
    ) -> dict[str, Any]:
        """DescribeStateMachineForExecution: the definition the execution started with."""
        self._standard_execution(request.execution_arn)
        with _runtime_errors():
            info = self.engine.describe_execution(request.execution_arn)
        ran = self.registry.execution_definition(request.execution_arn)
        if ran is None:  # started by a nested startExecution task: the registry's current view
            target = self.targets.target(info.state_machine_version_arn or info.state_machine_arn)
            ran = _execution_definition(info, target)
        result: dict[str, Any] = {
            "stateMachineArn": ran.state_machine_arn,
            "name": ran.name,
            "definition": ran.definition,
            "roleArn": ran.role_arn,
            "updateDate": ran.update_date,
            **config_members(ran.config),
        }
        if ran.revision_id is not None:
            result["revisionId"] = ran.revision_id
        return result

    def list_executions(self, request: models.ListExecutionsInput) -> dict[str, Any]:
        """ListExecutions of a state machine, version or alias; newest first."""
        if request.state_machine_arn is None:
            raise SfnApiError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
        parsed = parse_state_machine_arn(request.state_machine_arn)
        machine = self.registry.get_state_machine(parsed.base_arn)
        if machine.type == "EXPRESS":
            raise SfnApiError(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            )
        with _runtime_errors():
            executions = self.engine.list_executions(machine.arn, request.status_filter)
        if parsed.version is not None:
            executions = [e for e in executions if e.state_machine_version_arn == request.state_machine_arn]
        elif parsed.alias is not None:
            executions = [e for e in executions if e.state_machine_alias_arn == request.state_machine_arn]
        if request.redrive_filter is not None:
            want_redriven = request.redrive_filter == "REDRIVEN"
            executions = [e for e in executions if (e.redrive_count > 0) == want_redriven]
        executions.sort(key=lambda e: (e.start_date, e.execution_arn), reverse=True)
        page, token = paginate(
            executions,
            f"executions:{request.state_machine_arn}:{request.status_filter}",
            request.max_results,
            request.next_token,
        )
        return with_token({"executions": [execution_list_item(e) for e in page]}, token)

    def get_execution_history(self, request: models.GetExecutionHistoryInput) -> dict[str, Any]:
        """GetExecutionHistory, oldest first unless ``reverseOrder``."""
        self._standard_execution(request.execution_arn)
        with _runtime_errors():
            events = self.engine.get_execution_history(request.execution_arn)
        if request.reverse_order:
            events = list(reversed(events))
        page, token = paginate(
            events,
            f"history:{request.execution_arn}:{request.reverse_order}",
            request.max_results,
            request.next_token,
        )
        items = [history_event(e, request.include_execution_data) for e in page]
        return with_token({"events": items}, token)

    def send_task_success(self, request: models.SendTaskSuccessInput) -> dict[str, Any]:
        """SendTaskSuccess."""
        try:
            json.loads(request.output)
        except ValueError as exc:
            raise SfnApiError("InvalidOutput", f"Invalid Output: '{request.output}'") from exc
        with _runtime_errors():
            self.engine.send_task_success(request.task_token, request.output)
        return {}

    def send_task_failure(self, request: models.SendTaskFailureInput) -> dict[str, Any]:
        """SendTaskFailure."""
        with _runtime_errors():
            self.engine.send_task_failure(request.task_token, request.error, request.cause)
        return {}

    def send_task_heartbeat(self, request: models.SendTaskHeartbeatInput) -> dict[str, Any]:
        """SendTaskHeartbeat."""
        with _runtime_errors():
            self.engine.send_task_heartbeat(request.task_token)
        return {}

    def redrive_execution(self, request: models.RedriveExecutionInput) -> dict[str, Any]:
        """RedriveExecution: continue a failed STANDARD execution from the state that failed."""
        self._standard_execution(request.execution_arn)
        with _runtime_errors():
            self.engine.redrive_execution(request.execution_arn)
            info = self.engine.describe_execution(request.execution_arn)
        return {"redriveDate": epoch(info.redrive_date or info.start_date)}

    def validate_state_machine_definition(
        self, request: models.ValidateStateMachineDefinitionInput
    ) -> dict[str, Any]:
        """ValidateStateMachineDefinition: diagnostics instead of an error."""
        checks = check_definition(request.definition, request.type)
        errors = [c for c in checks if c.severity == "ERROR"]
        shown = checks if request.severity == "WARNING" else errors
        limit = request.max_results or 100
        return {
            "result": "FAIL" if errors else "OK",
            "diagnostics": [diagnostic(c) for c in shown[:limit]],
            "truncated": len(shown) > limit,
        }

    # -- tags ---------------------------------------------------------------------------------

    def tag_resource(self, request: models.TagResourceInput) -> dict[str, Any]:
        """TagResource (state machines, versions, aliases)."""
        self._tagged_resource(request.resource_arn)
        self.registry.tag(request.resource_arn, {tag.key: tag.value for tag in request.tags})
        return {}

    def untag_resource(self, request: models.UntagResourceInput) -> dict[str, Any]:
        """UntagResource."""
        self._tagged_resource(request.resource_arn)
        self.registry.untag(request.resource_arn, request.tag_keys)
        return {}

    def list_tags_for_resource(self, request: models.ListTagsForResourceInput) -> dict[str, Any]:
        """ListTagsForResource."""
        self._tagged_resource(request.resource_arn)
        tags = self.registry.tags(request.resource_arn)
        return {"tags": [{"key": key, "value": value} for key, value in tags.items()]}

    # -- helpers ------------------------------------------------------------------------------

    def _refuse_closed_namesake(self, machine_arn: str, name: str) -> None:
        """AWS returns the running namesake of a repeated start, but refuses once it has closed."""
        execution_arn = machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"
        try:
            existing = self.engine.describe_execution(execution_arn)
        except runtime_errors.ExecutionDoesNotExist:
            return
        if existing.status != "RUNNING":
            raise SfnApiError("ExecutionAlreadyExists", f"Execution Already Exists: '{execution_arn}'")

    def _unqualified(self, arn: str) -> str:
        parsed = parse_state_machine_arn(arn)
        if parsed.qualifier is not None:
            raise invalid_arn(arn)
        return parsed.base_arn

    def _alias_arn(self, arn: str) -> None:
        if parse_state_machine_arn(arn).alias is None:
            raise invalid_arn(arn)

    def _standard_execution(self, arn: str) -> None:
        if parse_execution_arn(arn).express:
            raise invalid_arn(arn)

    def _tagged_resource(self, arn: str) -> None:
        """Tags live on state machines, versions and aliases; anything else is ``ResourceNotFound``."""
        parsed = parse_state_machine_arn(arn)
        try:
            self.registry.get_state_machine(parsed.base_arn)
            if parsed.version is not None:
                self.registry.get_version(arn)
            elif parsed.alias is not None:
                self.registry.get_alias(arn)
        except SfnApiError as exc:
            raise SfnApiError("ResourceNotFound", f"Resource not found: '{arn}'") from exc

    def _require_valid(self, definition: str, type_: StateMachineType) -> None:
        errors = [d for d in check_definition(definition, type_) if d.severity == "ERROR"]
        if errors:
            problems = ", ".join(
                f"{d.code}: {d.message}" + (f" at {d.location}" if d.location else "") for d in errors
            )
            raise SfnApiError("InvalidDefinition", f"Invalid State Machine Definition: '{problems}'")


def _execution_definition(info: ExecutionInfo, target: ExecutionTarget) -> ExecutionDefinition:
    source: StateMachineRecord | VersionRecord = target.version or target.machine
    return ExecutionDefinition(
        execution_arn=info.execution_arn,
        state_machine_arn=target.version.arn if target.version else target.machine.arn,
        name=target.machine.name,
        definition=source.definition,
        role_arn=source.role_arn,
        revision_id=source.revision_id,
        update_date=target.version.creation_date if target.version else target.machine.update_date,
        config=source.config,
    )


def _machine_type(machine: StateMachineRecord) -> StateMachineType:
    return "EXPRESS" if machine.type == "EXPRESS" else "STANDARD"


def _routing(entries: list[models.RoutingConfigurationEntry]) -> tuple[RoutingEntry, ...]:
    return tuple(
        RoutingEntry(state_machine_version_arn=e.state_machine_version_arn, weight=e.weight) for e in entries
    )


def _checked_input(text: str | None) -> str:
    if text is None:
        return "{}"
    try:
        json.loads(text)
    except ValueError as exc:
        raise SfnApiError(
            "InvalidExecutionInput", f"Invalid State Machine Execution Input: '{text}'"
        ) from exc
    return text


def _config(
    logging: dict[str, object] | None, tracing: dict[str, object] | None, encryption: dict[str, object] | None
) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if logging is not None:
        config["loggingConfiguration"] = logging
    if tracing is not None:
        config["tracingConfiguration"] = tracing
    if encryption is not None:
        config["encryptionConfiguration"] = encryption
    return config
