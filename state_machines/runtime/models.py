"""Value types the runtime hands to callers and integrations."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

__all__ = [
    "ExecutionInfo",
    "ExecutionStatus",
    "ResolvedStateMachine",
    "ServiceCaller",
    "StateMachineResolver",
    "TaskInvocation",
]

ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]


@dataclass(frozen=True, slots=True)
class ExecutionInfo:
    """What DescribeExecution returns, as a frozen value.

    Example:
        >>> info = runtime.start_sync_execution(state_machine_arn=arn, definition=asl)  # doctest: +SKIP
        >>> info.status, info.output  # doctest: +SKIP
        ('SUCCEEDED', '{"ok": true}')
    """

    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatus
    input: str
    output: str | None
    error: str | None
    cause: str | None
    start_date: datetime
    stop_date: datetime | None
    redrive_count: int
    redrive_date: datetime | None
    type: Literal["STANDARD", "EXPRESS"]
    state_machine_version_arn: str | None = None
    state_machine_alias_arn: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedStateMachine:
    """A state machine a nested ``states:startExecution`` can start."""

    arn: str
    definition: str
    type: Literal["STANDARD", "EXPRESS"] = "STANDARD"
    name: str | None = None


@dataclass(frozen=True, slots=True)
class TaskInvocation:
    """Who is calling a service integration, handed to a :class:`ServiceCaller`.

    ``idempotency_key`` is stable across retries and restarts of the same state visit
    (execution ARN + state path), so a side effect can be made exactly-once downstream.
    """

    execution_arn: str
    state_name: str
    attempt: int
    task_token: str | None
    idempotency_key: str
    region: str
    account_id: str


class ServiceCaller(Protocol):
    """Calls an optimized or ``aws-sdk:*`` integration, e.g. through boto3."""

    def __call__(
        self, resource_arn: str, arguments: dict[str, Any], invocation: TaskInvocation
    ) -> Awaitable[Any]:
        """Return the integration's result; raise ``StatesError`` for a failure the ASL can catch."""
        ...


class StateMachineResolver(Protocol):
    """Finds the definition of a state machine by ARN (for nested executions)."""

    def __call__(self, arn: str) -> ResolvedStateMachine | None:
        """Return the state machine, or ``None`` when there is none with this ARN."""
        ...
