"""State machines, versions, aliases and tags through plain boto3."""

from __future__ import annotations

import json
from datetime import datetime

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from .conftest import CREDENTIALS
from .helpers import ROLE, asl, pass_result

ARN_PREFIX = "arn:aws:states:us-east-1:123456789012:stateMachine:"


def error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_create_describe_list_delete(sfn: BaseClient) -> None:
    created = sfn.create_state_machine(name="orders", definition=pass_result(1), roleArn=ROLE)
    described = sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    listed = sfn.list_state_machines()["stateMachines"]
    sfn.delete_state_machine(stateMachineArn=created["stateMachineArn"])

    assert created["stateMachineArn"] == f"{ARN_PREFIX}orders"
    assert isinstance(created["creationDate"], datetime)
    assert described["name"] == "orders"
    assert described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD"
    assert json.loads(described["definition"]) == json.loads(pass_result(1))
    assert described["roleArn"] == ROLE
    assert "revisionId" not in described
    assert [m["name"] for m in listed] == ["orders"]
    assert sfn.list_state_machines()["stateMachines"] == []


def test_missing_state_machine_is_state_machine_does_not_exist(sfn: BaseClient) -> None:
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist) as caught:
        sfn.describe_state_machine(stateMachineArn=f"{ARN_PREFIX}nope")

    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.response["Error"]["Message"] == f"State Machine Does Not Exist: '{ARN_PREFIX}nope'"


def test_create_is_idempotent_for_the_same_definition_only(sfn: BaseClient) -> None:
    first = sfn.create_state_machine(name="same", definition=pass_result(1), roleArn=ROLE)
    again = sfn.create_state_machine(name="same", definition=pass_result(1), roleArn=ROLE)

    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists):
        sfn.create_state_machine(name="same", definition=pass_result(2), roleArn=ROLE)
    assert again["stateMachineArn"] == first["stateMachineArn"]


def test_invalid_definition_name_and_arn_are_refused(sfn: BaseClient) -> None:
    with pytest.raises(sfn.exceptions.InvalidDefinition) as bad_json:
        sfn.create_state_machine(name="bad", definition="{not json", roleArn=ROLE)
    with pytest.raises(sfn.exceptions.InvalidDefinition) as dangling:
        sfn.create_state_machine(
            name="bad", definition=asl({"A": {"Type": "Pass", "Next": "Nowhere"}}), roleArn=ROLE
        )
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_state_machine(name="has space", definition=pass_result(1), roleArn=ROLE)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine(stateMachineArn="not-an-arn")

    assert "Invalid State Machine Definition" in bad_json.value.response["Error"]["Message"]
    assert "Nowhere" in dangling.value.response["Error"]["Message"]
    assert sfn.list_state_machines()["stateMachines"] == []


def test_missing_required_member_is_a_validation_exception(endpoint: str) -> None:
    # botocore validates required members itself; switch that off to see the server's answer.
    unchecked = boto3.client(  # type: ignore[call-overload]
        "stepfunctions", endpoint_url=endpoint, config=Config(parameter_validation=False), **CREDENTIALS
    )
    with pytest.raises(ClientError) as caught:
        unchecked.create_state_machine(name="x", roleArn=ROLE)

    assert error_code(caught) == "ValidationException"
    assert "'definition'" in caught.value.response["Error"]["Message"]


def test_update_mints_revisions_and_publish_creates_versions(sfn: BaseClient) -> None:
    arn = sfn.create_state_machine(
        name="flow", definition=pass_result(1), roleArn=ROLE, publish=True, versionDescription="first"
    )
    updated = sfn.update_state_machine(
        stateMachineArn=arn["stateMachineArn"],
        definition=pass_result(2),
        publish=True,
        versionDescription="second",
    )
    v1 = sfn.describe_state_machine(stateMachineArn=arn["stateMachineVersionArn"])
    v2 = sfn.describe_state_machine(stateMachineArn=updated["stateMachineVersionArn"])
    current = sfn.describe_state_machine(stateMachineArn=arn["stateMachineArn"])
    versions = sfn.list_state_machine_versions(stateMachineArn=arn["stateMachineArn"])["stateMachineVersions"]

    assert arn["stateMachineVersionArn"] == f"{ARN_PREFIX}flow:1"
    assert updated["stateMachineVersionArn"] == f"{ARN_PREFIX}flow:2"
    assert updated["revisionId"] == current["revisionId"] == v2["revisionId"]
    assert (json.loads(v1["definition"]), v1["description"]) == (json.loads(pass_result(1)), "first")
    assert (json.loads(v2["definition"]), v2["description"]) == (json.loads(pass_result(2)), "second")
    assert [v["stateMachineVersionArn"] for v in versions] == [f"{ARN_PREFIX}flow:2", f"{ARN_PREFIX}flow:1"]


def test_publish_is_idempotent_per_revision_and_checks_the_revision_id(sfn: BaseClient) -> None:
    arn = sfn.create_state_machine(name="pub", definition=pass_result(1), roleArn=ROLE)["stateMachineArn"]
    first = sfn.publish_state_machine_version(stateMachineArn=arn, revisionId="INITIAL")
    same = sfn.publish_state_machine_version(stateMachineArn=arn)
    revision = sfn.update_state_machine(stateMachineArn=arn, definition=pass_result(2))["revisionId"]

    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.publish_state_machine_version(stateMachineArn=arn, revisionId="stale")
    second = sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=revision, description="two")

    assert first["stateMachineVersionArn"] == same["stateMachineVersionArn"] == f"{arn}:1"
    assert second["stateMachineVersionArn"] == f"{arn}:2"


