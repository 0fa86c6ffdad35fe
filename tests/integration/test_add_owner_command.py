"""``wfaib add-owner`` against AWS APIs emulated on loopback: the Cognito user and the owner record.

The command runs in its own process (it binds the table models to the stage's table), pointed at
a moto server with ``AWS_ENDPOINT_URL`` exactly as it would reach AWS.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from functions.shared.models import TABLE_DEFINITION
from integration.helpers import REPO_ROOT

REGION = "eu-west-1"
TABLE = "wfaib-prod-platform"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def aws() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _add_owner(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }
    return subprocess.run(
        [sys.executable, "-c", "from wfaib.cli import main; main()", "add-owner", *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_add_owner_creates_the_cognito_user_and_the_owner_record(aws: str) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=aws, region_name=REGION, **CREDENTIALS)
    dynamodb.create_table(TableName=TABLE, **TABLE_DEFINITION)
    cognito = boto3.client("cognito-idp", endpoint_url=aws, region_name=REGION, **CREDENTIALS)
    pool_id = cognito.create_user_pool(
        PoolName="users",
        Schema=[{"Name": "tenant", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]

    args = ("--stage", "prod", "--tenant", "acme", "--email", "Ada@Acme.example", "--user-pool-id", pool_id)
    first = _add_owner(aws, *args)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout

    user = cognito.admin_get_user(UserPoolId=pool_id, Username="ada@acme.example")
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert attributes["custom:tenant"] == "acme" and attributes["email"] == "ada@acme.example"
    item = dynamodb.get_item(
        TableName=TABLE, Key={"pk": {"S": "TENANT#acme"}, "sk": {"S": "USER#ada@acme.example"}}
    )
    assert item["Item"]["role"] == {"S": "owner"}
    assert "Item" in dynamodb.get_item(
        TableName=TABLE, Key={"pk": {"S": "TENANT#acme"}, "sk": {"S": "TENANT"}}
    )

    again = _add_owner(aws, *args)
    assert again.returncode == 0, again.stderr
    assert "exists" in again.stdout


def test_add_owner_refuses_a_bad_tenant_before_touching_aws(aws: str) -> None:
    refused = _add_owner(aws, "--tenant", "Not OK", "--email", "ada@acme.example", "--region", REGION)
    assert refused.returncode == 2
    assert "--tenant" in refused.stderr
