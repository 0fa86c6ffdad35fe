"""What a state machine, version or alias ARN runs: a definition, and how it was reached.

StartExecution, StartSyncExecution and the runtime's nested ``states:startExecution`` tasks all
resolve ARNs here, so an alias routes the same way whichever of them starts the execution.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from state_machines.runtime.models import ResolvedStateMachine
from wfaib.sfn_local.arns import parse_state_machine_arn
from wfaib.sfn_local.exceptions import SfnApiError
from wfaib.sfn_local.registry import AliasRecord, Registry, RoutingEntry, StateMachineRecord, VersionRecord

__all__ = ["ExecutionTarget", "StateMachineTargets", "weighted_choice"]

StateMachineType = Literal["STANDARD", "EXPRESS"]
Chooser = Callable[[tuple[RoutingEntry, ...]], RoutingEntry]


def weighted_choice(routing: tuple[RoutingEntry, ...]) -> RoutingEntry:
    """Pick a routing entry with probability weight/100, as an alias does in AWS."""
    return random.choices(routing, weights=[entry.weight for entry in routing])[0]


@dataclass(frozen=True)
class ExecutionTarget:
    """The state machine an execution runs, with the version and alias it came through."""

    machine: StateMachineRecord
    version: VersionRecord | None = None
    alias: AliasRecord | None = None

    @property
    def definition(self) -> str:
        """The ASL that runs: the version's if there is one, else the current revision's."""
        return self.version.definition if self.version else self.machine.definition

    @property
    def role_arn(self) -> str:
        """The execution role that goes with the definition."""
        return self.version.role_arn if self.version else self.machine.role_arn

    @property
    def type(self) -> StateMachineType:
        """STANDARD or EXPRESS."""
        return "EXPRESS" if self.machine.type == "EXPRESS" else "STANDARD"


class StateMachineTargets:
    """Resolves ARNs against the registry; ``choose`` picks among an alias's versions.

    Example:
        >>> targets = StateMachineTargets(registry)  # doctest: +SKIP
        >>> targets.target(f"{machine_arn}:prod").version.arn  # doctest: +SKIP
        'arn:aws:states:us-east-1:123456789012:stateMachine:orders:2'
    """

    def __init__(self, registry: Registry, choose: Chooser = weighted_choice) -> None:
        self.registry = registry
        self.choose = choose

    def target(self, arn: str) -> ExecutionTarget:
        """The target of a state machine / version / alias ARN, or ``StateMachineDoesNotExist``."""
        parsed = parse_state_machine_arn(arn)
        machine = self.registry.get_state_machine(parsed.base_arn)
        if parsed.version is not None:
            return ExecutionTarget(machine, version=self.registry.get_version(arn))
        if parsed.alias is not None:
            try:
                alias = self.registry.get_alias(arn)
            except SfnApiError as exc:
                raise SfnApiError(
                    "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'"
                ) from exc
            entry = self.choose(alias.routing)
            return ExecutionTarget(
                machine, version=self.registry.get_version(entry.state_machine_version_arn), alias=alias
            )
        return ExecutionTarget(machine)

    def resolve(self, arn: str) -> ResolvedStateMachine | None:
        """The runtime's resolver (nested executions): ``None`` when the ARN names nothing."""
        try:
            target = self.target(arn)
        except SfnApiError:
            return None
        return ResolvedStateMachine(
            arn=target.machine.arn, definition=target.definition, type=target.type, name=target.machine.name
        )
