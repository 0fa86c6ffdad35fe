"""``wfaib deploy``: the CDK CLI command it runs and the outputs it prints, with a fake CLI."""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from wfaib.commands import deploy as deploy_module
from wfaib.commands.deploy import (
    DeployError,
    DeployRequest,
    cdk_deploy_command,
    deploy,
    parse_outputs,
    register,
)

OUTPUTS = {
    "wfaib-dev-web": {"EditorUrl": "https://d111.cloudfront.net/", "UserPoolClientId": "abc"},
    "wfaib-dev-control-plane": {"ApiEndpoint": "https://x.execute-api.eu-west-1.amazonaws.com/v1/"},
    "wfaib-prod-web": {"EditorUrl": "https://prod.example.com/"},
    "wfaib-prod-control-plane": {"ApiEndpoint": "https://api.prod.example.com/v1/"},
}

FAKE_CDK = """#!{python}
import json, pathlib, sys
args = sys.argv[1:]
pathlib.Path({log!r}).write_text(json.dumps(args))
if {fail}:
    sys.exit(3)
target = pathlib.Path(args[args.index("--outputs-file") + 1])
target.write_text(json.dumps({outputs}))
"""


def _fake_cli(tmp_path: Path, *, fail: bool = False) -> tuple[Path, Path]:
    log = tmp_path / "args.json"
    script = tmp_path / "cdk"
    script.write_text(
        FAKE_CDK.format(python=sys.executable, log=str(log), fail=fail, outputs=repr(OUTPUTS)),
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:
        """Keeps typer from collapsing a single command into the root."""

    return app


def test_deploy_runs_the_cli_and_prints_editor_and_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = _fake_cli(tmp_path)
    monkeypatch.setenv("WFAIB_CDK_CLI", str(script))
    outputs_file = tmp_path / "out" / "outputs.json"
    result = CliRunner().invoke(
        _app(), ["deploy", "--stage", "dev", "--profile", "acme", "--outputs-file", str(outputs_file)]
    )
    assert result.exit_code == 0, result.output
    assert "Editor:       https://d111.cloudfront.net/" in result.output
    assert "API endpoint: https://x.execute-api.eu-west-1.amazonaws.com/v1/" in result.output
    assert "UserPoolClientId: abc" in result.output
    assert "prod.example.com" not in result.output
    args = json.loads(log.read_text())
    assert args[:2] == ["deploy", "wfaib-dev-*"]
    assert args[args.index("--context") + 1] == "wfaib:stage=dev"
    assert args[args.index("--profile") + 1] == "acme"
    assert args[args.index("--require-approval") + 1] == "broadening"


def test_a_failed_cdk_deploy_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script, _ = _fake_cli(tmp_path, fail=True)
    monkeypatch.setenv("WFAIB_CDK_CLI", str(script))
    result = CliRunner().invoke(_app(), ["deploy", "--outputs-file", str(tmp_path / "o.json")])
    assert result.exit_code == 1
    assert "cdk deploy failed with exit code 3" in result.output


def test_an_unknown_stage_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFAIB_CDK_CLI", "/nonexistent/cdk")
    result = CliRunner().invoke(_app(), ["deploy", "--stage", "qa"])
    assert result.exit_code == 2
    assert "--stage must be dev or prod" in result.output


def test_command_line_for_prod_without_approval_prompts(tmp_path: Path) -> None:
    request = DeployRequest(stage="prod", require_approval="never", outputs_path=tmp_path / "o.json")
    command = cdk_deploy_command("cdk", request)
    assert command[:3] == ["cdk", "deploy", "wfaib-prod-*"]
    assert command[command.index("--require-approval") + 1] == "never"
    assert "--profile" not in command


def test_outputs_of_other_stages_are_ignored_and_missing_ones_reported() -> None:
    outputs = parse_outputs(OUTPUTS, "prod")
    assert (outputs.editor_url, outputs.api_endpoint) == (
        "https://prod.example.com/",
        "https://api.prod.example.com/v1/",
    )
    with pytest.raises(DeployError, match="lack ApiEndpoint"):
        parse_outputs({"wfaib-prod-web": {"EditorUrl": "u"}}, "prod")


def test_the_pinned_cli_is_installed_with_npm_ci_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deploy_module, "CDK_CLI_DIR", tmp_path / "cdk-cli")
    calls: list[tuple[list[str], Path]] = []

    def runner(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
        calls.append((list(command), cwd))
        return 1

    with pytest.raises(DeployError, match="installing the CDK CLI failed"):
        deploy(DeployRequest(stage="dev", outputs_path=tmp_path / "o.json"), runner=runner, env={})
    assert calls == [(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], tmp_path / "cdk-cli")]


def test_the_cli_is_pinned_to_cdk_2_with_a_lock_file() -> None:
    cli_dir = Path(deploy_module.__file__).resolve().parents[2] / "tools" / "cdk-cli"
    package = json.loads((cli_dir / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((cli_dir / "package-lock.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["aws-cdk"].startswith("2.")
    assert lock["packages"]["node_modules/aws-cdk"]["version"] == package["dependencies"]["aws-cdk"]
