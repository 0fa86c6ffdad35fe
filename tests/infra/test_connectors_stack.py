"""Connectors stack: one arm64 Lambda per catalog entry, and a code sandbox without permissions."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match

from cdk.manifest import CONNECTOR_HANDLER, CONNECTOR_TAG
from tests.infra.assembly import Synth
from tests.infra.cfn import resources_of, role_statements


def test_one_function_per_catalog_entry_plus_the_sandbox(assembly: Synth, catalog_ids: list[str]) -> None:
    functions = resources_of(assembly.template("wfaib-dev-connectors"), "AWS::Lambda::Function")
    names = sorted(f["Properties"]["FunctionName"] for f in functions.values())
    assert names == sorted([*(f"wfaib-dev-connector-{i}" for i in catalog_ids), "wfaib-dev-code-python"])


def test_connector_functions_run_the_sdk_handler_on_arm64_with_the_layer(
    templates: dict[str, Any], catalog_ids: list[str]
) -> None:
    template = templates["wfaib-dev-connectors"]
    for connector_id in catalog_ids:
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "FunctionName": f"wfaib-dev-connector-{connector_id}",
                "Handler": CONNECTOR_HANDLER,
                "Runtime": "python3.12",
                "Architectures": ["arm64"],
                "TracingConfig": {"Mode": "Active"},
                "Layers": [Match.any_value()],
                "Environment": {
                    "Variables": Match.object_like(
                        {"WFAIB_CONNECTOR": connector_id, "WFAIB_TABLE_NAME": "wfaib-dev-platform"}
                    )
                },
            },
        )
    template.resource_count_is("AWS::Lambda::LayerVersion", 1)
    template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleArchitectures": ["arm64"], "CompatibleRuntimes": ["python3.12"]},
    )


def test_connectors_read_only_credentials_tagged_with_their_own_id(
    assembly: Synth, catalog_ids: list[str]
) -> None:
    template = assembly.template("wfaib-dev-connectors")
    functions = resources_of(template, "AWS::Lambda::Function")
    for connector_id in catalog_ids:
        function = next(
            f
            for f in functions.values()
            if f["Properties"]["FunctionName"] == f"wfaib-dev-connector-{connector_id}"
        )
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        secret_statements = [
            s
            for s in role_statements(template, role)
            if any(a.startswith("secretsmanager:") for a in s["Action"])
        ]
        assert len(secret_statements) == 1
        assert secret_statements[0]["Condition"] == {
            "StringEquals": {f"secretsmanager:ResourceTag/{CONNECTOR_TAG}": connector_id}
        }


def test_code_sandbox_has_no_permissions_no_secrets_no_tracing(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-connectors")
    sandbox = next(
        f
        for f in resources_of(template, "AWS::Lambda::Function").values()
        if f["Properties"]["FunctionName"] == "wfaib-dev-code-python"
    )
    properties = sandbox["Properties"]
    assert properties["Handler"] == "functions.code_sandbox.handler.handler"
    assert properties["Architectures"] == ["arm64"]
    role_id = properties["Role"]["Fn::GetAtt"][0]
    role = template["Resources"][role_id]["Properties"]
    assert "ManagedPolicyArns" not in role
    assert "Policies" not in role
    assert role_statements(template, role_id) == []
    assert set(properties["Environment"]["Variables"]) == {
        "WFAIB_STAGE",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
    }
    assert properties.get("TracingConfig", {}).get("Mode") != "Active"


def test_lambda_code_asset_holds_only_the_runtime_packages(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-connectors")
    function = next(iter(resources_of(template, "AWS::Lambda::Function").values()))
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    staged = {p.name for p in (assembly.outdir / f"asset.{asset_hash}").iterdir()}
    assert staged == {"state_machines", "connectors", "functions"}


def test_connectors_may_only_batch_read_flags_and_update_counters_in_the_platform_table(
    templates: dict[str, Any],
) -> None:
    template = templates["wfaib-dev-connectors"]
    statements = [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(str(action).startswith("dynamodb:") for action in _as_list(statement["Action"]))
    ]
    assert statements
    actions = {tuple(_as_list(statement["Action"])) for statement in statements}
    assert actions == {("dynamodb:BatchGetItem",), ("dynamodb:UpdateItem",)}
    assert all("platform" in json.dumps(statement["Resource"]) for statement in statements)
    updates = [s for s in statements if _as_list(s["Action"]) == ["dynamodb:UpdateItem"]]
    for statement in updates:
        condition = statement["Condition"]
        assert condition["ForAllValues:StringLike"] == {"dynamodb:LeadingKeys": ["TENANT#*"]}
        allowed = set(condition["ForAllValues:StringEquals"]["dynamodb:Attributes"])
        assert allowed == {"pk", "sk", "tokens_in", "tokens_out", "calls", "provider", "model", "day"} | {
            "used",
            "expires_at",
        }


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
