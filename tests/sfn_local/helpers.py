"""Definitions and small helpers shared by the boto3 tests."""

from __future__ import annotations

import json
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole"


def asl(states: dict[str, Any], start: str | None = None) -> str:
    """A definition from its states (the first one starts)."""
    return json.dumps({"StartAt": start or next(iter(states)), "States": states})


def pass_result(value: Any) -> str:
    """A one-state machine that outputs ``value``."""
    return asl({"Done": {"Type": "Pass", "Result": value, "End": True}})


def wait_seconds(seconds: int) -> str:
    """A machine that waits (on the virtual clock) and echoes its input."""
    return asl({"Sleep": {"Type": "Wait", "Seconds": seconds, "End": True}})


def callback(function: str = "approve") -> str:
    """A machine that waits for a task token handed to a Lambda handler."""
    return asl(
        {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Arguments": {
                    "FunctionName": function,
                    "Payload": {"token": "{% $states.context.Task.Token %}"},
                },
                "QueryLanguage": "JSONata",
                "End": True,
            }
        }
    )
