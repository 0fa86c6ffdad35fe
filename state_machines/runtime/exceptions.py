"""API errors of the local runtime, named as the Step Functions API names them.

These are what a *caller* of :class:`~state_machines.runtime.LocalRuntime` sees (a bad execution
ARN, a task token that expired). Failures *inside* a state machine are
:class:`~state_machines.runtime.errors.StatesError` instead.

    RuntimeApiError
     ├── ExecutionDoesNotExist
     ├── ExecutionAlreadyExists
     ├── ExecutionNotRedrivable
     ├── StateMachineDoesNotExist
     ├── TaskDoesNotExist
     ├── TaskTimedOut
     ├── InvalidOutput
     └── InvalidDefinition
"""

from __future__ import annotations

__all__ = [
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "ExecutionNotRedrivable",
    "InvalidDefinition",
    "InvalidOutput",
    "RuntimeApiError",
    "StateMachineDoesNotExist",
    "TaskDoesNotExist",
    "TaskTimedOut",
]


class RuntimeApiError(Exception):
    """Base of every API error; ``code`` is the AWS error code (the class name)."""

    @property
    def code(self) -> str:
        """The AWS error code, e.g. ``ExecutionDoesNotExist``."""
        return type(self).__name__


class ExecutionDoesNotExist(RuntimeApiError):
    """No execution has this ARN."""


class ExecutionAlreadyExists(RuntimeApiError):
    """An execution with this name exists and was started with a different input."""


class ExecutionNotRedrivable(RuntimeApiError):
    """Only FAILED, TIMED_OUT or ABORTED standard executions can be redriven."""


class StateMachineDoesNotExist(RuntimeApiError):
    """A nested ``startExecution`` named a state machine the resolver does not know."""


class TaskDoesNotExist(RuntimeApiError):
    """The task token is unknown or its task already finished."""


class TaskTimedOut(RuntimeApiError):
    """The task behind this token timed out (TimeoutSeconds / HeartbeatSeconds)."""


class InvalidOutput(RuntimeApiError):
    """``send_task_success`` was given an output that is not JSON."""


class InvalidDefinition(RuntimeApiError):
    """The definition is not JSON or misses ``StartAt`` / ``States``."""
