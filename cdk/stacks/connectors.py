"""Connectors: one Lambda per connector in the generated catalog, and the code sandbox.

The loop reads ``connectors/catalog.json`` (see ``cdk.manifest``), so a new connector needs no
infrastructure change. Each connector function has its own role: its log group, X-Ray, its own
credentials (secrets under ``wfaib/<stage>/credentials/`` tagged ``wfaib:connector=<id>``: read,
and write back a refreshed OAuth2 token) and the claim-check prefix of the payload bucket; on the platform table, a batch read of the kill switches
and atomic counter updates (token usage, rate limits). The code sandbox has a role without any
policy and no environment beyond its stage name.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge_wildcard
from cdk.constructs.platform_function import PlatformFunction
from cdk.constructs.runtime_layer import RuntimeLayer, lambda_code
from cdk.manifest import (
    CONNECTOR_HANDLER,
    CONNECTOR_TAG,
    ENV_CONNECTOR,
    ENV_CREDENTIALS_PREFIX,
    ENV_PAYLOAD_BUCKET,
    ENV_TABLE,
    PLATFORM_FUNCTIONS,
    ConnectorEntry,
)
from cdk.stacks.data import DataStack
from cdk.stage_names import StageNames

__all__ = ["COUNTER_ATTRIBUTES", "ConnectorsStack"]

# The attributes a connector function may write: its counters' keys and values (token usage per
# tenant and day, rate-limit windows). Nothing else of the platform table is writable from here.
COUNTER_ATTRIBUTES = (
    "pk",
    "sk",
    "tokens_in",
    "tokens_out",
    "calls",
    "provider",
    "model",
    "day",
    "used",
    "expires_at",
)


class ConnectorsStack(Stack):
    """The action Lambdas workflows invoke."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: DataStack,
        catalog: list[ConnectorEntry],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = StageNames(config)
        self.runtime_layer = RuntimeLayer(self, "RuntimeLayer").layer
        code = lambda_code()

        self.connector_functions: dict[str, PlatformFunction] = {}
        for entry in catalog:
            connector = PlatformFunction(
                self,
                f"Connector-{entry.id}",
                config=config,
                function_name=names.connector_function(entry.id),
                handler=CONNECTOR_HANDLER,
                description=f"WFAIB connector {entry.name} (v{entry.version})",
                code=code,
                layer=self.runtime_layer,
                service=f"connector-{entry.id}",
                environment={
                    ENV_CONNECTOR: entry.id,
                    ENV_CREDENTIALS_PREFIX: names.credentials_prefix,
                    ENV_PAYLOAD_BUCKET: names.payload_bucket_name(),
                    ENV_TABLE: names.table,  # kill switches: flags are read before every call
                },
            )
            self._grant_connector(connector, entry, names, data)
            self.connector_functions[entry.id] = connector

        sandbox = PLATFORM_FUNCTIONS["code-python"]
        self.code_sandbox = PlatformFunction(
            self,
            "CodeSandbox",
            config=config,
            function_name=names.code_sandbox_function,
            handler=sandbox.handler,
            description=sandbox.description,
            code=code,
            layer=self.runtime_layer,
            service="code-python",
            memory_mb=sandbox.memory_mb,
            timeout_seconds=sandbox.timeout_seconds,
            isolated=True,
        )

        CfnOutput(self, "ConnectorCount", value=str(len(catalog)))
        CfnOutput(self, "CodeSandboxFunctionName", value=self.code_sandbox.function.function_name)

    def _grant_connector(
        self, connector: PlatformFunction, entry: ConnectorEntry, names: StageNames, data: DataStack
    ) -> None:
        secrets = names.credential_secrets_arn()
        payloads = names.payload_objects_arn()
        role = connector.role
        # Read the connector's credentials; write back a refreshed OAuth2 token (PutSecretValue).
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
                resources=[secrets.value],
                conditions={"StringEquals": {f"secretsmanager:ResourceTag/{CONNECTOR_TAG}": entry.id}},
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[data.secrets_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}
                },
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:GetObject", "s3:PutObject"], resources=[payloads.value])
        )
        # Kill switches (connectors/sdk/control_flags.py): one BatchGetItem of the flags per cache period.
        role.add_to_policy(
            iam.PolicyStatement(actions=["dynamodb:BatchGetItem"], resources=[names.table_arn().value])
        )
        # Counters (connectors/sdk/usage.py, rate_limit.py): one UpdateItem ADD per call, on items
        # of a tenant's partition, touching only the counters' own attributes.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["dynamodb:UpdateItem"],
                resources=[names.table_arn().value],
                conditions={
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TENANT#*"]},
                    "ForAllValues:StringEquals": {"dynamodb:Attributes": list(COUNTER_ATTRIBUTES)},
                    "StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"},
                },
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.table_key.key_arn]
            )
        )
        acknowledge_wildcard(
            role,
            secrets,
            "Credentials are created at run time, one secret per credential, under the stage's name "
            "prefix; the connector may read only those tagged wfaib:connector with its own id.",
        )
        acknowledge_wildcard(
            role,
            payloads,
            "Claim-check payloads are written under keys derived from each call's idempotency key; "
            "access is limited to the claim-check/ prefix of the stage's payload bucket.",
        )
