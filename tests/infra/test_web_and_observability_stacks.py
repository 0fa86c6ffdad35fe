"""Web stack (private bucket behind CloudFront OAC) and observability stack (dashboard, alarms)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk.assertions import Match

from cdk.paths import PLACEHOLDER_SITE
from cdk.stacks.observability import ALARM_NAMES
from cdk.stacks.web import editor_site_source
from tests.infra.assembly import Synth
from tests.infra.cfn import resources_of


def test_site_bucket_is_private_and_read_through_origin_access_control(templates: dict[str, Any]) -> None:
    template = templates["wfaib-dev-web"]
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": Match.object_like(
                {"BlockPublicPolicy": True, "RestrictPublicBuckets": True}
            )
        },
    )
    template.resource_count_is("AWS::CloudFront::OriginAccessControl", 1)
    template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultRootObject": "index.html",
                    "Origins": [Match.object_like({"OriginAccessControlId": Match.any_value()})],
                    "DefaultCacheBehavior": Match.object_like({"ViewerProtocolPolicy": "redirect-to-https"}),
                    "Logging": Match.object_like({"Prefix": "editor-cdn/"}),
                }
            )
        },
    )


def test_editor_is_uploaded_with_its_runtime_config(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-web")
    (deployment,) = resources_of(template, "Custom::CDKBucketDeployment").values()
    properties = deployment["Properties"]
    assert len(properties["SourceObjectKeys"]) == 2
    # config.json is filled in at deploy time: region, API endpoint, user pool, client, auth domain,
    # and the editor URL twice (the sign-in redirect and the sign-out address).
    site_markers, config_markers = properties["SourceMarkers"]
    assert site_markers == {}
    assert len(config_markers) == 7
    assert "control-plane" in str(config_markers) and "EditorClient" in str(config_markers)
    assert properties["DistributionPaths"] == ["/*"]


def test_editor_url_and_app_client_callback(templates: dict[str, Any]) -> None:
    template = templates["wfaib-dev-web"]
    template.has_output("EditorUrl", Match.any_value())
    template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "GenerateSecret": False,
            "AllowedOAuthFlows": ["code"],
            "CallbackURLs": Match.array_with(["http://localhost:8080/"]),
        },
    )


def test_placeholder_is_deployed_until_the_editor_is_built(tmp_path: Path) -> None:
    assert editor_site_source(tmp_path / "dist") == str(PLACEHOLDER_SITE)
    assert (PLACEHOLDER_SITE / "index.html").is_file()
    built = tmp_path / "dist"
    built.mkdir()
    (built / "index.html").write_text("<!doctype html>", encoding="utf-8")
    assert editor_site_source(built) == str(built)


def test_every_alarm_exists_and_notifies_the_topic(assembly: Synth) -> None:
    template = assembly.template("wfaib-dev-observability")
    (topic_id,) = resources_of(template, "AWS::SNS::Topic")
    alarms = {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in resources_of(template, "AWS::CloudWatch::Alarm").values()
    }
    assert set(alarms) == {f"wfaib-dev-observability-{name}" for name in ALARM_NAMES}
    for properties in alarms.values():
        assert properties["AlarmActions"] == [{"Ref": topic_id}]


def test_workflow_failures_are_caught_by_state_machine_prefix(templates: dict[str, Any]) -> None:
    templates["wfaib-dev-observability"].has_resource_properties(
        "AWS::Events::Rule",
        {
            "Name": "wfaib-dev-workflow-failures",
            "EventPattern": {
                "source": ["aws.states"],
                "detail-type": ["Step Functions Execution Status Change"],
                "detail": {
                    "status": ["FAILED", "TIMED_OUT", "ABORTED"],
                    "stateMachineArn": [{"prefix": Match.any_value()}],
                },
            },
        },
    )


def test_dashboard_and_encrypted_alarm_topic(templates: dict[str, Any]) -> None:
    template = templates["wfaib-dev-observability"]
    template.has_resource_properties("AWS::CloudWatch::Dashboard", {"DashboardName": "wfaib-dev-overview"})
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
