"""The wire protocol without HTTP: what SDKs cannot send (unknown targets, broken bodies)."""

from __future__ import annotations

import json

from wfaib.sfn_local import CONTENT_TYPE, SfnLocal


def test_unknown_operation(local: SfnLocal) -> None:
    status, headers, body = local.handle("AWSStepFunctions.Frobnicate", b"{}")

    assert status == 400
    assert headers["Content-Type"] == CONTENT_TYPE
    assert json.loads(body)["__type"] == "com.amazon.coral.service#UnknownOperationException"


def test_body_that_is_not_a_json_object(local: SfnLocal) -> None:
    broken = local.handle("AWSStepFunctions.ListStateMachines", b"{nope")
    array = local.handle("AWSStepFunctions.ListStateMachines", b"[]")

    assert [json.loads(r[2])["__type"].split("#")[1] for r in (broken, array)] == [
        "SerializationException"
    ] * 2


def test_service_errors_use_the_step_functions_namespace(local: SfnLocal) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:none"
    status, _, body = local.handle(
        "AWSStepFunctions.DescribeStateMachine", json.dumps({"stateMachineArn": arn}).encode()
    )

    assert status == 400
    assert json.loads(body) == {
        "__type": "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist",
        "message": f"State Machine Does Not Exist: '{arn}'",
    }


def test_validation_errors_name_the_member(local: SfnLocal) -> None:
    status, _, body = local.handle("AWSStepFunctions.ListStateMachines", b'{"maxResults": 5000}')

    error = json.loads(body)
    assert status == 400
    assert error["__type"] == "com.amazon.coral.validate#ValidationException"
    assert error["message"].startswith("1 validation error detected: Value 5000 at 'maxResults'")
