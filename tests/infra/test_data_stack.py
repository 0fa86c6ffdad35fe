"""Data stack: tables with PITR and a customer-managed key; prod keeps its data."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from tests.infra.assembly import Synth
from tests.infra.cfn import resources_of


@pytest.mark.parametrize("table", ["wfaib-dev-platform", "wfaib-dev-idempotency"])
def test_tables_have_point_in_time_recovery_and_a_kms_key(templates: dict[str, Any], table: str) -> None:
    templates["wfaib-dev-data"].has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": table,
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": Match.any_value()},
        },
    )


def test_idempotency_table_matches_powertools_defaults(templates: dict[str, Any]) -> None:
    templates["wfaib-dev-data"].has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": "wfaib-dev-idempotency",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
        },
    )


def test_kms_keys_rotate(templates: dict[str, Any]) -> None:
    template = templates["wfaib-dev-data"]
    template.resource_count_is("AWS::KMS::Key", 2)
    template.all_resources_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


@pytest.mark.parametrize(
    ("stage", "policy", "protected"), [("dev", "Delete", False), ("prod", "Retain", True)]
)
def test_prod_retains_data_and_dev_cleans_up(
    assembly: Synth, stage: str, policy: str, protected: bool
) -> None:
    template = assembly.template(f"wfaib-{stage}-data")
    kept = [
        *resources_of(template, "AWS::DynamoDB::Table").values(),
        *resources_of(template, "AWS::KMS::Key").values(),
        *resources_of(template, "AWS::S3::Bucket").values(),
    ]
    assert len(kept) == 6
    assert {resource["DeletionPolicy"] for resource in kept} == {policy}
    platform = next(
        r
        for r in resources_of(template, "AWS::DynamoDB::Table").values()
        if r["Properties"]["TableName"].endswith("-platform")
    )
    assert platform["Properties"].get("DeletionProtectionEnabled", False) is protected


def test_payload_bucket_is_private_encrypted_and_ssl_only(templates: dict[str, Any]) -> None:
    template = templates["wfaib-dev-data"]
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like(
                        {"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"})}
                    )
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "LoggingConfiguration": Match.object_like({"LogFilePrefix": "payload-bucket/"}),
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            }
        },
    )
