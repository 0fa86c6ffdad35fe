"""Request bodies of the Step Functions API operations we serve, as pydantic models.

Members keep AWS's camelCase names on the wire (``alias_generator``). Unknown members are
ignored rather than refused: that is what AWS's JSON services do, and it keeps newer SDKs, which
send members added after this file was written, working.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "CreateStateMachineAliasInput",
    "CreateStateMachineInput",
    "DeleteStateMachineAliasInput",
    "DeleteStateMachineInput",
    "DeleteStateMachineVersionInput",
    "DescribeExecutionInput",
    "DescribeStateMachineAliasInput",
    "DescribeStateMachineForExecutionInput",
    "DescribeStateMachineInput",
    "GetExecutionHistoryInput",
    "ListExecutionsInput",
    "ListStateMachineAliasesInput",
    "ListStateMachineVersionsInput",
    "ListStateMachinesInput",
    "ListTagsForResourceInput",
    "PublishStateMachineVersionInput",
    "RedriveExecutionInput",
    "RoutingConfigurationEntry",
    "SendTaskFailureInput",
    "SendTaskHeartbeatInput",
    "SendTaskSuccessInput",
    "StartExecutionInput",
    "StopExecutionInput",
    "Tag",
    "TagResourceInput",
    "UntagResourceInput",
    "UpdateStateMachineAliasInput",
    "UpdateStateMachineInput",
    "ValidateStateMachineDefinitionInput",
]

Arn = Annotated[str, Field(min_length=1, max_length=2048)]
Name = Annotated[str, Field(min_length=1, max_length=80)]
Description = Annotated[str, Field(max_length=256)]
Definition = Annotated[str, Field(min_length=1, max_length=1_048_576)]
MaxResults = Annotated[int, Field(ge=0, le=1000)]
Token = Annotated[str, Field(min_length=1, max_length=1024)]
TaskToken = Annotated[str, Field(min_length=1, max_length=2048)]
StateMachineType = Literal["STANDARD", "EXPRESS"]
ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]


class _Request(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class Tag(_Request):
    """A resource tag."""

    key: Annotated[str, Field(min_length=1, max_length=128)]
    value: Annotated[str, Field(max_length=256)]


class RoutingConfigurationEntry(_Request):
    """One version an alias routes to."""

    state_machine_version_arn: Arn
    weight: Annotated[int, Field(ge=0, le=100)]


class CreateStateMachineInput(_Request):
    """CreateStateMachine."""

    name: Name
    definition: Definition
    role_arn: Arn
    type: StateMachineType = "STANDARD"
    logging_configuration: dict[str, object] | None = None
    tracing_configuration: dict[str, object] | None = None
    encryption_configuration: dict[str, object] | None = None
    tags: list[Tag] = []
    publish: bool = False
    version_description: Description | None = None


class UpdateStateMachineInput(_Request):
    """UpdateStateMachine."""

    state_machine_arn: Arn
    definition: Definition | None = None
    role_arn: Arn | None = None
    logging_configuration: dict[str, object] | None = None
    tracing_configuration: dict[str, object] | None = None
    encryption_configuration: dict[str, object] | None = None
    publish: bool = False
    version_description: Description | None = None


class DescribeStateMachineInput(_Request):
    """DescribeStateMachine (a state machine, version or alias ARN)."""

    state_machine_arn: Arn
    included_data: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class ListStateMachinesInput(_Request):
    """ListStateMachines."""

    max_results: MaxResults | None = None
    next_token: Token | None = None


class DeleteStateMachineInput(_Request):
    """DeleteStateMachine."""

    state_machine_arn: Arn


class PublishStateMachineVersionInput(_Request):
    """PublishStateMachineVersion."""

    state_machine_arn: Arn
    revision_id: Annotated[str, Field(max_length=2048)] | None = None
    description: Description | None = None


class ListStateMachineVersionsInput(_Request):
    """ListStateMachineVersions."""

    state_machine_arn: Arn
    max_results: MaxResults | None = None
    next_token: Token | None = None


class DeleteStateMachineVersionInput(_Request):
    """DeleteStateMachineVersion."""

    state_machine_version_arn: Arn


class CreateStateMachineAliasInput(_Request):
    """CreateStateMachineAlias."""

    name: Name
    description: Description | None = None
    routing_configuration: Annotated[list[RoutingConfigurationEntry], Field(min_length=1, max_length=2)]


class UpdateStateMachineAliasInput(_Request):
    """UpdateStateMachineAlias."""

    state_machine_alias_arn: Arn
    description: Description | None = None
    routing_configuration: (
        Annotated[list[RoutingConfigurationEntry], Field(min_length=1, max_length=2)] | None
    ) = None


class DescribeStateMachineAliasInput(_Request):
    """DescribeStateMachineAlias."""

    state_machine_alias_arn: Arn


class DeleteStateMachineAliasInput(_Request):
    """DeleteStateMachineAlias."""

    state_machine_alias_arn: Arn


class ListStateMachineAliasesInput(_Request):
    """ListStateMachineAliases."""

    state_machine_arn: Arn
    max_results: MaxResults | None = None
    next_token: Token | None = None


class StartExecutionInput(_Request):
    """StartExecution and StartSyncExecution."""

    state_machine_arn: Arn
    name: Name | None = None
    input: Annotated[str, Field(max_length=262_144)] | None = None
    trace_header: Annotated[str, Field(max_length=256)] | None = None
    included_data: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class StopExecutionInput(_Request):
    """StopExecution."""

    execution_arn: Arn
    error: Annotated[str, Field(max_length=256)] | None = None
    cause: Annotated[str, Field(max_length=32_768)] | None = None


class DescribeExecutionInput(_Request):
    """DescribeExecution."""

    execution_arn: Arn
    included_data: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class DescribeStateMachineForExecutionInput(_Request):
    """DescribeStateMachineForExecution."""

    execution_arn: Arn
    included_data: Literal["ALL_DATA", "METADATA_ONLY"] | None = None


class ListExecutionsInput(_Request):
    """ListExecutions (of a state machine, a version or an alias)."""

    state_machine_arn: Arn | None = None
    status_filter: ExecutionStatus | None = None
    max_results: MaxResults | None = None
    next_token: Annotated[str, Field(min_length=1, max_length=3096)] | None = None
    map_run_arn: Arn | None = None
    redrive_filter: Literal["REDRIVEN", "NOT_REDRIVEN"] | None = None


class GetExecutionHistoryInput(_Request):
    """GetExecutionHistory."""

    execution_arn: Arn
    max_results: MaxResults | None = None
    reverse_order: bool = False
    next_token: Annotated[str, Field(min_length=1, max_length=3096)] | None = None
    include_execution_data: bool = True


class SendTaskSuccessInput(_Request):
    """SendTaskSuccess."""

    task_token: TaskToken
    output: Annotated[str, Field(max_length=262_144)]


class SendTaskFailureInput(_Request):
    """SendTaskFailure."""

    task_token: TaskToken
    error: Annotated[str, Field(max_length=256)] | None = None
    cause: Annotated[str, Field(max_length=32_768)] | None = None


class SendTaskHeartbeatInput(_Request):
    """SendTaskHeartbeat."""

    task_token: TaskToken


class ValidateStateMachineDefinitionInput(_Request):
    """ValidateStateMachineDefinition."""

    definition: Definition
    type: StateMachineType = "STANDARD"
    severity: Literal["ERROR", "WARNING"] = "ERROR"
    max_results: Annotated[int, Field(ge=0, le=100)] | None = None


class RedriveExecutionInput(_Request):
    """RedriveExecution."""

    execution_arn: Arn
    client_token: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class TagResourceInput(_Request):
    """TagResource."""

    resource_arn: Arn
    tags: list[Tag]


class UntagResourceInput(_Request):
    """UntagResource."""

    resource_arn: Arn
    tag_keys: list[str]


class ListTagsForResourceInput(_Request):
    """ListTagsForResource."""

    resource_arn: Arn
