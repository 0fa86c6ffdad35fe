"""AWS-native nodes compile to service integrations and run, with no Lambda, against emulated AWS."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from golden.golden_cases import CASES_DIR, CATALOG
from moto.server import ThreadedMotoServer

from state_machines.compiler import compile_workflow
from state_machines.model import Workflow
from state_machines.runtime import LocalRuntime, VirtualClock
from wfaib.local.aws_integrations import AwsIntegrationSettings, AwsServiceCaller

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def aws_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_service_nodes_call_dynamodb_sqs_and_eventbridge_without_a_lambda(aws_endpoint: str) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=aws_endpoint, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=aws_endpoint, **CREDENTIALS)
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sqs.create_queue(QueueName="orders")
    workflow = Workflow.model_validate(
        json.loads((CASES_DIR / "service-integrations" / "workflow.json").read_text())
    )
    compiled = compile_workflow(workflow, CATALOG)
    caller = AwsServiceCaller(
        AwsIntegrationSettings(
            endpoint_url=aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    )

    with LocalRuntime(clock=VirtualClock(auto_advance=True), service_caller=caller) as runtime:
        info = runtime.start_execution(
            state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:services",
            definition=compiled.asl,
            input=json.dumps({"source": "shop.orders", "detail": {"id": "o-42", "total": 10}}),
        )
        info = runtime.wait(info.execution_arn, timeout=30)
        history = runtime.get_execution_history(info.execution_arn)

    assert info.status == "SUCCEEDED", info.cause
    assert dynamodb.get_item(TableName="orders", Key={"pk": {"S": "o-42"}})["Item"] == {"pk": {"S": "o-42"}}
    queue_url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert json.loads(messages[0]["Body"]) == {"id": "o-42", "total": 10}
    assert json.loads(info.output or "{}")["FailedEntryCount"] == 0
    assert not [e for e in history if e["type"].startswith("LambdaFunction")]
    resources = [
        e["taskScheduledEventDetails"]["resourceType"] for e in history if e["type"] == "TaskScheduled"
    ]
    assert resources == ["dynamodb", "sqs", "events"]
