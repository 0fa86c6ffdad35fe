"""The runtime layer's requirements, its local bundling, the catalog and the stage config."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import ValidationError

from cdk.config import StageConfig, load_stage_configs
from cdk.constructs.runtime_layer import PipLocalBundling, pip_install_command
from cdk.layer_requirements import (
    OUTPUT_FILE,
    derive_layer_requirements,
    expected_requirements_text,
    read_lock,
)
from cdk.manifest import SERVICE_INTEGRATIONS, load_connector_catalog
from state_machines.model.node_types import builtin_node_types
from tests.infra.assembly import REPO_ROOT


def test_committed_layer_requirements_match_the_lock_file() -> None:
    assert OUTPUT_FILE.read_text(encoding="utf-8") == expected_requirements_text(), (
        "run `python -m cdk.layer_requirements` after changing requirements.lock or requirements.in"
    )


def test_layer_closure_is_pinned_from_the_lock_and_leaves_the_sdk_to_lambda() -> None:
    pins = read_lock((REPO_ROOT / "requirements.lock").read_text(encoding="utf-8"))
    closure = derive_layer_requirements(["pydantic", "pynamodb"], pins)
    assert closure["pydantic"] == pins["pydantic"]
    assert closure["pydantic-core"] == pins["pydantic-core"]
    assert "botocore" not in closure and "boto3" not in closure
    assert "pytest" not in closure


def test_lock_lines_must_be_exact_pins() -> None:
    with pytest.raises(ValueError, match="not an exact pin"):
        read_lock("pydantic>=2\n")


def test_a_root_missing_from_the_lock_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"not in requirements\.lock"):
        derive_layer_requirements(["httpx"], {"httpx": "0.28.1"})


def test_pip_installs_wheels_for_lambda_arm64_without_resolving(tmp_path: Path) -> None:
    command = pip_install_command(tmp_path / "requirements.txt", tmp_path / "python", python="py")
    joined = " ".join(command)
    assert command[:4] == ["py", "-m", "pip", "install"]
    for flag in (
        "--platform manylinux2014_aarch64",
        "--python-version 3.12",
        "--implementation cp",
        "--only-binary=:all:",
        "--no-deps",
    ):
        assert flag in joined


def test_local_bundling_installs_into_the_layer_python_folder(tmp_path: Path) -> None:
    seen: list[Sequence[str]] = []

    def runner(command: Sequence[str]) -> int:
        seen.append(command)
        return 0

    assert (
        PipLocalBundling(tmp_path / "requirements.txt", runner=runner).try_bundle(str(tmp_path / "out"))
        is True
    )
    assert seen[0][seen[0].index("--target") + 1] == str(tmp_path / "out" / "python")
    assert seen[0][0] == sys.executable


def test_local_bundling_failure_stops_the_synth(tmp_path: Path) -> None:
    bundling = PipLocalBundling(tmp_path / "requirements.txt", runner=lambda _command: 1)
    with pytest.raises(RuntimeError, match="building the Lambda layer failed"):
        bundling.try_bundle(str(tmp_path))


def test_catalog_accepts_the_generated_shape_and_a_bare_list(tmp_path: Path) -> None:
    entry = {"id": "slack", "name": "Slack", "version": "1.0.0", "auth": "bearer", "actions": []}
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"connectors": [entry, {**entry, "id": "github"}]}), encoding="utf-8")
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps([entry]), encoding="utf-8")
    assert [e.id for e in load_connector_catalog(wrapped)] == ["github", "slack"]
    assert [e.id for e in load_connector_catalog(bare)] == ["slack"]
    assert load_connector_catalog(tmp_path / "absent.json") == []


def test_catalog_rejects_duplicate_and_unsafe_ids(tmp_path: Path) -> None:
    entry = {"id": "slack", "name": "Slack", "version": 1}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps([entry, entry]), encoding="utf-8")
    with pytest.raises(ValueError, match="twice: slack"):
        load_connector_catalog(path)
    path.write_text(json.dumps([{**entry, "id": "Slack Bot"}]), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_connector_catalog(path)


def test_every_task_resource_the_compiler_emits_has_a_grant() -> None:
    emitted = {"arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken"}
    emitted |= {"arn:aws:states:::states:startExecution.sync:2"}
    emitted |= {t.service_resource for t in builtin_node_types() if t.service_resource}
    lowered = (REPO_ROOT / "state_machines" / "compiler" / "lower.py").read_text(encoding="utf-8")
    for resource in sorted(emitted):
        if resource.startswith("arn:aws:states:::lambda") or "startExecution" in resource:
            assert f'"{resource}"' in lowered
    assert emitted <= {integration.resource for integration in SERVICE_INTEGRATIONS}


def test_stage_config_rejects_unknown_keys_and_half_a_custom_domain() -> None:
    with pytest.raises(ValidationError):
        StageConfig(stage="dev", log_retention=3)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="go together"):
        StageConfig(stage="dev", domain_name="flows.example.com")
    with pytest.raises(ValidationError, match="log_retention_days must be one of"):
        StageConfig(stage="dev", log_retention_days=13)


def test_stages_are_selected_from_context() -> None:
    context = {"wfaib:stage": "prod, dev", "wfaib:stages": {"dev": {}, "prod": {"retain_data": True}}}
    configs = load_stage_configs(context)
    assert [(c.stage, c.retain_data, c.prefix) for c in configs] == [
        ("prod", True, "wfaib-prod"),
        ("dev", False, "wfaib-dev"),
    ]
    with pytest.raises(ValueError, match="stage 'qa' is not in the wfaib:stages context"):
        load_stage_configs({**context, "wfaib:stage": "qa"})


def test_cdk_json_declares_dev_and_prod() -> None:
    context = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    configs = {c.stage: c for c in load_stage_configs({**context, "wfaib:stage": "dev,prod"})}
    assert configs["prod"].retain_data and not configs["dev"].retain_data
    assert configs["prod"].mfa == "required"


@pytest.mark.parametrize("package", ["state_machines", "connectors", "functions", "wfaib"])
def test_runtime_packages_never_import_the_cdk_app(package: str) -> None:
    for path in (REPO_ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            for name in names:
                assert name != "cdk" and not name.startswith(("cdk.", "aws_cdk", "cdk_nag")), (
                    f"{path}: {name}"
                )


def test_a_prebuilt_layer_folder_replaces_pip(tmp_path: Path) -> None:
    from aws_cdk import App, Stack

    from cdk.constructs.runtime_layer import PREBUILT_LAYER_CONTEXT_KEY, RuntimeLayer

    prebuilt = tmp_path / "layer"
    (prebuilt / "python" / "marker").mkdir(parents=True)
    app = App(outdir=str(tmp_path / "out"), context={PREBUILT_LAYER_CONTEXT_KEY: str(prebuilt)})
    RuntimeLayer(Stack(app, "Layer"), "Runtime")
    assembly = app.synth()
    (layer,) = [
        r
        for r in assembly.get_stack_by_name("Layer").template["Resources"].values()
        if r["Type"] == "AWS::Lambda::LayerVersion"
    ]
    staged = (
        Path(assembly.directory) / f"asset.{layer['Properties']['Content']['S3Key'].removesuffix('.zip')}"
    )
    assert (staged / "python" / "marker").is_dir()
