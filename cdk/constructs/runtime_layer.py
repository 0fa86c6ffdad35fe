"""The shared Lambda runtime layer and the code asset every platform Lambda ships.

The layer is built without Docker: ``PipLocalBundling`` runs pip for the Lambda platform
(manylinux2014 arm64, CPython 3.12, wheels only, ``--no-deps`` over the pinned closure in
``layers/runtime/requirements.txt``). CDK caches the result in ``cdk.out`` by the hash of the
requirements, so only the first synth after a lock change reaches the package registry.

Tests skip bundling (context ``aws:cdk:bundling-stacks`` = ``[]``): the layer asset is then the
source folder itself, and the synthesized templates are otherwise identical. A machine without
access to the package index passes a folder built elsewhere (``-c wfaib:prebuilt-layer=DIR``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, IgnoreMode, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from cdk.paths import LAMBDA_SOURCE_PACKAGES, REPO_ROOT, RUNTIME_LAYER_DIR

__all__ = [
    "LAMBDA_ARCHITECTURE",
    "LAMBDA_RUNTIME",
    "PREBUILT_LAYER_CONTEXT_KEY",
    "PipLocalBundling",
    "RuntimeLayer",
    "lambda_code",
    "pip_install_command",
]

LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_12
LAMBDA_ARCHITECTURE = lambda_.Architecture.ARM_64
# Context key naming an already built layer folder (``python/...``): no pip at all, e.g. on a
# machine without network access to the package index.
PREBUILT_LAYER_CONTEXT_KEY = "wfaib:prebuilt-layer"
_PIP_PLATFORM = "manylinux2014_aarch64"
_PIP_PYTHON_VERSION = "3.12"

Runner = Callable[[Sequence[str]], int]


def _run(command: Sequence[str]) -> int:
    return subprocess.run(list(command), check=False).returncode


def pip_install_command(requirements: Path, target: Path, python: str = sys.executable) -> list[str]:
    """The pip command that installs the layer's pinned closure for the Lambda platform."""
    return [
        python,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--quiet",
        "--no-deps",
        "--no-compile",
        "--only-binary=:all:",
        "--platform",
        _PIP_PLATFORM,
        "--python-version",
        _PIP_PYTHON_VERSION,
        "--implementation",
        "cp",
        "--requirement",
        str(requirements),
        "--target",
        str(target),
    ]


@jsii.implements(ILocalBundling)
class PipLocalBundling:
    """Bundle the layer with the local pip instead of a Docker image."""

    def __init__(self, requirements: Path, runner: Runner = _run) -> None:
        self._requirements = requirements
        self._runner = runner

    def try_bundle(self, output_dir: str, *_args: object, **_kwargs: object) -> bool:
        """Install into ``<output_dir>/python`` (the layer layout); False lets CDK try Docker."""
        command = pip_install_command(self._requirements, Path(output_dir) / "python")
        if self._runner(command) != 0:
            raise RuntimeError(f"building the Lambda layer failed: {' '.join(command)}")
        return True


class RuntimeLayer(Construct):
    """Powertools, pydantic, httpx and the rest of the handlers' dependencies, for arm64."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        prebuilt = self.node.try_get_context(PREBUILT_LAYER_CONTEXT_KEY)
        code = (
            lambda_.Code.from_asset(str(prebuilt))
            if prebuilt
            else lambda_.Code.from_asset(
                str(RUNTIME_LAYER_DIR),
                bundling=BundlingOptions(
                    # Never pulled: local bundling always succeeds or raises.
                    image=DockerImage.from_registry("scratch"),
                    local=PipLocalBundling(RUNTIME_LAYER_DIR / "requirements.txt"),
                ),
            )
        )
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            description="WFAIB runtime dependencies, pinned from requirements.lock",
            compatible_runtimes=[LAMBDA_RUNTIME],
            compatible_architectures=[LAMBDA_ARCHITECTURE],
            code=code,
        )


def lambda_code() -> lambda_.Code:
    """The code asset of every platform Lambda: the repository's runtime packages, nothing else."""
    keep = [pattern for package in LAMBDA_SOURCE_PACKAGES for pattern in (f"!{package}", f"!{package}/**")]
    return lambda_.Code.from_asset(
        str(REPO_ROOT),
        ignore_mode=IgnoreMode.GLOB,
        exclude=["*", ".*", *keep, "**/__pycache__", "**/*.pyc", "**/catalog.json.tmp"],
    )
