"""The JSON shapes of the API's answers: executions, history events, descriptions, diagnostics.

Timestamps are epoch seconds (what the JSON 1.0 protocol carries and SDKs turn into datetimes);
members follow AWS's output shapes, optional ones left out rather than set to null.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from state_machines.asl import Diagnostic
from state_machines.runtime.models import ExecutionInfo
from wfaib.sfn_local.registry import StateMachineRecord

__all__ = [
    "config_members",
    "diagnostic",
    "epoch",
    "execution_description",
    "execution_list_item",
    "history_event",
    "state_machine_description",
    "with_token",
]


def config_members(config: dict[str, Any]) -> dict[str, Any]:
    """Logging, tracing and encryption settings, with AWS's defaults for what was never set."""
    return {
        "loggingConfiguration": config.get(
            "loggingConfiguration", {"level": "OFF", "includeExecutionData": False}
        ),
        "tracingConfiguration": config.get("tracingConfiguration", {"enabled": False}),
        "encryptionConfiguration": config.get("encryptionConfiguration", {"type": "AWS_OWNED_KEY"}),
    }


def state_machine_description(
    machine: StateMachineRecord, arn: str, definition: str, role_arn: str, revision_id: str | None
) -> dict[str, Any]:
    """DescribeStateMachine's answer for a state machine or one of its versions."""
    result: dict[str, Any] = {
        "stateMachineArn": arn,
        "name": machine.name,
        "status": "ACTIVE",
        "definition": definition,
        "roleArn": role_arn,
        "type": machine.type,
        "creationDate": machine.creation_date,
        **config_members(machine.config),
    }
    if revision_id is not None:
        result["revisionId"] = revision_id
    return result


def epoch(moment: datetime) -> float:
    """A timestamp as the JSON 1.0 protocol carries it."""
    return moment.timestamp()


def with_token(result: dict[str, Any], token: str | None) -> dict[str, Any]:
    """Add ``nextToken`` when there is a next page."""
    if token is not None:
        result["nextToken"] = token
    return result


def _redrive_status(info: ExecutionInfo) -> tuple[str, str | None]:
    if info.type == "EXPRESS":
        return "NOT_REDRIVABLE", "Execution is of type EXPRESS and cannot be redriven"
    if info.status in ("FAILED", "TIMED_OUT", "ABORTED"):
        return "REDRIVABLE", None
    return "NOT_REDRIVABLE", f"Execution is {info.status} and cannot be redriven"


def execution_description(info: ExecutionInfo, include_data: bool) -> dict[str, Any]:
    """DescribeExecution's answer (StartSyncExecution's, less the redrive members)."""
    result: dict[str, Any] = {
        "executionArn": info.execution_arn,
        "stateMachineArn": info.state_machine_arn,
        "name": info.name,
        "status": info.status,
        "startDate": epoch(info.start_date),
    }
    if info.stop_date is not None:
        result["stopDate"] = epoch(info.stop_date)
    if include_data:
        result["input"] = info.input
        result["inputDetails"] = {"included": True}
        if info.output is not None:
            result["output"] = info.output
            result["outputDetails"] = {"included": True}
    if info.error is not None:
        result["error"] = info.error
    if info.cause is not None:
        result["cause"] = info.cause
    if info.state_machine_version_arn is not None:
        result["stateMachineVersionArn"] = info.state_machine_version_arn
    if info.state_machine_alias_arn is not None:
        result["stateMachineAliasArn"] = info.state_machine_alias_arn
    result["redriveCount"] = info.redrive_count
    if info.redrive_date is not None:
        result["redriveDate"] = epoch(info.redrive_date)
    status, reason = _redrive_status(info)
    result["redriveStatus"] = status
    if reason is not None:
        result["redriveStatusReason"] = reason
    return result


def execution_list_item(info: ExecutionInfo) -> dict[str, Any]:
    """One ``ExecutionListItem`` of ListExecutions."""
    item: dict[str, Any] = {
        "executionArn": info.execution_arn,
        "stateMachineArn": info.state_machine_arn,
        "name": info.name,
        "status": info.status,
        "startDate": epoch(info.start_date),
    }
    if info.stop_date is not None:
        item["stopDate"] = epoch(info.stop_date)
    if info.state_machine_version_arn is not None:
        item["stateMachineVersionArn"] = info.state_machine_version_arn
    if info.state_machine_alias_arn is not None:
        item["stateMachineAliasArn"] = info.state_machine_alias_arn
    if info.redrive_count:
        item["redriveCount"] = info.redrive_count
    if info.redrive_date is not None:
        item["redriveDate"] = epoch(info.redrive_date)
    return item


_DATA_MEMBERS = ("input", "output")


def history_event(event: dict[str, Any], include_data: bool) -> dict[str, Any]:
    """An event as JSON: timestamps to epoch seconds, data dropped when not wanted (AWS's way)."""
    result: dict[str, Any] = {}
    for key, value in event.items():
        if isinstance(value, datetime):
            result[key] = epoch(value)
        elif isinstance(value, dict) and key.endswith("EventDetails"):
            details = dict(value)
            if not include_data:
                for member in _DATA_MEMBERS:
                    details.pop(member, None)
            result[key] = details
        else:
            result[key] = value
    return result


def diagnostic(found: Diagnostic) -> dict[str, Any]:
    """A validator diagnostic as ValidateStateMachineDefinition reports it."""
    result: dict[str, Any] = {
        "severity": found.severity,
        "code": found.code,
        "message": found.message,
    }
    if found.location:
        result["location"] = found.location
    return result
