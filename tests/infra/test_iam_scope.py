"""The scope of every IAM policy in every template.

No statement grants a service-wide action (``svc:*``) or ``*``; a statement on ``Resource: *``
only names actions that have no resource-level permissions; the execution role of the state
machines may invoke exactly the connector functions, the code sandbox and the approvals function,
and holds exactly the actions of ``cdk.manifest.SERVICE_INTEGRATIONS``.
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk.manifest import SERVICE_INTEGRATIONS
from cdk.stacks.workflow_runtime import LOG_DELIVERY_ACTIONS, XRAY_ACTIONS
from tests.infra.assembly import STAGES, Synth
from tests.infra.cfn import as_list, iam_statements, render, resources_of, role_statements

# Actions that AWS only authorizes on "*" (no resource types), as they appear in our templates.
ACTIONS_WITHOUT_RESOURCE_TYPES = {
    *LOG_DELIVERY_ACTIONS,
    *XRAY_ACTIONS,
    "states:ValidateStateMachineDefinition",
    "logs:DeleteResourcePolicy",  # CDK's custom resource that lets EventBridge write a log group
    "cloudfront:CreateInvalidation",  # CDK's BucketDeployment handler
    "cloudfront:GetInvalidation",
    # Task tokens of .waitForTaskToken integrations are no resource IAM can name (approvals).
    "states:SendTaskSuccess",
    "states:SendTaskFailure",
}

TASK_TOKEN_ACTIONS = {"states:SendTaskSuccess", "states:SendTaskFailure"}


def _function_role_statements(template: dict[str, Any], function_name: str) -> list[dict[str, Any]]:
    (function,) = (
        r
        for r in resources_of(template, "AWS::Lambda::Function").values()
        if r["Properties"].get("FunctionName") == function_name
    )
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    return role_statements(template, role_id)


def _grants(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """action -> rendered resources, over every statement."""
    granted: dict[str, set[str]] = {}
    for statement in statements:
        for action in as_list(statement["Action"]):
            granted.setdefault(action, set()).update(render(r) for r in as_list(statement["Resource"]))
    return granted


def _arn(service: str, resource: str) -> str:
    return f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"


def _all_statements(assembly: Synth) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, lid, statement)
        for path in assembly.template_paths
        for lid, statement in iam_statements(assembly.template(path.name.removesuffix(".template.json")))
    ]


def test_no_statement_allows_every_action_of_a_service(assembly: Synth) -> None:
    statements = _all_statements(assembly)
    assert len(statements) > 50
    for name, lid, statement in statements:
        assert statement["Effect"] == "Allow", (name, lid)
        for action in as_list(statement["Action"]):
            assert action != "*" and not action.endswith(":*"), (name, lid, action)


def test_resource_star_only_for_actions_without_resource_types(assembly: Synth) -> None:
    for name, lid, statement in _all_statements(assembly):
        if "*" in as_list(statement.get("Resource", [])):
            extra = set(as_list(statement["Action"])) - ACTIONS_WITHOUT_RESOURCE_TYPES
            assert not extra, (name, lid, extra)


def _execution_role(assembly: Synth, stage: str) -> list[dict[str, Any]]:
    template = assembly.template(f"wfaib-{stage}-runtime")
    (role_id,) = resources_of(template, "AWS::IAM::Role")
    return role_statements(template, role_id)


@pytest.mark.parametrize("stage", STAGES)
def test_execution_role_invokes_exactly_the_platform_functions(
    assembly: Synth, catalog_ids: list[str], stage: str
) -> None:
    invoked = {
        render(resource)
        for statement in _execution_role(assembly, stage)
        if "lambda:InvokeFunction" in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }
    names = [*(f"connector-{i}" for i in catalog_ids), "code-python", "approvals"]
    expected = {
        f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:wfaib-{stage}-{name}{qualifier}"
        for name in names
        for qualifier in ("", ":*")
    }
    assert invoked == expected


def test_execution_role_holds_exactly_the_compiler_integrations(assembly: Synth) -> None:
    granted = {a for s in _execution_role(assembly, "dev") for a in as_list(s["Action"])}
    integrations = {a for i in SERVICE_INTEGRATIONS for g in i.grants for a in g.actions}
    # webhook.respond writes into the (encrypted) platform table: its key, through DynamoDB only.
    table_key = {"kms:Decrypt", "kms:GenerateDataKey"}
    assert granted == integrations | set(LOG_DELIVERY_ACTIONS) | set(XRAY_ACTIONS) | table_key


def _is_webhook_response_grant(statement: dict[str, Any]) -> bool:
    return as_list(statement["Action"]) == ["dynamodb:PutItem"] and "wfaib-dev-platform" in render(
        statement["Resource"]
    )


def test_execution_role_reaches_customer_resources_only_under_the_user_prefix(assembly: Synth) -> None:
    for statement in _execution_role(assembly, "dev"):
        services = {a.split(":")[0] for a in as_list(statement["Action"])}
        if services & {"sqs", "sns", "dynamodb", "s3"} and not _is_webhook_response_grant(statement):
            for resource in as_list(statement["Resource"]):
                assert "wfaib-dev-user-*" in render(resource), statement


def test_execution_role_writes_only_webhook_responses_into_the_platform_table(assembly: Synth) -> None:
    statements = _execution_role(assembly, "dev")
    (grant,) = [s for s in statements if _is_webhook_response_grant(s)]
    assert grant["Condition"]["ForAllValues:StringLike"] == {"dynamodb:LeadingKeys": ["WEBHOOK#RESPONSE#*"]}
    assert set(grant["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"]) == {
        "pk",
        "sk",
        "response",
        "tenant",
        "expires_at",
    }
    (key,) = [s for s in statements if "kms:GenerateDataKey" in as_list(s["Action"])]
    assert key["Condition"]["ForAnyValue:StringEquals"] == {"kms:ResourceAliases": ["alias/wfaib-dev-data"]}
    assert "dynamodb." in render(key["Condition"]["StringEquals"]["kms:ViaService"])


def test_execution_role_is_assumed_only_by_step_functions_of_this_account(templates: dict[str, Any]) -> None:
    templates["wfaib-dev-runtime"].has_resource_properties(
        "AWS::IAM::Role",
        {
            "RoleName": "wfaib-dev-state-machine-execution",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "states.amazonaws.com"},
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                    }
                ],
            },
        },
    )


def test_trigger_role_may_only_start_this_stages_workflows_or_call_the_schedule_trigger(
    assembly: Synth,
) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    role_id = next(lid for lid in resources_of(template, "AWS::IAM::Role") if lid.startswith("TriggerRole"))
    statements = role_statements(template, role_id)
    assert [(as_list(s["Action"]), [render(r) for r in as_list(s["Resource"])]) for s in statements] == [
        (
            ["states:StartExecution"],
            ["arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:wfaib-dev-*"],
        ),
        (["lambda:InvokeFunction"], ["${SchedulesFunction2B73EDC1.Arn}"]),
    ]


def test_api_passes_roles_only_to_their_services(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    passes = [s for _, s in iam_statements(template) if "iam:PassRole" in as_list(s["Action"])]
    assert len(passes) == 2
    services = sorted(str(s["Condition"]["StringEquals"]["iam:PassedToService"]) for s in passes)
    assert services == ["['scheduler.amazonaws.com', 'events.amazonaws.com']", "states.amazonaws.com"]


def test_platform_functions_never_reach_other_stages(assembly: Synth) -> None:
    for stage in STAGES:
        other = next(s for s in STAGES if s != stage)
        for part in ("connectors", "runtime", "control-plane"):
            for _, statement in iam_statements(assembly.template(f"wfaib-{stage}-{part}")):
                for resource in as_list(statement.get("Resource", [])):
                    rendered = render(resource)
                    assert f"wfaib-{other}-" not in rendered and f"wfaib/{other}/" not in rendered


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_api_answers_task_tokens_and_only_in_their_own_statement(
    assembly: Synth, stage: str
) -> None:
    template = assembly.template(f"wfaib-{stage}-control-plane")
    api = _function_role_statements(template, f"wfaib-{stage}-api")
    answering = [s for s in api if TASK_TOKEN_ACTIONS & set(as_list(s["Action"]))]
    assert [(set(as_list(s["Action"])), as_list(s["Resource"])) for s in answering] == [
        (TASK_TOKEN_ACTIONS, ["*"])
    ]
    for path in assembly.template_paths:
        for lid, statement in iam_statements(assembly.template(path.name.removesuffix(".template.json"))):
            if TASK_TOKEN_ACTIONS & set(as_list(statement["Action"])):
                assert statement in answering, (path.name, lid)


@pytest.mark.parametrize("stage", STAGES)
def test_api_manages_only_this_stages_event_rules(assembly: Synth, stage: str) -> None:
    granted = _grants(
        _function_role_statements(assembly.template(f"wfaib-{stage}-control-plane"), f"wfaib-{stage}-api")
    )
    events = {action: resources for action, resources in granted.items() if action.startswith("events:")}
    rules = {_arn("events", f"rule/wfaib-{stage}-*")}
    assert events == {
        "events:PutRule": rules,
        "events:PutTargets": rules,
        "events:RemoveTargets": rules,
        "events:DeleteRule": rules,
        "events:TagResource": rules,
    }


def test_events_function_reads_the_table_records_the_run_and_starts_this_stages_workflows(
    assembly: Synth,
) -> None:
    granted = _grants(
        _function_role_statements(assembly.template("wfaib-dev-control-plane"), "wfaib-dev-events")
    )
    table = {
        _arn("dynamodb", "table/wfaib-dev-platform"),
        _arn("dynamodb", "table/wfaib-dev-platform/index/*"),
    }
    idempotency = {_arn("dynamodb", "table/wfaib-dev-idempotency")}
    assert {a: r for a, r in granted.items() if a.startswith("dynamodb:")} == {
        "dynamodb:GetItem": table | idempotency,
        "dynamodb:Query": table,
        "dynamodb:PutItem": table | idempotency,
        "dynamodb:UpdateItem": table | idempotency,
        "dynamodb:DeleteItem": idempotency,
    }
    assert granted["states:StartExecution"] == {_arn("states", "stateMachine:wfaib-dev-*")}
    services = {action.split(":")[0] for action in granted}
    assert services == {"dynamodb", "kms", "states", "logs", "xray"}
    assert {a for a in granted if a.startswith("states:")} == {"states:StartExecution"}


@pytest.mark.parametrize(
    ("function", "describes"), [("webhook", True), ("schedules", False), ("events", False)]
)
def test_only_the_webhook_waits_on_executions(assembly: Synth, function: str, describes: bool) -> None:
    granted = _grants(
        _function_role_statements(assembly.template("wfaib-dev-control-plane"), f"wfaib-dev-{function}")
    )
    expected = {_arn("states", "execution:wfaib-dev-*")} if describes else None
    assert granted.get("states:DescribeExecution") == expected
    # Every trigger takes a slot of the tenant's run quota, an UpdateItem on the platform table.
    assert _arn("dynamodb", "table/wfaib-dev-platform") in granted["dynamodb:UpdateItem"]


def test_the_signing_key_is_read_only_by_the_api_and_the_approvals_function(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-control-plane")
    (secret_id,) = resources_of(template, "AWS::SecretsManager::Secret")
    readers = []
    for function in resources_of(template, "AWS::Lambda::Function").values():
        name = function["Properties"]["FunctionName"]
        statements = role_statements(template, function["Properties"]["Role"]["Fn::GetAtt"][0])
        if any({"Ref": secret_id} in as_list(s["Resource"]) for s in statements):
            readers.append(name)
            reading = [s for s in statements if {"Ref": secret_id} in as_list(s["Resource"])]
            assert [as_list(s["Action"]) for s in reading] == [["secretsmanager:GetSecretValue"]]
    assert sorted(readers) == ["wfaib-dev-api", "wfaib-dev-approvals"]
