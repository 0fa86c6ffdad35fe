"""The approvals function may read only the credentials of the connectors it notifies through."""

from __future__ import annotations

from typing import Any

from tests.infra.assembly import Synth
from tests.infra.cfn import as_list, render, resources_of, role_statements


def _approvals_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    (function,) = (
        resource
        for resource in resources_of(template, "AWS::Lambda::Function").values()
        if resource["Properties"].get("FunctionName") == "wfaib-dev-approvals"
    )
    return role_statements(template, function["Properties"]["Role"]["Fn::GetAtt"][0])


def test_the_approvals_function_reads_smtp_and_slack_credentials_only_and_writes_none(
    assembly: Synth,
) -> None:
    statements = _approvals_statements(assembly.template("wfaib-dev-control-plane"))
    credential_statements = [
        statement
        for statement in statements
        if any("credentials/" in render(resource) for resource in as_list(statement["Resource"]))
    ]

    assert [as_list(statement["Action"]) for statement in credential_statements] == [
        ["secretsmanager:GetSecretValue"]
    ]
    (reading,) = credential_statements
    assert reading["Condition"] == {
        "StringEquals": {"secretsmanager:ResourceTag/wfaib:connector": ["slack", "smtp"]}
    }
    actions = {action for statement in statements for action in as_list(statement["Action"])}
    assert not actions & {"secretsmanager:PutSecretValue", "secretsmanager:CreateSecret"}


def test_the_approvals_function_has_time_for_its_notifications(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    (function,) = (
        resource
        for resource in resources_of(template, "AWS::Lambda::Function").values()
        if resource["Properties"].get("FunctionName") == "wfaib-dev-approvals"
    )

    assert function["Properties"]["Timeout"] == 60
