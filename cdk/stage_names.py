"""Every name of a stage's resources, and the ARNs policies grant on.

Names are the contract between the stacks and with the runtime code: the control plane creates
state machines named ``wfaib-<stage>-...``, credential secrets named
``wfaib/<stage>/credentials/...`` tagged ``wfaib:connector=<connector-id>`` and webhook secrets named
``wfaib/<stage>/webhooks/...``; schedules go into the group ``wfaib-<stage>``; event rules are
named ``wfaib-<stage>-...``.
"""

from __future__ import annotations

from aws_cdk import Aws

from cdk.arns import Arn, regional_arn, s3_arn, s3_arn_pattern
from cdk.config import StageConfig

__all__ = ["PAYLOAD_PREFIX", "StageNames"]

# connectors/sdk/claim_check.py writes large outputs under this key prefix.
PAYLOAD_PREFIX = "claim-check/"


class StageNames:
    """Names and ARNs of one stage (``StageNames(config).table``, ...)."""

    def __init__(self, config: StageConfig) -> None:
        self.prefix = config.prefix
        self.stage = config.stage
        self.table = f"{self.prefix}-platform"
        self.idempotency_table = f"{self.prefix}-idempotency"
        self.payload_bucket_prefix = f"{self.prefix}-payloads"
        self.state_machine_prefix = f"{self.prefix}-"
        self.schedule_group = self.prefix
        self.credentials_prefix = f"wfaib/{self.stage}/credentials/"
        self.webhook_secrets_prefix = f"wfaib/{self.stage}/webhooks/"
        self.code_sandbox_function = f"{self.prefix}-code-python"
        self.api_function = f"{self.prefix}-api"
        self.webhook_function = f"{self.prefix}-webhook"
        self.schedules_function = f"{self.prefix}-schedules"
        self.events_function = f"{self.prefix}-events"
        self.approvals_function = f"{self.prefix}-approvals"
        # The HS256 key the API signs tokens and approval links with (outside the prefixes the
        # API may create or overwrite secrets under).
        self.jwt_secret = f"wfaib/{self.stage}/platform/jwt-signing-key"
        self.event_buses = config.event_buses
        # Customer resources that workflows' AWS service steps may use (queues, topics, tables,
        # buckets, event buses) are named with this prefix.
        self.user_resource_prefix = f"{self.prefix}-user-"

    def connector_function(self, connector_id: str) -> str:
        """``wfaib-<stage>-connector-<id>``."""
        return f"{self.prefix}-connector-{connector_id}"

    def function_arns(self, function_name: str) -> tuple[Arn, Arn]:
        """A function and its qualified versions/aliases (``lambda:invoke`` may name either)."""
        function = regional_arn("lambda", f"function:{function_name}")
        return function, regional_arn("lambda", f"function:{function_name}:*")

    def table_arn(self) -> Arn:
        return regional_arn("dynamodb", f"table/{self.table}")

    def table_indexes_arn(self) -> Arn:
        return regional_arn("dynamodb", f"table/{self.table}/index/*")

    def idempotency_table_arn(self) -> Arn:
        return regional_arn("dynamodb", f"table/{self.idempotency_table}")

    def payload_bucket_name(self) -> str:
        """Bucket names are global: the account and region make it unique."""
        return f"{self.payload_bucket_prefix}-{Aws.ACCOUNT_ID}-{Aws.REGION}"

    def payload_objects_arn(self) -> Arn:
        return s3_arn(self.payload_bucket_prefix, f"{PAYLOAD_PREFIX}*")

    def state_machines_arn(self) -> Arn:
        return regional_arn("states", f"stateMachine:{self.state_machine_prefix}*")

    def executions_arn(self) -> Arn:
        return regional_arn("states", f"execution:{self.state_machine_prefix}*")

    def credential_secrets_arn(self) -> Arn:
        """Every credential secret of the stage (connectors narrow it by the connector tag)."""
        return regional_arn("secretsmanager", f"secret:{self.credentials_prefix}*")

    def webhook_secrets_arn(self) -> Arn:
        return regional_arn("secretsmanager", f"secret:{self.webhook_secrets_prefix}*")

    def schedules_arn(self) -> Arn:
        return regional_arn("scheduler", f"schedule/{self.schedule_group}/*")

    def event_rules_arn(self) -> Arn:
        return regional_arn("events", f"rule/{self.prefix}-*")

    def event_rules_arns(self) -> list[Arn]:
        """Event-trigger rules on the default bus and on each custom bus of ``event_buses``.

        A rule on a custom bus has the ARN ``rule/<bus>/<name>``; on the default bus ``rule/<name>``.
        """
        return [
            self.event_rules_arn(),
            *(regional_arn("events", f"rule/{bus}/{self.prefix}-*") for bus in self.event_buses),
        ]

    def sync_execution_rule_arn(self) -> Arn:
        """The managed rule Step Functions uses to wait for ``startExecution.sync`` children."""
        return regional_arn("events", "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")

    def integration_targets(self, function_names: list[str]) -> dict[str, list[Arn]]:
        """ARNs of every ``cdk.manifest.IntegrationTarget`` (``function_names``: lambda:invoke)."""
        user = self.user_resource_prefix
        return {
            "functions": [arn for name in function_names for arn in self.function_arns(name)],
            "approval_function": list(self.function_arns(self.approvals_function)),
            "state_machines": [self.state_machines_arn()],
            "executions": [self.executions_arn()],
            "sync_execution_rule": [self.sync_execution_rule_arn()],
            "user_queues": [regional_arn("sqs", f"{user}*")],
            "user_topics": [regional_arn("sns", f"{user}*")],
            "user_tables": [regional_arn("dynamodb", f"table/{user}*")],
            "user_bucket_objects": [s3_arn_pattern(f"{user}*/*")],
            "event_buses": [
                regional_arn("events", "event-bus/default"),
                regional_arn("events", f"event-bus/{user}*"),
            ],
            "email_identities": [regional_arn("ses", "identity/*")],
        }
