"""AWS's JSON 1.0 wire protocol for Step Functions: route, parse, serialise, map errors.

A request is ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Operation>`` and a JSON body;
the answer is ``application/x-amz-json-1.0``: the operation's output, or HTTP 400 with
``{"__type": ..., "message": ...}``. :meth:`SfnProtocol.handle` does this without any HTTP
server, so that the local platform can mount the same handler next to the editor on one port.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from wfaib.sfn_local import models
from wfaib.sfn_local.exceptions import (
    SerializationError,
    SfnApiError,
    UnknownOperationError,
    ValidationError,
)
from wfaib.sfn_local.service import StepFunctionsService

__all__ = ["CONTENT_TYPE", "TARGET_PREFIX", "Response", "SfnProtocol"]

CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "AWSStepFunctions."

Response = tuple[int, dict[str, str], bytes]

logger = logging.getLogger(__name__)

# Operation name -> (request model, name of the StepFunctionsService method).
_OPERATIONS: dict[str, tuple[type[BaseModel], str]] = {
    "CreateStateMachine": (models.CreateStateMachineInput, "create_state_machine"),
    "UpdateStateMachine": (models.UpdateStateMachineInput, "update_state_machine"),
    "DescribeStateMachine": (models.DescribeStateMachineInput, "describe_state_machine"),
    "ListStateMachines": (models.ListStateMachinesInput, "list_state_machines"),
    "DeleteStateMachine": (models.DeleteStateMachineInput, "delete_state_machine"),
    "PublishStateMachineVersion": (models.PublishStateMachineVersionInput, "publish_state_machine_version"),
    "ListStateMachineVersions": (models.ListStateMachineVersionsInput, "list_state_machine_versions"),
    "DeleteStateMachineVersion": (models.DeleteStateMachineVersionInput, "delete_state_machine_version"),
    "CreateStateMachineAlias": (models.CreateStateMachineAliasInput, "create_state_machine_alias"),
    "UpdateStateMachineAlias": (models.UpdateStateMachineAliasInput, "update_state_machine_alias"),
    "DescribeStateMachineAlias": (models.DescribeStateMachineAliasInput, "describe_state_machine_alias"),
    "DeleteStateMachineAlias": (models.DeleteStateMachineAliasInput, "delete_state_machine_alias"),
    "ListStateMachineAliases": (models.ListStateMachineAliasesInput, "list_state_machine_aliases"),
    "StartExecution": (models.StartExecutionInput, "start_execution"),
    "StartSyncExecution": (models.StartExecutionInput, "start_sync_execution"),
    "StopExecution": (models.StopExecutionInput, "stop_execution"),
    "DescribeExecution": (models.DescribeExecutionInput, "describe_execution"),
    "DescribeStateMachineForExecution": (
        models.DescribeStateMachineForExecutionInput,
        "describe_state_machine_for_execution",
    ),
    "ListExecutions": (models.ListExecutionsInput, "list_executions"),
    "GetExecutionHistory": (models.GetExecutionHistoryInput, "get_execution_history"),
    "SendTaskSuccess": (models.SendTaskSuccessInput, "send_task_success"),
    "SendTaskFailure": (models.SendTaskFailureInput, "send_task_failure"),
    "SendTaskHeartbeat": (models.SendTaskHeartbeatInput, "send_task_heartbeat"),
    "ValidateStateMachineDefinition": (
        models.ValidateStateMachineDefinitionInput,
        "validate_state_machine_definition",
    ),
    "RedriveExecution": (models.RedriveExecutionInput, "redrive_execution"),
    "TagResource": (models.TagResourceInput, "tag_resource"),
    "UntagResource": (models.UntagResourceInput, "untag_resource"),
    "ListTagsForResource": (models.ListTagsForResourceInput, "list_tags_for_resource"),
}


class SfnProtocol:
    """Turns ``(X-Amz-Target, body)`` into ``(status, headers, body)`` for a service.

    Example:
        >>> status, headers, body = SfnProtocol(service).handle(  # doctest: +SKIP
        ...     "AWSStepFunctions.ListStateMachines", b"{}")
    """

    operations = frozenset(_OPERATIONS)

    def __init__(self, service: StepFunctionsService) -> None:
        self.service = service

    def handle(self, target: str, body: bytes) -> Response:
        """Run one API call and return its HTTP status, headers and body."""
        try:
            result = self._dispatch(target, body)
        except SfnApiError as exc:
            return _error(exc)
        except Exception:
            logger.exception("unexpected failure serving %s", target)
            return _error(SfnApiError("InternalFailure", "An internal error occurred."), status=500)
        return 200, _headers(), json.dumps(result).encode()

    def _dispatch(self, target: str, body: bytes) -> dict[str, Any]:
        operation = target.removeprefix(TARGET_PREFIX)
        if not target.startswith(TARGET_PREFIX) or operation not in _OPERATIONS:
            raise UnknownOperationError(target)
        model, method = _OPERATIONS[operation]
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise SerializationError("The request body is not valid JSON") from exc
        if not isinstance(payload, dict):
            raise SerializationError("The request body must be a JSON object")
        try:
            request = model.model_validate(payload)
        except PydanticValidationError as exc:
            raise ValidationError(_validation_message(exc)) from exc
        handler: Callable[[BaseModel], dict[str, Any]] = getattr(self.service, method)
        return handler(request)


def _error(exc: SfnApiError, status: int | None = None) -> Response:
    body = json.dumps({"__type": exc.type, "message": exc.message}).encode()
    return status or exc.status, _headers(), body


def _headers() -> dict[str, str]:
    return {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": str(uuid.uuid4())}


def _validation_message(exc: PydanticValidationError) -> str:
    """AWS's wording: ``1 validation error detected: Value null at 'name' failed to satisfy ...``."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        value = "null" if error["type"] == "missing" else json.dumps(error.get("input"), default=str)
        constraint = (
            "Member must not be null" if error["type"] == "missing" else f"Member {error['msg'].lower()}"
        )
        parts.append(f"Value {value} at '{where}' failed to satisfy constraint: {constraint}")
    count = len(parts)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(parts)
