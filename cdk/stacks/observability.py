"""Observability: one dashboard and the alarms an operator is paged for.

State machines are created at run time, so workflow failures are counted by an EventBridge rule
on Step Functions status changes of this stage's state machines (prefix match); its matches are
kept in a log group (the run record an operator opens) and its ``TriggeredRules`` metric is
alarmed. The other alarms read the standard metrics of the API, the platform Lambdas and the
account's Lambda and Step Functions throttles. Alarms notify an SNS topic (optionally an email).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge
from cdk.constructs.platform_function import PlatformFunction
from cdk.stacks.connectors import ConnectorsStack
from cdk.stacks.control_plane import ControlPlaneStack
from cdk.stage_names import StageNames

__all__ = ["ALARM_NAMES", "ObservabilityStack"]

FAILED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
ALARM_NAMES: tuple[str, ...] = (
    "workflow-failures",
    "workflow-start-throttles",
    "lambda-throttles",
    "lambda-errors",
    "api-errors",
    "webhook-errors",
    "api-5xx",
    "api-latency",
    "api-duration",
)
PERIOD = Duration.minutes(5)


class ObservabilityStack(Stack):
    """Dashboard, alarms and the alarm topic."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        connectors: ConnectorsStack,
        control_plane: ControlPlaneStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description="Encrypts the WFAIB alarm topic",
            enable_key_rotation=True,
            removal_policy=config.data_removal_policy,
        )
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(
            self, "Alarms", topic_name=f"{config.prefix}-alarms", master_key=key, enforce_ssl=True
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))

        failures_log = logs.LogGroup(
            self,
            "WorkflowFailureEvents",
            log_group_name=f"/aws/events/{config.prefix}-workflow-failures",
            retention=config.log_retention,
            removal_policy=config.data_removal_policy,
        )
        state_machine_arn_prefix = self.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=StageNames(config).state_machine_prefix,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.failure_rule = events.Rule(
            self,
            "WorkflowFailures",
            rule_name=f"{config.prefix}-workflow-failures",
            description="Failed, timed-out and aborted executions of this stage's workflows",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={
                    "status": list(FAILED_STATUSES),
                    "stateMachineArn": events.Match.prefix(state_machine_arn_prefix),
                },
            ),
            targets=[targets.CloudWatchLogGroup(failures_log)],
        )

        self._acknowledge_log_policy_handler()

        workflow_failures = cloudwatch.Metric(
            namespace="AWS/Events",
            metric_name="TriggeredRules",
            dimensions_map={"RuleName": self.failure_rule.rule_name},
            statistic="Sum",
            period=PERIOD,
            label="Workflow failures",
        )
        start_throttles = cloudwatch.Metric(
            namespace="AWS/States",
            metric_name="ThrottledEvents",
            dimensions_map={"APIName": "StartExecution"},
            statistic="Sum",
            period=PERIOD,
            label="StartExecution throttled",
        )
        lambda_throttles = cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name="Throttles",
            statistic="Sum",
            period=PERIOD,
            label="Lambda throttles",
        )
        connector_errors = cloudwatch.MathExpression(
            expression=f'SUM(SEARCH(\'{{AWS/Lambda,FunctionName}} MetricName="Errors" '
            f"FunctionName=\"{config.prefix}-connector-\"', 'Sum', 300))",
            label="Connector errors",
            period=PERIOD,
        )
        api = control_plane.api

        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self._alarm(
            "workflow-failures", workflow_failures, 1, "A workflow execution failed, timed out or was aborted"
        )
        self._alarm("workflow-start-throttles", start_throttles, 1, "StartExecution calls were throttled")
        self._alarm("lambda-throttles", lambda_throttles, 1, "Lambda invocations were throttled")
        self._alarm(
            "lambda-errors",
            cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="Errors",
                statistic="Sum",
                period=PERIOD,
                label="Lambda errors",
            ),
            5,
            "Lambda functions (connectors included) raised errors",
        )
        self._error_rate_alarm("api-errors", control_plane.api_function)
        self._error_rate_alarm("webhook-errors", control_plane.webhook_function)
        self._alarm(
            "api-5xx", api.metric_server_error(period=PERIOD, statistic="Sum"), 5, "The API answered 5xx"
        )
        self._alarm(
            "api-latency",
            api.metric_latency(period=PERIOD, statistic="p95"),
            3000,
            "API p95 latency is above 3 s",
        )
        self._alarm(
            "api-duration",
            control_plane.api_function.function.metric_duration(period=PERIOD, statistic="p95"),
            20_000,
            "API Lambda p95 duration is close to its timeout",
        )

        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{config.prefix}-overview")
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Workflow executions (this stage)",
                left=[
                    cloudwatch.MathExpression(
                        expression=f'SUM(SEARCH(\'{{AWS/States,StateMachineArn}} MetricName="{name}" '
                        f"\"{StageNames(config).state_machine_prefix}\"', 'Sum', 300))",
                        label=name,
                        period=PERIOD,
                    )
                    for name in (
                        "ExecutionsStarted",
                        "ExecutionsSucceeded",
                        "ExecutionsFailed",
                        "ExecutionsTimedOut",
                    )
                ],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Failures and throttles",
                left=[workflow_failures, start_throttles, lambda_throttles],
                width=12,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="API",
                left=[
                    api.metric_count(period=PERIOD),
                    api.metric_server_error(period=PERIOD),
                    api.metric_client_error(period=PERIOD),
                ],
                right=[api.metric_latency(period=PERIOD, statistic="p95")],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Platform Lambdas",
                left=[
                    fn.function.metric_errors(period=PERIOD)
                    for fn in (
                        control_plane.api_function,
                        control_plane.webhook_function,
                        connectors.code_sandbox,
                    )
                ],
                right=[
                    fn.function.metric_duration(period=PERIOD, statistic="p95")
                    for fn in (control_plane.api_function, control_plane.webhook_function)
                ],
                width=12,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Connector errors", left=[connector_errors], width=12),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=12),
        )

        CfnOutput(self, "AlarmTopicArn", value=self.topic.topic_arn)
        CfnOutput(
            self,
            "DashboardUrl",
            value=f"https://console.aws.amazon.com/cloudwatch/home?region={self.region}"
            f"#dashboards:name={config.prefix}-overview",
        )

    def _acknowledge_log_policy_handler(self) -> None:
        """The log group target writes its resource policy through CDK's AwsCustomResource."""
        for child in self.node.children:
            if child.node.id.startswith("AWS679f53fac002430cb0da5b7982bd2287"):
                acknowledge(
                    child,
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                    "AWSLambdaBasicExecutionRole]",
                    "CDK's AwsCustomResource handler (it writes the log group resource policy for "
                    "EventBridge) logs with the AWS basic execution policy; it runs only on deployments.",
                )
            if child.node.id.startswith("EventsLogGroupPolicy"):
                acknowledge(
                    child,
                    "AwsSolutions-IAM5[Resource::*]",
                    "logs:PutResourcePolicy and logs:DeleteResourcePolicy have no resource-level "
                    "permissions; CDK's custom resource needs them to let EventBridge write the log group.",
                )

    def _alarm(self, name: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> None:
        alarm = metric.create_alarm(
            self,
            f"Alarm-{name}",
            alarm_name=f"{self.stack_name}-{name}",
            alarm_description=description,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.topic))
        self.alarms[name] = alarm

    def _error_rate_alarm(self, name: str, function: PlatformFunction) -> None:
        rate = cloudwatch.MathExpression(
            expression="IF(invocations > 0, 100 * errors / invocations, 0)",
            using_metrics={
                "errors": function.function.metric_errors(period=PERIOD, statistic="Sum"),
                "invocations": function.function.metric_invocations(period=PERIOD, statistic="Sum"),
            },
            label=f"{function.function.function_name} error rate (%)",
            period=PERIOD,
        )
        self._alarm(name, rate, 5, f"More than 5% of {name.removesuffix('-errors')} invocations failed")
