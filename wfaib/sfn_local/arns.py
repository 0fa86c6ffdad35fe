"""Step Functions ARNs in AWS's format, and the name rules AWS applies to what they contain.

``arn:aws:states:<region>:<account>:stateMachine:<name>`` names a state machine; a numeric
qualifier (``:3``) names one of its versions and any other qualifier (``:prod``) an alias.
Executions are ``...:execution:<machine>:<name>``; express executions ``...:express:<machine>:
<name>:<uuid>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wfaib.sfn_local.exceptions import SfnApiError

__all__ = [
    "ArnFactory",
    "ParsedExecutionArn",
    "ParsedStateMachineArn",
    "check_alias_name",
    "check_name",
    "invalid_arn",
    "parse_execution_arn",
    "parse_state_machine_arn",
]

# AWS: 1-80 characters, none of whitespace, brackets, wildcards, these specials or control codes.
_NAME_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
# AWS: letters, digits, '_', '-', '.'; at least one non-digit so that it never reads as a version.
_ALIAS_NAME = re.compile(r"^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$")
_STATE_MACHINE_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):stateMachine:"
    r"(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?$"
)
_EXECUTION_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>execution|express):(?P<machine>[^:]+):(?P<name>[^:]+)(?::(?P<uuid>[^:]+))?$"
)


@dataclass(frozen=True)
class ParsedStateMachineArn:
    """The parts of a state machine, version or alias ARN."""

    name: str
    qualifier: str | None
    base_arn: str

    @property
    def version(self) -> int | None:
        """The version number when the qualifier is numeric."""
        return int(self.qualifier) if self.qualifier is not None and self.qualifier.isdigit() else None

    @property
    def alias(self) -> str | None:
        """The alias name when the qualifier is not numeric."""
        return self.qualifier if self.qualifier is not None and not self.qualifier.isdigit() else None


@dataclass(frozen=True)
class ParsedExecutionArn:
    """The parts of an execution ARN."""

    machine: str
    name: str
    express: bool


def invalid_arn(arn: str) -> SfnApiError:
    """AWS's ``InvalidArn`` for an ARN of the wrong kind or shape."""
    return SfnApiError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")


def parse_state_machine_arn(arn: str) -> ParsedStateMachineArn:
    """Split a state machine / version / alias ARN, raising AWS's ``InvalidArn`` otherwise.

    Example:
        >>> parse_state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:orders:2").version
        2
    """
    match = _STATE_MACHINE_ARN.match(arn)
    if match is None:
        raise invalid_arn(arn)
    base = arn if match["qualifier"] is None else arn.rsplit(":", 1)[0]
    return ParsedStateMachineArn(name=match["name"], qualifier=match["qualifier"], base_arn=base)


def parse_execution_arn(arn: str) -> ParsedExecutionArn:
    """Split an execution ARN (standard or express), raising ``InvalidArn`` otherwise."""
    match = _EXECUTION_ARN.match(arn)
    if match is None:
        raise invalid_arn(arn)
    return ParsedExecutionArn(
        machine=match["machine"], name=match["name"], express=match["kind"] == "express"
    )


def check_name(name: str, what: str = "Name") -> None:
    """Raise ``InvalidName`` unless ``name`` is a valid state machine or execution name."""
    if not 1 <= len(name) <= 80 or _NAME_FORBIDDEN.search(name):
        raise SfnApiError("InvalidName", f"Invalid {what}: '{name}'")


def check_alias_name(name: str) -> None:
    """Raise ``InvalidName`` unless ``name`` is a valid alias name."""
    if not _ALIAS_NAME.match(name):
        raise SfnApiError("InvalidName", f"Invalid Alias Name: '{name}'")


@dataclass(frozen=True)
class ArnFactory:
    """Builds ARNs for one region and account, as AWS spells them.

    Example:
        >>> ArnFactory("us-east-1", "123456789012").state_machine("orders")
        'arn:aws:states:us-east-1:123456789012:stateMachine:orders'
    """

    region: str
    account_id: str
    partition: str = "aws"

    def state_machine(self, name: str) -> str:
        """The ARN of the state machine ``name``."""
        return f"arn:{self.partition}:states:{self.region}:{self.account_id}:stateMachine:{name}"

    def qualified(self, state_machine_arn: str, qualifier: str | int) -> str:
        """A version (``:3``) or alias (``:prod``) ARN of a state machine."""
        return f"{state_machine_arn}:{qualifier}"
