"""Identity in the deployed stacks: the tenant attribute, the editor's Hosted UI client, and what the API trusts."""

from __future__ import annotations

from typing import Any

from cdk.stacks.control_plane import editor_client_parameter
from tests.infra.assembly import Synth
from tests.infra.cfn import render, resources_of, role_statements

PARAMETER = editor_client_parameter("wfaib-dev")


def _api_function(template: dict[str, Any]) -> dict[str, Any]:
    (function,) = (
        resource
        for resource in resources_of(template, "AWS::Lambda::Function").values()
        if resource["Properties"].get("FunctionName") == "wfaib-dev-api"
    )
    return function


def test_users_carry_an_immutable_tenant_attribute(assembly: Synth) -> None:
    (pool,) = resources_of(assembly.template("wfaib-dev-control-plane"), "AWS::Cognito::UserPool").values()
    (tenant,) = [item for item in pool["Properties"]["Schema"] if item["Name"] == "tenant"]
    assert tenant["AttributeDataType"] == "String" and tenant["Mutable"] is False


def test_the_api_trusts_the_user_pool_and_the_editor_client_but_not_local_tokens(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    function = _api_function(template)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["WFAIB_LOCAL_TOKENS"] == "false"
    assert variables["WFAIB_COGNITO_CLIENT_ID_PARAMETER"] == PARAMETER
    (pool_id,) = resources_of(template, "AWS::Cognito::UserPool")
    assert variables["WFAIB_USER_POOL_ID"] == {"Ref": pool_id}

    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    reads = [s for s in role_statements(template, role_id) if "ssm:GetParameter" in s["Action"]]
    assert [render(s["Resource"]) for s in reads] == [
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{PARAMETER}"
    ]


def test_the_settings_read_the_api_environment_as_meant() -> None:
    from functions.shared.settings import Settings

    settings = Settings(
        jwt_secret="s",
        local_tokens="false",  # type: ignore[arg-type]  # as the environment spells it
        cognito_client_id_parameter=PARAMETER,
        user_pool_id="eu-west-1_AbC",
    )
    assert settings.local_tokens is False and settings.cognito_client_id_parameter == PARAMETER


def test_the_web_stack_publishes_the_editor_client_for_the_api(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-web")
    (client_id,) = resources_of(template, "AWS::Cognito::UserPoolClient")
    (parameter,) = resources_of(template, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == PARAMETER
    assert parameter["Properties"]["Value"] == {"Ref": client_id}


def test_the_hosted_ui_returns_to_the_editor_url_that_config_json_names(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-web")
    (client,) = resources_of(template, "AWS::Cognito::UserPoolClient").values()
    (distribution_id,) = resources_of(template, "AWS::CloudFront::Distribution")
    editor_url = f"https://${{{distribution_id}.DomainName}}/"
    properties = client["Properties"]
    assert properties["AllowedOAuthFlows"] == ["code"]
    assert set(properties["AllowedOAuthScopes"]) == {"openid", "email", "profile"}
    assert editor_url in [render(url) for url in properties["CallbackURLs"]]
    assert editor_url in [render(url) for url in properties["LogoutURLs"]]
    (deployment,) = resources_of(template, "Custom::CDKBucketDeployment").values()
    config_values = [render(value) for value in deployment["Properties"]["SourceMarkers"][1].values()]
    # The JSON document quotes each value it fills in: the editor URL appears as redirect and logout.
    assert config_values.count(f'"{editor_url}"') == 2
