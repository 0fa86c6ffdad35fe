"""One WFAIB Lambda: arm64, Python 3.12, the runtime layer, its own log group and its own role.

Every function gets a role of its own that can write to its own log group and nothing else;
callers add exactly what the function needs (``grant_*`` or ``add_to_role_policy``). The code
sandbox passes ``isolated=True``: a role with no policy at all, no tracing, no layer secrets.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge
from cdk.constructs.runtime_layer import LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME

__all__ = ["PlatformFunction"]

POWERTOOLS_NAMESPACE = "WFAIB"


class PlatformFunction(Construct):
    """A Lambda with the platform's defaults; ``.function`` and ``.role`` for wiring."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        function_name: str,
        handler: str,
        description: str,
        code: lambda_.Code,
        layer: lambda_.ILayerVersion,
        service: str,
        memory_mb: int = 512,
        timeout_seconds: int = 29,
        environment: Mapping[str, str] | None = None,
        isolated: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{function_name}",
            retention=config.log_retention,
            removal_policy=config.data_removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{function_name}: {'no permissions at all' if isolated else 'least privilege'}",
        )
        if not isolated:
            self.role.add_to_policy(
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[self.log_group.log_group_arn],
                )
            )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            description=description,
            runtime=LAMBDA_RUNTIME,
            architecture=LAMBDA_ARCHITECTURE,
            handler=handler,
            code=code,
            layers=[layer],
            role=self.role,
            log_group=self.log_group,
            memory_size=memory_mb,
            timeout=Duration.seconds(timeout_seconds),
            tracing=lambda_.Tracing.DISABLED if isolated else lambda_.Tracing.ACTIVE,
            environment={
                "WFAIB_STAGE": config.stage,
                "POWERTOOLS_SERVICE_NAME": service,
                "POWERTOOLS_METRICS_NAMESPACE": POWERTOOLS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                **(environment or {}),
            },
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "Pinned to Python 3.12: the runtime layer is built for cp312 from requirements.lock and "
            "the runtime moves together with the layer, not silently.",
        )
        if not isolated:
            acknowledge(
                self.role,
                "AwsSolutions-IAM5[Resource::*]",
                "Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not "
                "support resource-level permissions, so CDK grants them on *.",
            )
