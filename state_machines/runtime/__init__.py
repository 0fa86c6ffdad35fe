"""Local AWS Step Functions runtime: executes ASL (JSONPath and JSONata) like AWS does.

Example:
    >>> from state_machines.runtime import LocalRuntime, VirtualClock
    >>> with LocalRuntime(clock=VirtualClock(auto_advance=True)) as runtime:
    ...     info = runtime.start_sync_execution(
    ...         state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:hello",
    ...         definition='{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}',
    ...     )
    ...     info.status
    'SUCCEEDED'
"""

from .clock import Clock, RealClock, VirtualClock
from .errors import StatesError
from .exceptions import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    InvalidDefinition,
    InvalidOutput,
    RuntimeApiError,
    StateMachineDoesNotExist,
    TaskDoesNotExist,
    TaskTimedOut,
)
from .integrations import LambdaContext, LambdaHandler
from .models import (
    ExecutionInfo,
    ExecutionStatus,
    ResolvedStateMachine,
    ServiceCaller,
    StateMachineResolver,
    TaskInvocation,
)
from .runtime import LocalRuntime

__all__ = [
    "Clock",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "ExecutionInfo",
    "ExecutionNotRedrivable",
    "ExecutionStatus",
    "InvalidDefinition",
    "InvalidOutput",
    "LambdaContext",
    "LambdaHandler",
    "LocalRuntime",
    "RealClock",
    "ResolvedStateMachine",
    "RuntimeApiError",
    "ServiceCaller",
    "StateMachineDoesNotExist",
    "StateMachineResolver",
    "StatesError",
    "TaskDoesNotExist",
    "TaskInvocation",
    "TaskTimedOut",
    "VirtualClock",
]
