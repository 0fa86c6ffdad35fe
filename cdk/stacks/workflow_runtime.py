"""Workflow runtime: what every published state machine runs with.

State machines are created at run time by the control plane (one per published workflow
version, named ``wfaib-<stage>-...``). They all assume one execution role, allowed exactly the
service integrations in ``cdk.manifest.SERVICE_INTEGRATIONS``: invoking the connector functions,
the code sandbox and the approvals function, starting sibling workflows, and the AWS service
steps on the customer's resources named ``wfaib-<stage>-user-...``. Execution logs go to one log
group; X-Ray is on.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk.arns import regional_arn
from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge, acknowledge_wildcard
from cdk.manifest import SERVICE_INTEGRATIONS, ConnectorEntry
from cdk.stage_names import StageNames

__all__ = ["LOG_DELIVERY_ACTIONS", "RESPONSE_ATTRIBUTES", "XRAY_ACTIONS", "WorkflowRuntimeStack"]

# webhook.respond (state_machines/compiler/target.py): a PutItem of the webhook's response into the
# platform table, only in the partitions of responses and only with the response's attributes.
RESPONSE_KEY_PATTERN = "WEBHOOK#RESPONSE#*"
RESPONSE_ATTRIBUTES = ("pk", "sk", "response", "tenant", "expires_at")

# CloudWatch Logs vended delivery and X-Ray write APIs have no resource-level permissions.
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
XRAY_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)

_WILDCARD_REASONS: dict[str, str] = {
    "functions": "lambda:invoke may name a function version or alias (function:NAME:QUALIFIER); every "
    "function itself is named exactly.",
    "approval_function": "lambda:invoke may name a version or alias of the approvals function "
    "(function:NAME:QUALIFIER); the function itself is named exactly.",
    "state_machines": "Workflows start other published workflows of the same stage; state machines are "
    "created at run time, so the stage's name prefix matches them.",
    "executions": "startExecution.sync describes and stops the child executions it started; their "
    "names are chosen at run time under the stage's state machine prefix.",
    "user_queues": "AWS service steps send to the customer's queues; only queues named with the stage's "
    "user prefix (wfaib-STAGE-user-) are reachable.",
    "user_topics": "AWS service steps publish to the customer's topics; only topics named with the "
    "stage's user prefix (wfaib-STAGE-user-) are reachable.",
    "user_tables": "AWS service steps read and write the customer's tables; only tables named with the "
    "stage's user prefix (wfaib-STAGE-user-) are reachable, never the platform's own tables.",
    "user_bucket_objects": "AWS service steps read and write objects of the customer's buckets; only "
    "buckets named with the stage's user prefix (wfaib-STAGE-user-) are reachable.",
    "event_buses": "AWS service steps put events on the default bus or on buses named with the stage's "
    "user prefix (wfaib-STAGE-user-).",
    "email_identities": "The SES step sends from any identity the customer verified in SES; SES "
    "identities are verified by the account owner, so verification bounds them.",
}


class WorkflowRuntimeStack(Stack):
    """The execution role and log group shared by every published state machine."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        catalog: list[ConnectorEntry],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = StageNames(config)
        self.log_group = logs.LogGroup(
            self,
            "ExecutionLogs",
            log_group_name=f"/aws/vendedlogs/states/{config.prefix}-workflows",
            retention=config.log_retention,
            removal_policy=config.data_removal_policy,
        )
        self.execution_role = iam.Role(
            self,
            "ExecutionRole",
            role_name=f"{config.prefix}-state-machine-execution",
            description="Assumed by every published WFAIB state machine",
            assumed_by=iam.ServicePrincipal(
                "states.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": self.account}}
            ),
        )
        function_names = [names.connector_function(entry.id) for entry in catalog]
        function_names.append(names.code_sandbox_function)
        self.integration_targets = names.integration_targets(function_names)
        actions_by_target: dict[str, set[str]] = {}
        for integration in SERVICE_INTEGRATIONS:
            for grant in integration.grants:
                actions_by_target.setdefault(grant.target, set()).update(grant.actions)
        for target, actions in sorted(actions_by_target.items()):
            arns = self.integration_targets[target]
            self.execution_role.add_to_policy(
                iam.PolicyStatement(actions=sorted(actions), resources=[arn.value for arn in arns])
            )
            for arn in arns:
                if "*" in arn.nag:
                    acknowledge_wildcard(self.execution_role, arn, _WILDCARD_REASONS[target])
        self._grant_webhook_responses(config, names)
        self.execution_role.add_to_policy(
            iam.PolicyStatement(actions=[*LOG_DELIVERY_ACTIONS, *XRAY_ACTIONS], resources=["*"])
        )
        acknowledge(
            self.execution_role,
            "AwsSolutions-IAM5[Resource::*]",
            "Step Functions log delivery (logs:*LogDelivery*, resource policies) and X-Ray "
            "PutTraceSegments/PutTelemetryRecords/GetSampling* do not support resource-level permissions.",
        )

        CfnOutput(self, "StateMachineExecutionRoleArn", value=self.execution_role.role_arn)
        CfnOutput(self, "WorkflowLogGroupArn", value=self.log_group.log_group_arn)
        CfnOutput(self, "StateMachineNamePrefix", value=names.state_machine_prefix)

    def _grant_webhook_responses(self, config: StageConfig, names: StageNames) -> None:
        """webhook.respond: write a response item (never a tenant's item) into the platform table,
        encrypting it with the table's key through DynamoDB only."""
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                actions=["dynamodb:PutItem"],
                resources=[names.table_arn().value],
                conditions={
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [RESPONSE_KEY_PATTERN]},
                    "ForAllValues:StringEquals": {"dynamodb:Attributes": list(RESPONSE_ATTRIBUTES)},
                    "StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"},
                },
            )
        )
        keys = regional_arn("kms", "key/*")
        self.execution_role.add_to_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[keys.value],
                conditions={
                    "StringEquals": {"kms:ViaService": f"dynamodb.{self.region}.amazonaws.com"},
                    "ForAnyValue:StringEquals": {"kms:ResourceAliases": [f"alias/{config.prefix}-data"]},
                },
            )
        )
        acknowledge_wildcard(
            self.execution_role,
            keys,
            "The platform table's key is created by the data stack; the role may use only the key "
            "whose alias is the stage's data key, and only through DynamoDB (webhook.respond items).",
        )
