"""The boto3 service caller against a moto server: aws-sdk and optimized integrations."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from botocore.client import BaseClient

from state_machines.runtime.errors import StatesError
from state_machines.runtime.models import TaskInvocation
from wfaib.local.aws_integrations import AwsIntegrationSettings, AwsServiceCaller, sdk_service_error_prefix

EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"


@pytest.fixture
def caller(moto_endpoint: str) -> AwsServiceCaller:
    return AwsServiceCaller(
        AwsIntegrationSettings(
            endpoint_url=moto_endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    )


def call(caller: AwsServiceCaller, resource: str, arguments: dict[str, Any]) -> Any:
    invocation = TaskInvocation(
        execution_arn=EXECUTION_ARN,
        state_name="Task",
        attempt=1,
        task_token=None,
        idempotency_key="k",
        region="us-east-1",
        account_id="123456789012",
    )
    return asyncio.run(caller(resource, arguments, invocation))


@pytest.fixture
def table(aws: dict[str, BaseClient]) -> str:
    name = f"t-{uuid.uuid4().hex[:8]}"
    aws["dynamodb"].create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_error_prefix_follows_java_sdk_client_names() -> None:
    assert sdk_service_error_prefix("DynamoDB") == "DynamoDb"
    assert sdk_service_error_prefix("SFN") == "Sfn"
    assert sdk_service_error_prefix("EventBridge") == "EventBridge"
    assert sdk_service_error_prefix("ACM PCA") == "AcmPca"
    assert sdk_service_error_prefix("CloudWatch Logs") == "CloudWatchLogs"


def test_aws_sdk_dynamodb_put_then_get_returns_pascal_case_without_metadata(
    caller: AwsServiceCaller, table: str
) -> None:
    item = {"pk": {"S": "a"}, "n": {"N": "3"}}
    put = call(caller, "arn:aws:states:::aws-sdk:dynamodb:putItem", {"TableName": table, "Item": item})
    got = call(
        caller, "arn:aws:states:::aws-sdk:dynamodb:getItem", {"TableName": table, "Key": {"pk": {"S": "a"}}}
    )

    assert put == {}
    assert got == {"Item": item}


def test_aws_sdk_condition_failure_is_named_like_step_functions(caller: AwsServiceCaller, table: str) -> None:
    arguments = {
        "TableName": table,
        "Item": {"pk": {"S": "a"}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    call(caller, "arn:aws:states:::aws-sdk:dynamodb:putItem", arguments)

    with pytest.raises(StatesError) as caught:
        call(caller, "arn:aws:states:::aws-sdk:dynamodb:putItem", arguments)

    assert caught.value.error == "DynamoDb.ConditionalCheckFailedException"
    assert caught.value.cause is not None
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in caught.value.cause


def test_optimized_dynamodb_condition_failure_and_sdk_metadata(caller: AwsServiceCaller, table: str) -> None:
    arguments = {
        "TableName": table,
        "Item": {"pk": {"S": "b"}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    first = call(caller, "arn:aws:states:::dynamodb:putItem", arguments)

    with pytest.raises(StatesError) as caught:
        call(caller, "arn:aws:states:::dynamodb:putItem", arguments)

    assert first["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert "RequestId" in first["SdkResponseMetadata"]
    assert caught.value.error == "DynamoDB.ConditionalCheckFailedException"
    assert caught.value.cause is not None
    assert "Error Code: ConditionalCheckFailedException" in caught.value.cause


def test_optimized_dynamodb_update_get_delete(caller: AwsServiceCaller, table: str) -> None:
    key = {"pk": {"S": "c"}}
    call(
        caller,
        "arn:aws:states:::dynamodb:updateItem",
        {
            "TableName": table,
            "Key": key,
            "UpdateExpression": "SET hits = :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        },
    )
    got = call(caller, "arn:aws:states:::dynamodb:getItem", {"TableName": table, "Key": key})
    call(caller, "arn:aws:states:::dynamodb:deleteItem", {"TableName": table, "Key": key})
    gone = call(caller, "arn:aws:states:::dynamodb:getItem", {"TableName": table, "Key": key})

    assert got["Item"] == {"pk": {"S": "c"}, "hits": {"N": "1"}}
    assert "Item" not in gone


def test_optimized_sqs_send_serialises_a_json_body(
    caller: AwsServiceCaller, aws: dict[str, BaseClient]
) -> None:
    queue_url = aws["sqs"].create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]

    sent = call(
        caller, "arn:aws:states:::sqs:sendMessage", {"QueueUrl": queue_url, "MessageBody": {"order": 7}}
    )
    received = aws["sqs"].receive_message(QueueUrl=queue_url)["Messages"]

    assert sent["MessageId"] == received[0]["MessageId"]
    assert json.loads(received[0]["Body"]) == {"order": 7}


def test_aws_sdk_sqs_error_uses_the_error_shape_name(caller: AwsServiceCaller) -> None:
    with pytest.raises(StatesError) as caught:
        call(caller, "arn:aws:states:::aws-sdk:sqs:getQueueUrl", {"QueueName": "does-not-exist"})

    assert caught.value.error == "Sqs.QueueDoesNotExistException"


def test_optimized_sns_publish(caller: AwsServiceCaller, aws: dict[str, BaseClient]) -> None:
    topic = aws["sns"].create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]

    published = call(
        caller, "arn:aws:states:::sns:publish", {"TopicArn": topic, "Message": {"hello": "world"}}
    )

    assert published["MessageId"]
    assert published["SdkHttpMetadata"]["HttpStatusCode"] == 200


def test_optimized_event_bridge_put_events_appends_execution_resources(
    caller: AwsServiceCaller, aws: dict[str, BaseClient], moto_endpoint: str
) -> None:
    queue_url = aws["sqs"].create_queue(QueueName=f"e-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = aws["sqs"].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    rule = f"r-{uuid.uuid4().hex[:8]}"
    aws["events"].put_rule(Name=rule, EventPattern=json.dumps({"source": [rule]}))
    aws["events"].put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": queue_arn}])

    result = call(
        caller,
        "arn:aws:states:::events:putEvents",
        {"Entries": [{"Source": rule, "DetailType": "order.placed", "Detail": {"id": 1}}]},
    )
    delivered = json.loads(aws["sqs"].receive_message(QueueUrl=queue_url)["Messages"][0]["Body"])

    assert result["FailedEntryCount"] == 0
    assert result["Entries"][0]["EventId"]
    assert delivered["detail"] == {"id": 1}
    assert delivered["resources"] == [
        EXECUTION_ARN,
        "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
    ]


def test_aws_sdk_s3_put_then_get_object_returns_the_body_as_text(
    caller: AwsServiceCaller, aws: dict[str, BaseClient]
) -> None:
    bucket = f"b-{uuid.uuid4().hex[:8]}"
    aws["s3"].create_bucket(Bucket=bucket)

    put = call(
        caller, "arn:aws:states:::aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "k.json", "Body": "{}"}
    )
    got = call(caller, "arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "k.json"})

    assert put["ETag"]
    assert got["Body"] == "{}"
    assert got["ContentLength"] == 2
    assert isinstance(got["LastModified"], str)


def test_aws_sdk_s3_missing_key_gets_the_exception_suffix(
    caller: AwsServiceCaller, aws: dict[str, BaseClient]
) -> None:
    bucket = f"b-{uuid.uuid4().hex[:8]}"
    aws["s3"].create_bucket(Bucket=bucket)

    with pytest.raises(StatesError) as caught:
        call(caller, "arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "missing"})

    assert caught.value.error == "S3.NoSuchKeyException"


def test_aws_sdk_accepts_pascal_case_for_camel_case_apis(caller: AwsServiceCaller) -> None:
    result = call(caller, "arn:aws:states:::aws-sdk:sfn:listStateMachines", {"MaxResults": 5})

    assert result == {"StateMachines": []}


def test_unknown_actions_and_resources_fail_as_runtime_errors(caller: AwsServiceCaller) -> None:
    with pytest.raises(StatesError) as unknown_action:
        call(caller, "arn:aws:states:::aws-sdk:dynamodb:frobnicate", {})
    with pytest.raises(StatesError) as unknown_service:
        call(caller, "arn:aws:states:::aws-sdk:nosuchservice:doThing", {})
    with pytest.raises(StatesError) as unknown_optimized:
        call(caller, "arn:aws:states:::dynamodb:scan", {})

    assert {unknown_action.value.error, unknown_service.value.error, unknown_optimized.value.error} == {
        "States.Runtime"
    }
