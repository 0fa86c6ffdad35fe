"""``wfaib deploy``: one ``cdk deploy`` of a stage into the current AWS account.

It runs the CDK CLI pinned in ``tools/cdk-cli`` (installing it with ``npm ci`` the first time)
from the repository root, so ``cdk.json`` and the app are found, with ``-c wfaib:stage=<stage>``
and ``--outputs-file``. Then it prints the editor URL and the API endpoint from the stack
outputs. The CLI is an argument (``CommandRunner``), so tests exercise the command without AWS.

Example::

    wfaib deploy --stage prod --profile my-admin
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic import BaseModel, ConfigDict

__all__ = [
    "CommandRunner",
    "DeployError",
    "DeployOutputs",
    "DeployRequest",
    "cdk_deploy_command",
    "deploy",
    "parse_outputs",
    "register",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
CDK_CLI_DIR = REPO_ROOT / "tools" / "cdk-cli"
# Override the CLI (a path to an executable) for CI or a globally installed ``cdk``.
CDK_CLI_ENV = "WFAIB_CDK_CLI"

Stage = Literal["dev", "prod"]
CommandRunner = Callable[[Sequence[str], Path, Mapping[str, str]], int]


class DeployError(Exception):
    """The deployment did not complete; the message says what to do."""


class DeployOutputs(BaseModel):
    """What a user needs after a deploy, read from the stacks' outputs."""

    model_config = ConfigDict(frozen=True)

    editor_url: str
    api_endpoint: str
    others: dict[str, str]


@dataclass(frozen=True)
class DeployRequest:
    """One deploy: the stage, the AWS profile and the approval mode of the CLI."""

    stage: Stage
    profile: str | None = None
    require_approval: Literal["never", "any-change", "broadening"] = "broadening"
    outputs_path: Path | None = None

    @property
    def stack_pattern(self) -> str:
        """The stage's stacks (``wfaib-<stage>-*``)."""
        return f"wfaib-{self.stage}-*"

    @property
    def outputs_file(self) -> Path:
        """Where the CLI writes the stack outputs (default ``cdk.out/outputs-<stage>.json``)."""
        return self.outputs_path or REPO_ROOT / "cdk.out" / f"outputs-{self.stage}.json"


def run_command(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
    """Run ``command`` with the terminal attached (the CDK CLI shows progress and asks to approve)."""
    return subprocess.run(list(command), cwd=cwd, env=dict(env), check=False).returncode


def cdk_executable(runner: CommandRunner, env: Mapping[str, str]) -> str:
    """The pinned CDK CLI, installed from ``tools/cdk-cli/package-lock.json`` when missing."""
    override = env.get(CDK_CLI_ENV)
    if override:
        return override
    binary = CDK_CLI_DIR / "node_modules" / ".bin" / "cdk"
    if not binary.exists():
        code = runner(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], CDK_CLI_DIR, env)
        if code != 0 or not binary.exists():
            raise DeployError("installing the CDK CLI failed: run `npm ci` in tools/cdk-cli and retry")
    return str(binary)


def cdk_deploy_command(executable: str, request: DeployRequest) -> list[str]:
    """The ``cdk deploy`` command line for ``request``."""
    command = [
        executable,
        "deploy",
        request.stack_pattern,
        "--context",
        f"wfaib:stage={request.stage}",
        "--outputs-file",
        str(request.outputs_file),
        "--require-approval",
        request.require_approval,
        "--no-notices",
    ]
    if request.profile:
        command += ["--profile", request.profile]
    return command


def parse_outputs(document: Mapping[str, Any], stage: str) -> DeployOutputs:
    """Pick EditorUrl and ApiEndpoint out of ``cdk deploy --outputs-file`` JSON.

    The file maps stack names to ``{OutputKey: value}``; only the stage's stacks are read.
    """
    flat: dict[str, str] = {}
    for stack, outputs in sorted(document.items()):
        if stack.startswith(f"wfaib-{stage}-") and isinstance(outputs, Mapping):
            flat.update({str(key): str(value) for key, value in outputs.items()})
    missing = [key for key in ("EditorUrl", "ApiEndpoint") if key not in flat]
    if missing:
        raise DeployError(f"the deploy finished but its outputs lack {', '.join(missing)}")
    return DeployOutputs(editor_url=flat.pop("EditorUrl"), api_endpoint=flat.pop("ApiEndpoint"), others=flat)


def deploy(
    request: DeployRequest, runner: CommandRunner = run_command, env: Mapping[str, str] | None = None
) -> DeployOutputs:
    """Deploy the stage's stacks and return their outputs; raise ``DeployError`` on failure."""
    environment = {**(os.environ if env is None else env)}
    environment.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    command = cdk_deploy_command(cdk_executable(runner, environment), request)
    request.outputs_file.parent.mkdir(parents=True, exist_ok=True)
    request.outputs_file.unlink(missing_ok=True)
    code = runner(command, REPO_ROOT, environment)
    if code != 0:
        raise DeployError(f"cdk deploy failed with exit code {code}; its output above says why")
    if not request.outputs_file.exists():
        raise DeployError(f"cdk deploy wrote no outputs file at {request.outputs_file}")
    return parse_outputs(json.loads(request.outputs_file.read_text(encoding="utf-8")), request.stage)


def register(app: typer.Typer) -> None:
    """Add ``wfaib deploy`` to the CLI."""

    @app.command("deploy")
    def deploy_command(
        stage: Annotated[str, typer.Option("--stage", "-s", help="Stage to deploy: dev or prod.")] = "dev",
        profile: Annotated[
            str | None, typer.Option("--profile", help="AWS named profile to deploy with.")
        ] = None,
        yes: Annotated[
            bool, typer.Option("--yes", "-y", help="Do not ask to approve IAM and security group changes.")
        ] = False,
        outputs_file: Annotated[
            Path | None, typer.Option("--outputs-file", help="Where to write the stack outputs (JSON).")
        ] = None,
    ) -> None:
        """Deploy WFAIB into your AWS account (wraps the pinned `cdk deploy`)."""
        if stage not in ("dev", "prod"):
            typer.echo(f"error: --stage must be dev or prod, not {stage!r}", err=True)
            raise typer.Exit(2)
        request = DeployRequest(
            stage="prod" if stage == "prod" else "dev",
            profile=profile,
            require_approval="never" if yes else "broadening",
            outputs_path=outputs_file,
        )
        try:
            outputs = deploy(request)
        except DeployError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"Editor:       {outputs.editor_url}")
        typer.echo(f"API endpoint: {outputs.api_endpoint}")
        for key, value in sorted(outputs.others.items()):
            typer.echo(f"{key}: {value}")
