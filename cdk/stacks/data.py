"""Data: the platform table, the idempotency table, the credentials key and the payload bucket.

Everything here outlives a deploy: in a stage with ``retain_data`` (prod) deleting the stack
keeps it. Both tables have point-in-time recovery and a customer-managed KMS key; credentials
are Secrets Manager secrets (created at run time by the API, one per credential) encrypted with
their own key, under the name prefix ``wfaib/<stage>/credentials/``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge
from cdk.stage_names import PAYLOAD_PREFIX, StageNames

__all__ = ["DataStack"]

# Key schema of the single table (every partition key starts with the tenant id).
TABLE_PARTITION_KEY = "pk"
TABLE_SORT_KEY = "sk"
TABLE_INDEXES: tuple[str, ...] = ("gsi1",)
TABLE_TTL_ATTRIBUTE = "expires_at"  # functions/shared/models.py: TTL_ATTRIBUTE
# Powertools idempotency's DynamoDB persistence layer defaults.
IDEMPOTENCY_KEY = "id"
IDEMPOTENCY_TTL_ATTRIBUTE = "expiration"


class DataStack(Stack):
    """Tables, keys, and the claim-check bucket."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        removal = config.data_removal_policy
        names = StageNames(config)

        self.table_key = kms.Key(
            self,
            "TableKey",
            alias=f"alias/{config.prefix}-data",
            description="Encrypts the WFAIB tables and payload bucket",
            enable_key_rotation=True,
            removal_policy=removal,
        )
        self.secrets_key = kms.Key(
            self,
            "SecretsKey",
            alias=f"alias/{config.prefix}-credentials",
            description="Encrypts WFAIB credential secrets in Secrets Manager",
            enable_key_rotation=True,
            removal_policy=removal,
        )

        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=names.table,
            partition_key=dynamodb.Attribute(name=TABLE_PARTITION_KEY, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=TABLE_SORT_KEY, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.table_key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=TABLE_TTL_ATTRIBUTE,
            deletion_protection=config.retain_data,
            removal_policy=removal,
        )
        for index in TABLE_INDEXES:
            self.table.add_global_secondary_index(
                index_name=index,
                partition_key=dynamodb.Attribute(name=f"{index}pk", type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=f"{index}sk", type=dynamodb.AttributeType.STRING),
            )

        self.idempotency_table = dynamodb.Table(
            self,
            "IdempotencyTable",
            table_name=names.idempotency_table,
            partition_key=dynamodb.Attribute(name=IDEMPOTENCY_KEY, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.table_key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=IDEMPOTENCY_TTL_ATTRIBUTE,
            removal_policy=removal,
        )

        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(config.log_retention_days))],
            removal_policy=removal,
        )
        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the server access log bucket of the stage; logging its own access would "
            "write a log record for every log record.",
        )
        self.payload_bucket = s3.Bucket(
            self,
            "Payloads",
            bucket_name=names.payload_bucket_name(),
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.table_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="payload-bucket/",
            lifecycle_rules=[s3.LifecycleRule(prefix=PAYLOAD_PREFIX, expiration=Duration.days(30))],
            removal_policy=removal,
        )

        CfnOutput(self, "TableName", value=self.table.table_name)
        CfnOutput(self, "IdempotencyTableName", value=self.idempotency_table.table_name)
        CfnOutput(self, "PayloadBucketName", value=self.payload_bucket.bucket_name)
        CfnOutput(self, "CredentialsKeyArn", value=self.secrets_key.key_arn)
