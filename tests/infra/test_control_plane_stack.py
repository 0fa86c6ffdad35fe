"""Control plane: throttled, WAF-protected API with Cognito; webhooks; scheduler group."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from cdk.manifest import PLATFORM_FUNCTIONS
from tests.infra.assembly import Synth
from tests.infra.cfn import resources_of


@pytest.mark.parametrize(("stage", "rate", "burst"), [("dev", 25, 50), ("prod", 200, 400)])
def test_api_stage_is_throttled_traced_and_logged(
    templates: dict[str, Any], stage: str, rate: int, burst: int
) -> None:
    templates[f"wfaib-{stage}-control-plane"].has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
            "MethodSettings": Match.array_with(
                [Match.object_like({"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst})]
            ),
        },
    )


def test_api_is_behind_a_regional_waf_web_acl(assembly: Synth, templates: dict[str, Any]) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    ((acl_id, acl),) = resources_of(template, "AWS::WAFv2::WebACL").items()
    assert acl["Properties"]["Scope"] == "REGIONAL"
    rules = {rule["Name"] for rule in acl["Properties"]["Rules"]}
    assert {"RateLimitPerIp", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= rules
    (association,) = resources_of(template, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    (stage_id,) = resources_of(template, "AWS::ApiGateway::Stage")
    assert stage_id in str(association["Properties"]["ResourceArn"])


def test_api_routes_use_cognito_except_the_self_authenticating_ones(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    methods = resources_of(template, "AWS::ApiGateway::Method").values()
    by_type: dict[str, int] = {}
    for method in methods:
        properties = method["Properties"]
        if properties["HttpMethod"] == "OPTIONS":
            continue
        kind = properties["AuthorizationType"]
        by_type[kind] = by_type.get(kind, 0) + 1
    # ANY / and ANY /{proxy+} behind Cognito; POST /hooks/{proxy+}, ANY /approvals/{proxy+},
    # GET /openapi.json authenticate themselves.
    assert by_type == {"COGNITO_USER_POOLS": 2, "NONE": 3}


@pytest.mark.parametrize(("stage", "mfa"), [("dev", "OPTIONAL"), ("prod", "ON")])
def test_user_pool_is_invite_only_with_mfa(templates: dict[str, Any], stage: str, mfa: str) -> None:
    template = templates[f"wfaib-{stage}-control-plane"]
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "MfaConfiguration": mfa,
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "Policies": {"PasswordPolicy": Match.object_like({"MinimumLength": 12, "RequireSymbols": True})},
        },
    )
    template.resource_count_is("AWS::Cognito::UserPoolGroup", 4)


@pytest.mark.parametrize("key", ["api", "webhook", "schedules", "approvals"])
def test_platform_functions_deploy_the_manifest_handlers(templates: dict[str, Any], key: str) -> None:
    templates["wfaib-dev-control-plane"].has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": f"wfaib-dev-{key}",
            "Handler": PLATFORM_FUNCTIONS[key].handler,
            "Architectures": ["arm64"],
            "Runtime": "python3.12",
        },
    )


def test_scheduler_group_and_outputs(templates: dict[str, Any]) -> None:
    template = templates["wfaib-dev-control-plane"]
    template.has_resource_properties("AWS::Scheduler::ScheduleGroup", {"Name": "wfaib-dev"})
    for output in ("ApiEndpoint", "UserPoolId", "ScheduleGroupName", "TriggerRoleArn", "WebhookBaseUrl"):
        template.has_output(output, Match.any_value())


def test_api_knows_the_execution_role_and_log_group(templates: dict[str, Any]) -> None:
    templates["wfaib-dev-control-plane"].has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "wfaib-dev-api",
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "WFAIB_STATE_MACHINE_ROLE_ARN": Match.any_value(),
                        "WFAIB_WORKFLOW_LOG_GROUP_ARN": Match.any_value(),
                        "WFAIB_STATE_MACHINE_PREFIX": "wfaib-dev-",
                        "WFAIB_TABLE_NAME": "wfaib-dev-platform",
                    }
                )
            },
        },
    )


@pytest.mark.parametrize("key", ["api", "webhook", "schedules"])
def test_platform_function_environment_names_are_settings_fields(templates: dict[str, Any], key: str) -> None:
    """The WFAIB_* variables the stack sets are the ones functions.shared.settings.Settings reads."""
    from functions.shared.settings import Settings

    fields = {f"WFAIB_{name.upper()}" for name in Settings.model_fields}
    functions = templates["wfaib-dev-control-plane"].find_resources(
        "AWS::Lambda::Function", {"Properties": {"FunctionName": f"wfaib-dev-{key}"}}
    )
    (function,) = functions.values()
    variables = set(function["Properties"]["Environment"]["Variables"])
    for required in ("WFAIB_TABLE_NAME", "WFAIB_RESOURCE_PREFIX", "WFAIB_REGION", "WFAIB_ACCOUNT_ID"):
        assert required in variables
    assert "WFAIB_CREDENTIAL_PREFIX" in variables and "WFAIB_STATE_MACHINE_ROLE_ARN" in variables
    read_elsewhere = {
        "WFAIB_IDEMPOTENCY_TABLE_NAME",  # Powertools idempotency layer
        "WFAIB_CLAIM_CHECK_BUCKET",  # connector SDK claim-check
        "WFAIB_STATE_MACHINE_PREFIX",
        "WFAIB_CREDENTIALS_KEY_ARN",
        "WFAIB_WEBHOOK_SECRET_PREFIX",
        "WFAIB_WORKFLOW_LOG_GROUP_ARN",
        "WFAIB_USER_POOL_ID",
        "WFAIB_STAGE",  # logging context
    }
    unknown = {v for v in variables if v.startswith("WFAIB_")} - fields - read_elsewhere
    assert unknown == set()
