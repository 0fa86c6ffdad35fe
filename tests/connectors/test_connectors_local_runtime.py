"""Local mode end to end: the local ASL runtime invokes connector functions as Step Functions would.

Given Secrets Manager and S3 served by moto over HTTP and a fake Slack, when a state machine
shaped like the compiler's output (``lambda:invoke``, ``Output: {% $states.result.Payload %}``)
runs, then credentials are fetched by reference, large outputs become claim-check references,
and a connector error reaches ``Catch`` under its class name with no secret in the cause.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from fakes.slack import VALID_TOKEN, FakeSlack
from moto.server import ThreadedMotoServer

from connectors.sdk.local import connector_lambdas
from state_machines.runtime import LocalRuntime

SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:connectors-local"


@pytest.fixture
def moto_endpoint(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    try:
        yield endpoint
    finally:
        server.stop()


def _task(action: str, node: str, params: dict[str, Any], nxt: str | None) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {
            "FunctionName": f"wfaib-local-connector-{action.split('.', maxsplit=1)[0]}",
            "Payload": {
                "action": action,
                "version": 1,
                "params": params,
                "credential": "{% $states.input.credential %}",
                "idempotency_key": "{% $states.context.Execution.Id & '/" + node + "' %}",
                "execution_id": "{% $states.context.Execution.Id %}",
                "node_id": node,
            },
        },
        "Output": "{% $merge([$states.input, {'" + node + "': $states.result.Payload}]) %}",
        "Catch": [
            {"ErrorEquals": ["AuthError"], "Next": "AuthFailed", "Output": "{% $states.errorOutput %}"}
        ],
    }
    if nxt:
        state["Next"] = nxt
    else:
        state["End"] = True
    return state


DEFINITION = {
    "QueryLanguage": "JSONata",
    "StartAt": "post",
    "States": {
        "post": _task("slack.post_message", "post", {"channel": "C00000001", "text": "deployed"}, "channels"),
        "channels": _task("slack.list_channels", "channels", {"limit": 2}, None),
        "AuthFailed": {"Type": "Pass", "End": True},
    },
}


def _run(runtime: LocalRuntime, name: str, credential: str) -> Any:
    info = runtime.start_execution(
        state_machine_arn=SM_ARN,
        definition=json.dumps(DEFINITION),
        input=json.dumps({"credential": credential}),
        name=name,
    )
    info = runtime.wait(info.execution_arn, timeout=30)
    assert info.status == "SUCCEEDED", (info.error, info.cause)
    return json.loads(info.output or "null")


def test_compiled_shape_runs_locally_with_secrets_claim_check_and_catch(moto_endpoint: str) -> None:
    with FakeSlack() as slack:
        secrets = boto3.client("secretsmanager")
        secrets.create_secret(
            Name="wfaib/local/slack", SecretString=json.dumps({"token": VALID_TOKEN, "base_url": slack.url})
        )
        secrets.create_secret(
            Name="wfaib/local/slack-bad",
            SecretString=json.dumps({"token": "xoxb-bad-secret-value", "base_url": slack.url}),
        )
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="wfaib-local-payloads")
        env = {"WFAIB_CLAIM_CHECK_BUCKET": "wfaib-local-payloads", "WFAIB_CLAIM_CHECK_THRESHOLD": "300"}
        with LocalRuntime(lambda_handlers=connector_lambdas("wfaib-local", env=env)) as runtime:
            output = _run(runtime, "good", "wfaib/local/slack")
            assert output["post"] == {"channel": "C00000001", "ts": "1700000000.000001"}
            ref = output["channels"]["$claim_check"]
            stored = json.loads(s3.get_object(Bucket=ref["bucket"], Key=ref["key"])["Body"].read())
            assert [c["id"] for c in stored["channels"]] == [c["id"] for c in slack.channels]
            assert ref["key"].endswith("/channels.json")

            failed = _run(runtime, "bad", "wfaib/local/slack-bad")
            assert failed["Error"] == "AuthError"
            cause = json.loads(failed["Cause"])
            assert cause["errorType"] == "AuthError"
            assert "invalid_auth" in cause["errorMessage"]
            assert "xoxb-bad-secret-value" not in failed["Cause"]


def test_local_functions_log_and_emit_metrics_on_stderr_only(capfd: pytest.CaptureFixture[str]) -> None:
    handler = connector_lambdas("wfaib-local", env={})["wfaib-local-connector-slack"]
    with pytest.raises(Exception, match="needs a credential"):
        handler(
            {
                "action": "slack.post_message",
                "version": 1,
                "params": {"channel": "C1", "text": "x"},
                "idempotency_key": "e/n",
            },
            None,
        )
    out, err = capfd.readouterr()
    assert out == ""
    metrics = [json.loads(line) for line in err.splitlines() if '"_aws"' in line]
    assert metrics[-1]["ActionFailed"] == [1.0]
    assert metrics[-1]["action"] == "slack.post_message"
    assert '"action failed"' in err
