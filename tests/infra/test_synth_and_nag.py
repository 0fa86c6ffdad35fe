"""The app synthesizes offline for every stage, and cdk-nag (AwsSolutions) passes.

cdk-nag runs inside the synth (``Validations.of(app).add_plugins``): an unacknowledged finding
fails ``python -m cdk.app``. These tests also read the report and the acknowledgments written
into the templates, so a finding cannot be hidden without a reason.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.assembly import STACK_PARTS, STAGES, Synth

# Findings that may be acknowledged at all; anything else must be fixed, not explained.
ACKNOWLEDGEABLE_RULES = {
    "AwsSolutions-IAM4",  # AWS managed policies on CDK's own handlers and API Gateway's log role
    "AwsSolutions-IAM5",  # wildcards: each one acknowledged by its exact resource or action
    "AwsSolutions-L1",  # runtime pinned to the layer's Python (ours) or chosen by aws-cdk-lib
    "AwsSolutions-S1",  # the access-log bucket itself
    "AwsSolutions-APIG2",
    "AwsSolutions-APIG4",
    "AwsSolutions-COG4",
    "AwsSolutions-COG2",  # dev only
    "AwsSolutions-CFR1",
    "AwsSolutions-CFR2",
    "AwsSolutions-CFR4",  # only without a custom domain
    "AwsSolutions-SMG4",  # the signing key only: rotating it breaks every outstanding approval link
}


def _acknowledgments(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for lid, resource in template["Resources"].items():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            found.append((lid, rule["id"], rule.get("reason", "")))
    return found


def test_synth_succeeds_offline_without_bundling(synth: Synth) -> None:
    assert synth.returncode == 0, synth.log[-6000:]


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_has_the_six_architecture_stacks(assembly: Synth, stage: str) -> None:
    manifest = json.loads((assembly.outdir / "manifest.json").read_text(encoding="utf-8"))
    stacks = {
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert {f"wfaib-{stage}-{part}" for part in STACK_PARTS} <= stacks


def test_no_validation_plugin_reports_an_unacknowledged_finding(assembly: Synth) -> None:
    # cdk-nag lists itself here only when it has findings (which also fail the synth).
    report = json.loads((assembly.outdir / "validation-report.json").read_text(encoding="utf-8"))
    for plugin in report["pluginReports"]:
        assert plugin["violations"] == [], plugin["pluginName"]
        assert plugin["conclusion"] == "success", plugin["pluginName"]


def test_every_acknowledgment_gives_a_reason(assembly: Synth) -> None:
    acknowledgments = [
        ack for path in assembly.template_paths for ack in _acknowledgments(json.loads(path.read_text()))
    ]
    assert acknowledgments, (
        "the templates carry no cdk-nag metadata: is write_suppressions_to_cloud_formation off?"
    )
    for lid, rule_id, reason in acknowledgments:
        assert len(reason) >= 40, f"{lid}: {rule_id} is acknowledged without a real reason: {reason!r}"


def test_only_rules_that_cannot_be_fixed_are_acknowledged(assembly: Synth) -> None:
    nag_rules = [
        (path.name, lid, rule_id)
        for path in assembly.template_paths
        for lid, rule_id, _ in _acknowledgments(json.loads(path.read_text()))
        if rule_id.startswith("AwsSolutions-")
    ]
    assert nag_rules
    for name, lid, rule_id in nag_rules:
        assert rule_id.split("[", 1)[0] in ACKNOWLEDGEABLE_RULES, f"{name} {lid}: {rule_id}"


def test_prod_requires_mfa_and_acknowledges_no_mfa_finding(assembly: Synth) -> None:
    rules = {rule for _, rule, _ in _acknowledgments(assembly.template("wfaib-prod-control-plane"))}
    assert "AwsSolutions-COG2" not in rules
    dev_rules = {rule for _, rule, _ in _acknowledgments(assembly.template("wfaib-dev-control-plane"))}
    assert "AwsSolutions-COG2" in dev_rules


def test_wildcard_resources_are_acknowledged_one_by_one(assembly: Synth) -> None:
    rules = {rule for _, rule, _ in _acknowledgments(assembly.template("wfaib-dev-runtime"))}
    assert "AwsSolutions-IAM5" not in rules
    assert (
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:wfaib-dev-*]"
        in rules
    )


def test_only_the_signing_key_is_acknowledged_without_rotation(assembly: Synth) -> None:
    for stage in STAGES:
        unrotated = [
            (path.name, lid)
            for path in assembly.template_paths
            if path.name.startswith(f"wfaib-{stage}-")
            for lid, rule_id, _ in _acknowledgments(json.loads(path.read_text()))
            if rule_id == "AwsSolutions-SMG4"
        ]
        template = assembly.template(f"wfaib-{stage}-control-plane")
        (secret_id,) = (
            lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::SecretsManager::Secret"
        )
        assert unrotated == [(f"wfaib-{stage}-control-plane.template.json", secret_id)]
