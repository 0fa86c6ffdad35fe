"""The platform functions' only way to Step Functions: boto3, pointed at the local endpoint when one is set.

Locally ``Settings.stepfunctions_endpoint`` is the local Step Functions API, so the same calls run
on a laptop and in AWS. Naming: one state machine per tenant and workflow
(``<prefix>-<tenant>-<workflow>``), one published version per published workflow version, and one
alias per environment (``dev``, ``staging``, ``prod``).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from functions.shared import Settings

__all__ = [
    "decode_json",
    "describe_execution",
    "execution_arn",
    "execution_history",
    "point_alias",
    "publish_version",
    "send_task_failure",
    "send_task_success",
    "start_execution",
    "start_sync_execution",
    "state_machine_arn",
    "stop_execution",
]

_MAX_NAME = 80


def state_machine_name(prefix: str, tenant_id: str, workflow_id: str) -> str:
    """``<prefix>-<tenant>-<workflow>``, shortened with a hash when it would pass AWS's 80 characters."""
    name = f"{prefix}-{tenant_id}-{workflow_id}"
    if len(name) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{name[: _MAX_NAME - 13]}-{digest}"


def state_machine_arn(settings: Settings, tenant_id: str, workflow_id: str) -> str:
    name = state_machine_name(settings.resource_prefix, tenant_id, workflow_id)
    return f"arn:aws:states:{settings.region}:{settings.account_id}:stateMachine:{name}"


@cache
def _client(endpoint: str | None, region: str, key_id: str | None, secret: str | None) -> Any:
    # Made by the botocore session of the table's connection, which has loaded botocore's data
    # files already (every start reads the table first): a webhook's first request pays for the
    # Step Functions model only, and boto3 is not imported at all.
    from functions.shared.models import table_connection

    return table_connection().session.create_client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        # StartSyncExecution would otherwise go to a ``sync-`` host the local endpoint does not have.
        config=Config(inject_host_prefix=endpoint is None, retries={"max_attempts": 2, "mode": "standard"}),
    )


def client(settings: Settings) -> Any:
    """The Step Functions client for ``settings`` (one per endpoint, reused across invocations)."""
    return _client(
        settings.stepfunctions_endpoint,
        settings.region,
        settings.aws_access_key_id.get_secret_value() if settings.aws_access_key_id else None,
        settings.aws_secret_access_key.get_secret_value() if settings.aws_secret_access_key else None,
    )


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def publish_version(
    settings: Settings,
    tenant_id: str,
    workflow_id: str,
    asl: str,
    *,
    execution_type: str,
    version: int,
) -> tuple[str, str]:
    """Create or update the workflow's state machine and publish a version: ``(machine ARN, version ARN)``."""
    sfn = client(settings)
    arn = state_machine_arn(settings, tenant_id, workflow_id)
    description = f"{workflow_id} v{version}"
    try:
        published = sfn.update_state_machine(
            stateMachineArn=arn,
            definition=asl,
            roleArn=settings.state_machine_role_arn,
            publish=True,
            versionDescription=description,
        )
    except ClientError as exc:
        if _error_code(exc) != "StateMachineDoesNotExist":
            raise
        published = sfn.create_state_machine(
            name=arn.rsplit(":", 1)[1],
            definition=asl,
            roleArn=settings.state_machine_role_arn,
            type="EXPRESS" if execution_type == "EXPRESS" else "STANDARD",
            publish=True,
            versionDescription=description,
            tags=[
                {"key": "wfaib:tenant", "value": tenant_id},
                {"key": "wfaib:workflow", "value": workflow_id},
            ],
        )
    return arn, str(published["stateMachineVersionArn"])


def point_alias(settings: Settings, machine_arn: str, environment: str, version_arn: str) -> str:
    """Create or move the environment's alias to ``version_arn``; the alias ARN."""
    sfn = client(settings)
    alias_arn = f"{machine_arn}:{environment}"
    routing = [{"stateMachineVersionArn": version_arn, "weight": 100}]
    try:
        sfn.update_state_machine_alias(stateMachineAliasArn=alias_arn, routingConfiguration=routing)
    except ClientError as exc:
        if _error_code(exc) != "ResourceNotFound":
            raise
        created = sfn.create_state_machine_alias(name=environment, routingConfiguration=routing)
        alias_arn = str(created["stateMachineAliasArn"])
    return alias_arn


def start_execution(settings: Settings, alias_arn: str, name: str, input_document: Any) -> str:
    """Start a run on an environment's alias; the execution ARN."""
    started = client(settings).start_execution(
        stateMachineArn=alias_arn, name=name, input=json.dumps(input_document)
    )
    return str(started["executionArn"])


def start_sync_execution(
    settings: Settings, alias_arn: str, name: str, input_document: Any
) -> dict[str, Any]:
    """Run an Express workflow to the end (Express executions cannot be described later)."""
    result: dict[str, Any] = client(settings).start_sync_execution(
        stateMachineArn=alias_arn, name=name, input=json.dumps(input_document)
    )
    return result


def execution_arn(machine_arn: str, name: str) -> str:
    """The ARN Step Functions gives the execution ``name`` of a state machine (Standard)."""
    return f"{machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"


def describe_execution(settings: Settings, execution_arn: str) -> dict[str, Any]:
    described: dict[str, Any] = client(settings).describe_execution(executionArn=execution_arn)
    return described


def execution_history(settings: Settings, execution_arn: str) -> list[dict[str, Any]]:
    """Every history event, oldest first (all pages)."""
    paginator = client(settings).get_paginator("get_execution_history")
    events: list[dict[str, Any]] = []
    for page in paginator.paginate(executionArn=execution_arn, includeExecutionData=True):
        events.extend(page["events"])
    return events


def stop_execution(settings: Settings, execution_arn: str, *, cause: str) -> None:
    client(settings).stop_execution(executionArn=execution_arn, error="Cancelled", cause=cause)


def redrive_execution(settings: Settings, execution_arn: str) -> None:
    """Run a failed, timed-out or aborted execution again from the states that did not succeed."""
    client(settings).redrive_execution(executionArn=execution_arn)


def send_task_success(settings: Settings, task_token: str, output: Any) -> None:
    """Resume a task waiting for ``task_token`` with ``output`` (its result)."""
    client(settings).send_task_success(taskToken=task_token, output=json.dumps(output))


def send_task_failure(settings: Settings, task_token: str, *, error: str, cause: str) -> None:
    """Fail a task waiting for ``task_token`` with ``error`` (what a ``Catch`` matches)."""
    client(settings).send_task_failure(taskToken=task_token, error=error, cause=cause)


def decode_json(text: Any) -> Any:
    """An execution's ``output``/``input`` string as JSON (as it was, when it is not JSON)."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
