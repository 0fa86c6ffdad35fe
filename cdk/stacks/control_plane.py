"""Control plane: the REST API and webhooks behind API Gateway, Cognito, and the trigger wiring.

* API Gateway (REST) with stage throttling, access logs, X-Ray and a regional WAF web ACL.
  ``/{proxy+}`` goes to the API Lambda and ``/hooks/{proxy+}`` to the webhook Lambda; every route
  in ``ROUTES`` names who authenticates it. The API Lambda checks every request itself (a Cognito
  ID token against the pool's keys, or a scoped API key): a gateway Cognito authorizer would turn
  API keys away before they reached it.
* The API, webhook, schedule-trigger, event-trigger and approvals Lambdas deploy from the
  repository's packages with the handler paths of ``cdk.manifest.PLATFORM_FUNCTIONS``.
* The HS256 key the API signs tokens and approval links with: a generated Secrets Manager secret
  (encrypted with the stage's secrets key); functions get its ARN, never its value.
* The Cognito user pool (users sign in to the editor; the editor's app client lives in the web
  stack because its callback URL is the editor's address). Each user carries an immutable
  ``custom:tenant`` attribute, set when the user is created; the API reads the user's role from
  the platform table, not from Cognito groups (the groups are kept to organise users in the
  console). The API accepts the app clients listed in an SSM parameter the web stack writes,
  since the client is made after the API (its id in the API's environment would be a cycle); the
  API's local HS256 tokens (``wfaib token``) are turned off.
* The EventBridge Scheduler group for schedule triggers, and the role schedules and event rules
  use to start workflows.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from aws_cdk import Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk.arns import Arn
from cdk.config import StageConfig
from cdk.constructs.nag import acknowledge, acknowledge_wildcard
from cdk.constructs.platform_function import PlatformFunction
from cdk.constructs.runtime_layer import lambda_code
from cdk.manifest import (
    CONNECTOR_TAG,
    ENV_ACCOUNT_ID,
    ENV_CREDENTIALS_KEY_ARN,
    ENV_CREDENTIALS_PREFIX,
    ENV_EVENTS_TARGET_ARN,
    ENV_EXECUTION_ROLE_ARN,
    ENV_IDEMPOTENCY_TABLE,
    ENV_JWT_SECRET_ARN,
    ENV_PAYLOAD_BUCKET,
    ENV_PUBLIC_API_URL,
    ENV_REGION,
    ENV_RESOURCE_PREFIX,
    ENV_SCHEDULE_GROUP,
    ENV_SCHEDULE_TARGET_ARN,
    ENV_STATE_MACHINE_PREFIX,
    ENV_TABLE,
    ENV_TRIGGER_ROLE_ARN,
    ENV_USER_POOL_ID,
    ENV_WEBHOOK_SECRET_PREFIX,
    ENV_WORKFLOW_LOG_GROUP_ARN,
    PLATFORM_FUNCTIONS,
)
from cdk.stacks.data import DataStack
from cdk.stacks.workflow_runtime import WorkflowRuntimeStack
from cdk.stage_names import StageNames

__all__ = ["ROLES", "ROUTES", "ControlPlaneStack", "GatewayRoute", "editor_client_parameter"]

# RBAC roles of the spec; each is a Cognito group (for the console: the API reads roles from the table).
ROLES: tuple[str, ...] = ("viewer", "member", "admin", "owner")
# The Cognito attribute naming a user's tenant (``custom:tenant`` in tokens), set once at creation.
TENANT_ATTRIBUTE = "tenant"
ENV_LOCAL_TOKENS = "WFAIB_LOCAL_TOKENS"
ENV_CLIENT_ID_PARAMETER = "WFAIB_COGNITO_CLIENT_ID_PARAMETER"


def editor_client_parameter(prefix: str) -> str:
    """The SSM parameter holding the app client ids the API accepts (the web stack writes it)."""
    return f"/{prefix}/api/cognito-client-ids"


class GatewayRoute(NamedTuple):
    """A route of the REST API: its methods, its target, and who authenticates its requests."""

    methods: tuple[str, ...]
    target: Literal["api", "webhook"]
    authenticated_by: str


_API_AUTHENTICATES = (
    "the API Lambda authenticates every request itself: a Cognito ID token verified against the "
    "user pool's keys (issuer, app client, expiry; role from the platform table) or a scoped API "
    "key; a gateway Cognito authorizer would refuse API keys before they reached it"
)

# Every route (path below the stage), and who authenticates it. API Gateway adds no authorizer;
# WAF and stage throttling still stand in front of all of them.
ROUTES: dict[str, GatewayRoute] = {
    "": GatewayRoute(("ANY",), "api", _API_AUTHENTICATES),
    "{proxy+}": GatewayRoute(("ANY",), "api", _API_AUTHENTICATES),
    "hooks/{proxy+}": GatewayRoute(
        ("POST",),
        "webhook",
        "the webhook Lambda checks the HMAC signature made with the workflow's webhook secret",
    ),
}

API_STAGE_NAME = "v1"

STATE_MACHINE_ACTIONS = (
    "states:CreateStateMachine",
    "states:UpdateStateMachine",
    "states:DeleteStateMachine",
    "states:DescribeStateMachine",
    "states:PublishStateMachineVersion",
    "states:CreateStateMachineAlias",
    "states:UpdateStateMachineAlias",
    "states:ListStateMachineVersions",
    "states:TagResource",
    "states:StartExecution",
    "states:StartSyncExecution",
    "states:ListExecutions",
)
# Answering an approval resumes the run waiting on its task token. Task tokens of
# ``.waitForTaskToken`` integrations belong to no resource IAM can name, so AWS only accepts "*".
TASK_TOKEN_ACTIONS = ("states:SendTaskSuccess", "states:SendTaskFailure")
EVENT_RULE_ACTIONS = (
    "events:PutRule",
    "events:PutTargets",
    "events:RemoveTargets",
    "events:DeleteRule",
    "events:TagResource",
)
IDEMPOTENCY_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")

# Why each wildcard resource of the API and webhook roles is as narrow as it can be.
_REASONS = {
    "indexes": "Queries go through the table's global secondary indexes (table/NAME/index/*); the "
    "table itself is named exactly.",
    "payloads": "Run views read claim-check payloads stored under per-call keys, only below the "
    "claim-check/ prefix of the stage's bucket.",
    "secrets": "Credentials and webhook secrets are created at run time, one secret each; the stage's "
    "name prefixes (wfaib/STAGE/credentials/, wfaib/STAGE/webhooks/) bound them.",
    "state_machines": "Published workflows become state machines at run time; the stage's name prefix "
    "limits access to this stage's workflows.",
    "executions": "Executions of this stage's state machines are named at run time; the stage's state "
    "machine prefix bounds them.",
    "schedules": "Schedule triggers are created at run time inside the stage's own schedule group.",
    "rules": "Event triggers become EventBridge rules at run time, named with the stage's prefix "
    "(on the default bus and on the custom buses listed in the stage's event_buses).",
}

EXECUTION_ACTIONS = (
    "states:DescribeExecution",
    "states:GetExecutionHistory",
    "states:StopExecution",
    "states:RedriveExecution",
)


class ControlPlaneStack(Stack):
    """API Gateway + WAF, the API, webhook and approvals Lambdas, Cognito, the scheduler group."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: DataStack,
        runtime: WorkflowRuntimeStack,
        layer: lambda_.ILayerVersion,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = StageNames(config)
        self._build_auth(config)
        self._build_triggers(config, names)
        self._build_jwt_secret(config, names, data)
        self._build_functions(config, names, data, runtime, layer)
        self._build_api(config)
        self._build_waf(config)
        # The approvals function builds the links it sends from the API's public URL; only the
        # API's methods depend on the API and webhook functions, so this adds no cycle.
        self.approvals_function.function.add_environment(ENV_PUBLIC_API_URL, self.api.url)

        CfnOutput(self, "ApiEndpoint", value=self.api.url)
        CfnOutput(self, "WebhookBaseUrl", value=self.api.url_for_path("/hooks"))
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "AuthDomain", value=self.auth_domain.base_url())
        CfnOutput(self, "ScheduleGroupName", value=self.schedule_group.schedule_group_name)
        CfnOutput(self, "TriggerRoleArn", value=self.trigger_role.role_arn)

    # -- Cognito ---------------------------------------------------------------------------
    def _build_auth(self, config: StageConfig) -> None:
        self.user_pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=f"{config.prefix}-users",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.REQUIRED if config.mfa == "required" else cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            custom_attributes={
                TENANT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=31, mutable=False)
            },
            deletion_protection=config.retain_data,
            removal_policy=config.data_removal_policy,
        )
        for role in ROLES:
            cognito.CfnUserPoolGroup(
                self,
                f"Group-{role}",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=role,
                description=f"WFAIB role {role}",
            )
        self.auth_domain = self.user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=f"{config.prefix}-{Aws.ACCOUNT_ID}"),
        )
        if config.mfa == "optional":
            acknowledge(
                self.user_pool,
                "AwsSolutions-COG2",
                "This stage is configured with optional MFA (mfa: optional in cdk.json, meant for dev); "
                "TOTP is offered to every user and prod requires it.",
            )

    # -- triggers --------------------------------------------------------------------------
    def _build_triggers(self, config: StageConfig, names: StageNames) -> None:
        self.schedule_group = scheduler.ScheduleGroup(
            self,
            "Schedules",
            schedule_group_name=names.schedule_group,
            removal_policy=config.data_removal_policy,
        )
        self.trigger_role = iam.Role(
            self,
            "TriggerRole",
            description="Assumed by EventBridge Scheduler and EventBridge rules to start workflows",
            assumed_by=iam.CompositePrincipal(
                iam.ServicePrincipal(
                    "scheduler.amazonaws.com",
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                ),
                iam.ServicePrincipal(
                    "events.amazonaws.com",
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                ),
            ),
        )
        state_machines = names.state_machines_arn()
        self.trigger_role.add_to_policy(
            iam.PolicyStatement(actions=["states:StartExecution"], resources=[state_machines.value])
        )
        acknowledge_wildcard(
            self.trigger_role,
            state_machines,
            "Schedules and event rules start published workflows, whose state machines are created at "
            "run time; the stage's name prefix limits them to this stage.",
        )

    # -- secrets ---------------------------------------------------------------------------
    def _build_jwt_secret(self, config: StageConfig, names: StageNames, data: DataStack) -> None:
        self.jwt_secret = secretsmanager.Secret(
            self,
            "JwtSigningKey",
            secret_name=names.jwt_secret,
            description="HS256 key of the API's bearer tokens and of approval links",
            encryption_key=data.secrets_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=config.data_removal_policy,
        )
        acknowledge(
            self.jwt_secret,
            "AwsSolutions-SMG4",
            "A new signing key invalidates every outstanding approval link (valid for days) and "
            "every signed-in token at once; the control plane verifies with one key, so the key is "
            "rotated by hand (put-secret-value) when needed, not on a schedule.",
        )

    # -- Lambdas ---------------------------------------------------------------------------
    def _build_functions(
        self,
        config: StageConfig,
        names: StageNames,
        data: DataStack,
        runtime: WorkflowRuntimeStack,
        layer: lambda_.ILayerVersion,
    ) -> None:
        code = lambda_code()

        def function(key: str, construct_id: str, name: str, environment: dict[str, str]) -> PlatformFunction:
            """A platform Lambda as ``cdk/manifest.py`` describes it (handler, size, timeout)."""
            spec = PLATFORM_FUNCTIONS[key]
            return PlatformFunction(
                self,
                construct_id,
                config=config,
                function_name=name,
                handler=spec.handler,
                description=spec.description,
                code=code,
                layer=layer,
                service=key,
                memory_mb=spec.memory_mb,
                timeout_seconds=spec.timeout_seconds,
                environment=environment,
            )

        common = {
            ENV_TABLE: names.table,
            ENV_IDEMPOTENCY_TABLE: names.idempotency_table,
            ENV_PAYLOAD_BUCKET: names.payload_bucket_name(),
            ENV_STATE_MACHINE_PREFIX: names.state_machine_prefix,
            ENV_RESOURCE_PREFIX: names.prefix,
            ENV_REGION: self.region,
            ENV_ACCOUNT_ID: self.account,
            ENV_CREDENTIALS_PREFIX: names.credentials_prefix,
            ENV_EXECUTION_ROLE_ARN: runtime.execution_role.role_arn,
        }
        self.events_function = function("events", "EventsFunction", names.events_function, common)
        self.schedules_function = function("schedules", "SchedulesFunction", names.schedules_function, common)
        self.api_function = function(
            "api",
            "ApiFunction",
            names.api_function,
            {
                **common,
                ENV_CREDENTIALS_KEY_ARN: data.secrets_key.key_arn,
                ENV_WEBHOOK_SECRET_PREFIX: names.webhook_secrets_prefix,
                ENV_WORKFLOW_LOG_GROUP_ARN: runtime.log_group.log_group_arn,
                ENV_SCHEDULE_GROUP: self.schedule_group.schedule_group_name,
                ENV_TRIGGER_ROLE_ARN: self.trigger_role.role_arn,
                ENV_SCHEDULE_TARGET_ARN: self.schedules_function.function.function_arn,
                ENV_EVENTS_TARGET_ARN: self.events_function.function.function_arn,
                ENV_USER_POOL_ID: self.user_pool.user_pool_id,
                ENV_JWT_SECRET_ARN: self.jwt_secret.secret_arn,
                ENV_LOCAL_TOKENS: "false",
                ENV_CLIENT_ID_PARAMETER: editor_client_parameter(config.prefix),
            },
        )
        self.webhook_function = function(
            "webhook",
            "WebhookFunction",
            names.webhook_function,
            {**common, ENV_WEBHOOK_SECRET_PREFIX: names.webhook_secrets_prefix},
        )
        self.approvals_function = function(
            "approvals",
            "ApprovalsFunction",
            names.approvals_function,
            {**common, ENV_JWT_SECRET_ARN: self.jwt_secret.secret_arn},
        )
        self._grant_api(names, data, runtime)
        self._grant_trigger(names, data, self.webhook_function.role, webhook=True)
        self._grant_trigger(names, data, self.schedules_function.role, webhook=True)
        self._grant_trigger(names, data, self.events_function.role, webhook=False)
        # The synchronous response mode waits for the run's result (functions/triggers/respond.py).
        self._grant(
            self.webhook_function.role,
            ["states:DescribeExecution"],
            [names.executions_arn()],
            _REASONS["executions"],
        )
        for index, rules in enumerate(names.event_rules_arns()):
            self.events_function.function.add_permission(
                f"InvokedByEventRules{index}",
                principal=iam.ServicePrincipal("events.amazonaws.com"),
                source_account=self.account,
                source_arn=rules.value,
            )
        self.trigger_role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"], resources=[self.schedules_function.function.function_arn]
            )
        )
        self._grant_approvals(names, data)

    def _grant(self, role: iam.IRole, actions: list[str], arns: list[Arn], reason: str | None = None) -> None:
        """Allow ``actions`` on ``arns``; a wildcard ARN needs the reason it is acknowledged with."""
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=actions, resources=[arn.value for arn in arns])
        )
        for arn in arns:
            if "*" in arn.nag:
                if reason is None:
                    raise ValueError(f"{arn.nag} is a wildcard: say why it is needed")
                acknowledge_wildcard(role, arn, reason)

    def _grant_jwt_secret(self, role: iam.IRole, data: DataStack) -> None:
        """Read the signing key (its exact ARN), decrypting through Secrets Manager only."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"], resources=[self.jwt_secret.secret_arn]
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[data.secrets_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}
                },
            )
        )

    def _grant_api(self, names: StageNames, data: DataStack, runtime: WorkflowRuntimeStack) -> None:
        role = self.api_function.role
        self._grant_jwt_secret(role, data)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ssm:GetParameter"],
                resources=[
                    self.format_arn(
                        service="ssm",
                        resource="parameter",
                        resource_name=editor_client_parameter(names.prefix).lstrip("/"),
                    )
                ],
            )
        )
        self._grant(
            role,
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:ConditionCheckItem",
            ],
            [names.table_arn(), names.table_indexes_arn()],
            _REASONS["indexes"],
        )
        self._grant(role, list(IDEMPOTENCY_ACTIONS), [names.idempotency_table_arn()])
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                resources=[data.table_key.key_arn],
            )
        )
        self._grant(role, ["s3:GetObject"], [names.payload_objects_arn()], _REASONS["payloads"])
        self._grant(
            role,
            [
                "secretsmanager:CreateSecret",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:DescribeSecret",
                "secretsmanager:TagResource",
            ],
            [names.credential_secrets_arn(), names.webhook_secrets_arn()],
            _REASONS["secrets"],
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
                resources=[data.secrets_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}
                },
            )
        )
        self._grant(
            role, list(STATE_MACHINE_ACTIONS), [names.state_machines_arn()], _REASONS["state_machines"]
        )
        self._grant(role, list(EXECUTION_ACTIONS), [names.executions_arn()], _REASONS["executions"])
        validate = iam.Policy(
            self,
            "ValidateDefinitions",
            statements=[
                iam.PolicyStatement(actions=["states:ValidateStateMachineDefinition"], resources=["*"])
            ],
            roles=[role],
        )
        acknowledge(
            validate,
            "AwsSolutions-IAM5[Resource::*]",
            "states:ValidateStateMachineDefinition has no resource type: it checks a definition before "
            "any state machine exists, so IAM only accepts *.",
        )
        answer = iam.Policy(
            self,
            "AnswerApprovals",
            statements=[iam.PolicyStatement(actions=list(TASK_TOKEN_ACTIONS), resources=["*"])],
            roles=[role],
        )
        acknowledge(
            answer,
            "AwsSolutions-IAM5[Resource::*]",
            "states:SendTaskSuccess and states:SendTaskFailure act on a task token, not on a named "
            "resource: AWS requires Resource * for them. The token itself (held only in the tenant's "
            "approval record) is what limits which run can be resumed.",
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[runtime.execution_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.trigger_role.role_arn],
                conditions={
                    "StringEquals": {
                        "iam:PassedToService": ["scheduler.amazonaws.com", "events.amazonaws.com"]
                    }
                },
            )
        )
        self._grant(
            role,
            [
                "scheduler:CreateSchedule",
                "scheduler:UpdateSchedule",
                "scheduler:DeleteSchedule",
                "scheduler:GetSchedule",
            ],
            [names.schedules_arn()],
            _REASONS["schedules"],
        )
        self._grant(role, list(EVENT_RULE_ACTIONS), names.event_rules_arns(), _REASONS["rules"])

    def _grant_trigger(self, names: StageNames, data: DataStack, role: iam.IRole, *, webhook: bool) -> None:
        """What a trigger needs: read the workflow and flags, take a quota slot, record the run, start it.

        Only the webhook trigger (and the schedule trigger, which shares its module) reads webhook
        secrets and may start Express workflows synchronously.
        """
        self._grant(
            role,
            # UpdateItem: the per-minute run quota is a counter (functions/shared/store/control.py).
            ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            [names.table_arn(), names.table_indexes_arn()],
            _REASONS["indexes"],
        )
        self._grant(role, list(IDEMPOTENCY_ACTIONS), [names.idempotency_table_arn()])
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                resources=[data.table_key.key_arn],
            )
        )
        if not webhook:
            self._grant(
                role, ["states:StartExecution"], [names.state_machines_arn()], _REASONS["state_machines"]
            )
            return
        self._grant(
            role, ["secretsmanager:GetSecretValue"], [names.webhook_secrets_arn()], _REASONS["secrets"]
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[data.secrets_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}
                },
            )
        )
        self._grant(
            role,
            ["states:StartExecution", "states:StartSyncExecution"],
            [names.state_machines_arn()],
            _REASONS["state_machines"],
        )

    def _grant_approvals(self, names: StageNames, data: DataStack) -> None:
        role = self.approvals_function.role
        self._grant_jwt_secret(role, data)
        self._grant(
            role,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
            [names.table_arn(), names.table_indexes_arn()],
            _REASONS["indexes"],
        )
        self._grant(role, list(IDEMPOTENCY_ACTIONS), [names.idempotency_table_arn()])
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                resources=[data.table_key.key_arn],
            )
        )
        # Notifying approvers sends through the SMTP and Slack connectors' code with the node's
        # credential: read-only, and only credentials tagged for those two connectors.
        credentials = names.credential_secrets_arn()
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                resources=[credentials.value],
                conditions={
                    "StringEquals": {f"secretsmanager:ResourceTag/{CONNECTOR_TAG}": ["slack", "smtp"]}
                },
            )
        )
        acknowledge_wildcard(role, credentials, _REASONS["secrets"])
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[data.secrets_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{self.region}.amazonaws.com"}
                },
            )
        )

    # -- API Gateway -----------------------------------------------------------------------
    def _build_api(self, config: StageConfig) -> None:
        access_logs = logs.LogGroup(
            self,
            "ApiAccessLogs",
            retention=config.log_retention,
            removal_policy=config.data_removal_policy,
        )
        cors_origins = [f"https://{config.domain_name}"] if config.domain_name else apigw.Cors.ALL_ORIGINS
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=f"{config.prefix}-api",
            description="WFAIB control plane API and webhooks",
            cloud_watch_role=True,
            # The logging role is an account-wide API Gateway setting shared by every stage.
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=cors_origins,
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            ),
            deploy_options=apigw.StageOptions(
                stage_name=API_STAGE_NAME,
                throttling_rate_limit=config.api_rate_limit,
                throttling_burst_limit=config.api_burst_limit,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
        )
        integrations = {
            "api": apigw.LambdaIntegration(self.api_function.function),
            "webhook": apigw.LambdaIntegration(self.webhook_function.function),
        }
        for path, route in ROUTES.items():
            resource = _resource(self.api.root, path)
            for http_method in route.methods:
                method = resource.add_method(http_method, integrations[route.target])
                for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
                    acknowledge(
                        method,
                        rule,
                        f"{http_method} /{path} has no gateway authorizer: {route.authenticated_by}.",
                    )
        acknowledge(
            self.api,
            "AwsSolutions-APIG2",
            "Every route proxies to a Lambda that validates the request with pydantic models and "
            "returns the spec's error body; a gateway validator would answer with another format.",
        )
        acknowledge(
            self.api,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "The account-level API Gateway logging role needs AWS's managed push-to-CloudWatch policy; "
            "it has no customer-managed equivalent.",
        )

    def _build_waf(self, config: StageConfig) -> None:
        def managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
            return wafv2.CfnWebACL.RuleProperty(
                name=name,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=name
                    )
                ),
                visibility_config=_visibility(name),
            )

        self.web_acl = wafv2.CfnWebACL(
            self,
            "ApiWebAcl",
            name=f"{config.prefix}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(f"{config.prefix}-api"),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="RateLimitPerIp",
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=config.waf_rate_limit_per_5min, aggregate_key_type="IP"
                        )
                    ),
                    visibility_config=_visibility("RateLimitPerIp"),
                ),
                managed("AWSManagedRulesAmazonIpReputationList", 1),
                managed("AWSManagedRulesCommonRuleSet", 2),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
            ],
        )
        association = wafv2.CfnWebACLAssociation(
            self,
            "ApiWebAclAssociation",
            resource_arn=self.api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        association.node.add_dependency(self.api.deployment_stage)


def _resource(root: apigw.IResource, path: str) -> apigw.Resource | apigw.IResource:
    """The resource at ``path`` below ``root`` (``a/b/{proxy+}``), created on first use."""
    resource = root
    for part in (p for p in path.split("/") if p):
        resource = resource.get_resource(part) or resource.add_resource(part)
    return resource


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )
