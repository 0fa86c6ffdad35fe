"""The synthesized cloud assembly of the CDK app, and how tests read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["REPO_ROOT", "STACK_PARTS", "STAGES", "Synth", "synthesize"]

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
STACK_PARTS = ("data", "connectors", "runtime", "control-plane", "web", "observability")


@dataclass(frozen=True)
class Synth:
    """The result of the shared synth: the assembly folder, or why it failed."""

    outdir: Path
    returncode: int
    log: str

    def template(self, stack_name: str) -> dict[str, Any]:
        path = self.outdir / f"{stack_name}.template.json"
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    @property
    def template_paths(self) -> list[Path]:
        return sorted(self.outdir.glob("*.template.json"))


def synthesize(outdir: Path) -> Synth:
    """Run ``python -m cdk.app`` for every stage into ``outdir``, bundling skipped."""
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": [], "wfaib:stage": ",".join(STAGES)}),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    env.pop("CDK_DEFAULT_ACCOUNT", None)
    env.pop("CDK_DEFAULT_REGION", None)
    result = subprocess.run(
        [sys.executable, "-m", "cdk.app"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return Synth(outdir=outdir, returncode=result.returncode, log=result.stdout + result.stderr)