def test_version_numbers_are_never_reused(sfn: BaseClient) -> None:
    arn = sfn.create_state_machine(name="nums", definition=pass_result(1), roleArn=ROLE, publish=True)
    sfn.delete_state_machine_version(stateMachineVersionArn=arn["stateMachineVersionArn"])
    sfn.update_state_machine(stateMachineArn=arn["stateMachineArn"], definition=pass_result(2))
    again = sfn.publish_state_machine_version(stateMachineArn=arn["stateMachineArn"])

    assert again["stateMachineVersionArn"] == f"{arn['stateMachineArn']}:2"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn["stateMachineVersionArn"])


def test_alias_lifecycle_promote_and_rollback(sfn: BaseClient) -> None:
    arn = sfn.create_state_machine(name="app", definition=pass_result(1), roleArn=ROLE, publish=True)
    v1 = arn["stateMachineVersionArn"]
    v2 = sfn.update_state_machine(
        stateMachineArn=arn["stateMachineArn"], definition=pass_result(2), publish=True
    )["stateMachineVersionArn"]
    alias = sfn.create_state_machine_alias(
        name="prod", description="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]
    )["stateMachineAliasArn"]
    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias,
        routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 90},
            {"stateMachineVersionArn": v2, "weight": 10},
        ],
    )
    canary = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    listed = sfn.list_state_machine_aliases(stateMachineArn=arn["stateMachineArn"])["stateMachineAliases"]
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)

    assert alias == f"{arn['stateMachineArn']}:prod"
    assert canary["name"] == "prod"
    assert canary["description"] == "live"
    assert canary["routingConfiguration"] == [
        {"stateMachineVersionArn": v1, "weight": 90},
        {"stateMachineVersionArn": v2, "weight": 10},
    ]
    assert canary["updateDate"] >= canary["creationDate"]
    assert [a["stateMachineAliasArn"] for a in listed] == [alias]
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)


def test_alias_rules(sfn: BaseClient) -> None:
    a = sfn.create_state_machine(name="a", definition=pass_result(1), roleArn=ROLE, publish=True)
    b = sfn.create_state_machine(name="b", definition=pass_result(1), roleArn=ROLE, publish=True)
    va, vb = a["stateMachineVersionArn"], b["stateMachineVersionArn"]
    sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": va, "weight": 100}]
    )

    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine_alias(
            name="half", routingConfiguration=[{"stateMachineVersionArn": va, "weight": 50}]
        )
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine_alias(
            name="mixed",
            routingConfiguration=[
                {"stateMachineVersionArn": va, "weight": 50},
                {"stateMachineVersionArn": vb, "weight": 50},
            ],
        )
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.create_state_machine_alias(
            name="123", routingConfiguration=[{"stateMachineVersionArn": va, "weight": 100}]
        )
    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.delete_state_machine_version(stateMachineVersionArn=va)


def test_deleting_a_state_machine_deletes_its_versions_and_aliases(sfn: BaseClient) -> None:
    arn = sfn.create_state_machine(name="gone", definition=pass_result(1), roleArn=ROLE, publish=True)
    alias = sfn.create_state_machine_alias(
        name="prod",
        routingConfiguration=[{"stateMachineVersionArn": arn["stateMachineVersionArn"], "weight": 100}],
    )["stateMachineAliasArn"]

    sfn.delete_state_machine(stateMachineArn=arn["stateMachineArn"])

    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=arn["stateMachineVersionArn"])
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)


def test_pagination_with_max_results_and_next_token(sfn: BaseClient) -> None:
    for index in range(5):
        sfn.create_state_machine(name=f"m{index}", definition=pass_result(index), roleArn=ROLE)

    first = sfn.list_state_machines(maxResults=2)
    second = sfn.list_state_machines(maxResults=2, nextToken=first["nextToken"])
    pages = list(sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 2}))

    assert [m["name"] for m in first["stateMachines"]] == ["m0", "m1"]
    assert [m["name"] for m in second["stateMachines"]] == ["m2", "m3"]
    assert [len(p["stateMachines"]) for p in pages] == [2, 2, 1]
    assert "nextToken" not in pages[-1]
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.list_state_machines(nextToken="bogus")


def test_tags(sfn: BaseClient) -> None:
    arn = sfn.create_state_machine(
        name="tagged", definition=pass_result(1), roleArn=ROLE, tags=[{"key": "team", "value": "core"}]
    )["stateMachineArn"]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"}])
    sfn.untag_resource(resourceArn=arn, tagKeys=["team"])

    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "env", "value": "dev"}]
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_tags_for_resource(resourceArn=f"{ARN_PREFIX}nope")


def test_validate_state_machine_definition(sfn: BaseClient) -> None:
    ok = sfn.validate_state_machine_definition(definition=pass_result(1))
    bad = sfn.validate_state_machine_definition(definition=asl({"A": {"Type": "Pass", "Next": "B"}}))

    assert ok["result"] == "OK"
    assert ok["diagnostics"] == []
    assert bad["result"] == "FAIL"
    assert bad["diagnostics"][0]["severity"] == "ERROR"
    assert bad["diagnostics"][0]["code"] == "MISSING_TRANSITION_TARGET"
