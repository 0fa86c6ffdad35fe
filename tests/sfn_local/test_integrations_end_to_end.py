"""A state machine created and run through boto3 whose Tasks call moto: errors caught by name."""

from __future__ import annotations

import json
import uuid

from botocore.client import BaseClient

from wfaib.sfn_local import SfnLocal

from .helpers import ROLE, asl


def test_catch_dynamodb_condition_failure_by_name(
    sfn: BaseClient, local: SfnLocal, aws: dict[str, BaseClient]
) -> None:
    table = f"orders-{uuid.uuid4().hex[:8]}"
    aws["dynamodb"].create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    put = {
        "TableName": table,
        "Item": {"pk": {"S.$": "$.id"}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    definition = asl(
        {
            "Insert": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": put,
                "ResultPath": None,
                "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "Next": "Duplicate"}],
                "Next": "Read",
            },
            "Read": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                "Parameters": {"TableName": table, "Key": {"pk": {"S.$": "$.id"}}},
                "ResultSelector": {"stored.$": "$.Item.pk.S"},
                "End": True,
            },
            "Duplicate": {"Type": "Pass", "Result": "duplicate", "End": True},
        }
    )
    machine = sfn.create_state_machine(name="insert-once", definition=definition, roleArn=ROLE)[
        "stateMachineArn"
    ]

    first = sfn.start_execution(stateMachineArn=machine, input='{"id": "o-1"}')["executionArn"]
    local.runtime.wait(first, timeout=10)
    second = sfn.start_execution(stateMachineArn=machine, input='{"id": "o-1"}')["executionArn"]
    local.runtime.wait(second, timeout=10)

    assert json.loads(sfn.describe_execution(executionArn=first)["output"]) == {"stored": "o-1"}
    assert json.loads(sfn.describe_execution(executionArn=second)["output"]) == "duplicate"
    history = sfn.get_execution_history(executionArn=second)["events"]
    failed = next(e for e in history if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    assert failed["error"] == "DynamoDB.ConditionalCheckFailedException"


def test_nested_execution_through_an_alias(sfn: BaseClient, local: SfnLocal) -> None:
    child = sfn.create_state_machine(
        name="child",
        definition=asl({"Out": {"Type": "Pass", "Result": "from v1", "End": True}}),
        roleArn=ROLE,
        publish=True,
    )
    sfn.update_state_machine(
        stateMachineArn=child["stateMachineArn"],
        definition=asl({"Out": {"Type": "Pass", "Result": "draft", "End": True}}),
    )
    alias = sfn.create_state_machine_alias(
        name="live",
        routingConfiguration=[{"stateMachineVersionArn": child["stateMachineVersionArn"], "weight": 100}],
    )["stateMachineAliasArn"]
    parent = asl(
        {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": alias, "Input": {}},
                "OutputPath": "$.Output",
                "End": True,
            }
        }
    )
    machine = sfn.create_state_machine(name="parent", definition=parent, roleArn=ROLE)["stateMachineArn"]

    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    local.runtime.wait(arn, timeout=10)

    assert json.loads(sfn.describe_execution(executionArn=arn)["output"]) == "from v1"


def test_human_approval_through_an_sqs_callback(
    sfn: BaseClient, local: SfnLocal, aws: dict[str, BaseClient]
) -> None:
    queue_url = aws["sqs"].create_queue(QueueName=f"approvals-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    definition = asl(
        {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url,
                    "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"},
                },
                "End": True,
            }
        }
    )
    machine = sfn.create_state_machine(name="approve", definition=definition, roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input='{"order": 42}')["executionArn"]

    message = aws["sqs"].receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)["Messages"][0]
    request = json.loads(message["Body"])
    sfn.send_task_success(taskToken=request["token"], output='{"approved": true}')
    local.runtime.wait(arn, timeout=10)

    assert request["order"] == 42
    assert json.loads(sfn.describe_execution(executionArn=arn)["output"]) == {"approved": True}
