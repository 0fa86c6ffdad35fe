"""Control plane: throttled, WAF-protected API with Cognito; webhooks; scheduler group."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from cdk.config import StageConfig
from cdk.manifest import ENV_JWT_SECRET_ARN, PLATFORM_FUNCTIONS
from cdk.stage_names import StageNames
from tests.infra.assembly import Synth
from tests.infra.cfn import render, resources_of

# Variables read outside the Settings model: settings_from_env() fetches the signing key by this ARN.
READ_BY_SETTINGS_FROM_ENV = {ENV_JWT_SECRET_ARN}


def _function(template: dict[str, Any], name: str) -> dict[str, Any]:
    (function,) = (
        r
        for r in resources_of(template, "AWS::Lambda::Function").values()
        if r["Properties"].get("FunctionName") == name
    )
    return function


def _function_logical_id(template: dict[str, Any], name: str) -> str:
    (lid,) = (
        lid
        for lid, r in resources_of(template, "AWS::Lambda::Function").items()
        if r["Properties"].get("FunctionName") == name
    )
    return lid


def _routes(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """``(path, http method) -> method properties`` of every non-OPTIONS API Gateway method."""
    resources = resources_of(template, "AWS::ApiGateway::Resource")

    def path_of(reference: Any) -> str:
        if "Fn::GetAtt" in reference:  # the root resource
            return ""
        resource = resources[reference["Ref"]]["Properties"]
        return f"{path_of(resource['ParentId'])}/{resource['PathPart']}"

    return {
        (path_of(m["Properties"]["ResourceId"]) or "/", m["Properties"]["HttpMethod"]): m["Properties"]
        for m in resources_of(template, "AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] != "OPTIONS"
    }


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


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_route_reaches_the_function_that_authenticates_it(assembly: Synth, stage: str) -> None:
    # API Gateway's Cognito authorizer would refuse API keys, so the API Lambda checks every request.
    template = assembly.template(f"wfaib-{stage}-control-plane")
    assert not resources_of(template, "AWS::ApiGateway::Authorizer")
    api_function = _function_logical_id(template, f"wfaib-{stage}-api")
    webhook_function = _function_logical_id(template, f"wfaib-{stage}-webhook")
    routes = _routes(template)
    assert {route: properties["AuthorizationType"] for route, properties in routes.items()} == {
        ("/", "ANY"): "NONE",
        ("/{proxy+}", "ANY"): "NONE",
        ("/hooks/{proxy+}", "POST"): "NONE",
    }
    for route, properties in routes.items():
        target = webhook_function if route[0].startswith("/hooks/") else api_function
        assert f"${{{target}.Arn}}" in render(properties["Integration"]["Uri"]), route


def test_every_method_says_who_authenticates_it(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    for lid, method in resources_of(template, "AWS::ApiGateway::Method").items():
        if method["Properties"]["HttpMethod"] == "OPTIONS":
            continue
        reasons = {
            rule["id"]: rule["reason"]
            for rule in method.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
        }
        assert {"AwsSolutions-APIG4", "AwsSolutions-COG4"} <= reasons.keys(), lid
        assert "Lambda" in reasons["AwsSolutions-APIG4"], lid


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


@pytest.mark.parametrize("key", ["api", "webhook", "schedules", "events", "approvals"])
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


@pytest.mark.parametrize("key", ["api", "webhook", "schedules", "events", "approvals"])
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
        "WFAIB_CLAIM_CHECK_BUCKET",  # connector SDK claim-check
        "WFAIB_STATE_MACHINE_PREFIX",
        "WFAIB_CREDENTIALS_KEY_ARN",
        "WFAIB_WEBHOOK_SECRET_PREFIX",
        "WFAIB_WORKFLOW_LOG_GROUP_ARN",
        "WFAIB_USER_POOL_ID",
        "WFAIB_STAGE",  # logging context
    }
    unknown = (
        {v for v in variables if v.startswith("WFAIB_")} - fields - read_elsewhere - READ_BY_SETTINGS_FROM_ENV
    )
    assert unknown == set()


def test_the_signing_key_is_a_generated_kms_encrypted_secret_passed_by_arn(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    secrets = resources_of(template, "AWS::SecretsManager::Secret")
    ((secret_id, secret),) = secrets.items()
    properties = secret["Properties"]
    assert properties["Name"] == "wfaib/dev/platform/jwt-signing-key"
    assert properties["GenerateSecretString"]["PasswordLength"] >= 32
    assert "SecretString" not in properties
    assert "SecretsKey" in render(properties["KmsKeyId"])
    for name in ("wfaib-dev-api", "wfaib-dev-approvals"):
        variables = _function(template, name)["Properties"]["Environment"]["Variables"]
        assert variables[ENV_JWT_SECRET_ARN] == {"Ref": secret_id}, name
    for function in resources_of(template, "AWS::Lambda::Function").values():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        assert "WFAIB_JWT_SECRET" not in variables, function["Properties"].get("FunctionName")


def test_approval_links_point_at_the_public_api_url(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    (rest_api_id,) = resources_of(template, "AWS::ApiGateway::RestApi")
    (stage_id,) = resources_of(template, "AWS::ApiGateway::Stage")
    url = render(
        _function(template, "wfaib-dev-approvals")["Properties"]["Environment"]["Variables"][
            "WFAIB_PUBLIC_API_URL"
        ]
    )
    assert (
        url == f"https://${{{rest_api_id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{stage_id}}}/"
    )


def test_api_starts_event_rules_on_the_events_function(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    events_id = _function_logical_id(template, "wfaib-dev-events")
    variables = _function(template, "wfaib-dev-api")["Properties"]["Environment"]["Variables"]
    assert variables["WFAIB_EVENTS_TARGET_ARN"] == {"Fn::GetAtt": [events_id, "Arn"]}


def test_only_this_stages_event_rules_may_invoke_the_events_function(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    events_id = _function_logical_id(template, "wfaib-dev-events")
    permissions = [
        p["Properties"]
        for p in resources_of(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [events_id, "Arn"]}
    ]
    assert [(p["Principal"], render(p["SourceArn"]), p["SourceAccount"]) for p in permissions] == [
        (
            "events.amazonaws.com",
            "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/wfaib-dev-*",
            {"Ref": "AWS::AccountId"},
        )
    ]


def test_webhook_outlives_the_synchronous_response_wait(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    assert _function(template, "wfaib-dev-webhook")["Properties"]["Timeout"] >= 30


def test_custom_event_buses_get_their_own_rule_prefix() -> None:
    names = StageNames(StageConfig(stage="dev", event_buses=("orders", "billing.prod")))
    assert [arn.nag for arn in names.event_rules_arns()] == [
        "arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/wfaib-dev-*",
        "arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/orders/wfaib-dev-*",
        "arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/billing.prod/wfaib-dev-*",
    ]
    assert [arn.nag for arn in StageNames(StageConfig(stage="dev")).event_rules_arns()] == [
        "arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/wfaib-dev-*"
    ]


@pytest.mark.parametrize("buses", [("default",), ("a/b",), ("",)])
def test_event_buses_are_custom_bus_names(buses: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="event_buses"):
        StageConfig(stage="dev", event_buses=buses)
