"""One synthesis of the CDK app (dev and prod stages) shared by every infrastructure test.

The app is synthesized in a subprocess exactly as ``make synth`` does it (``python -m cdk.app``,
cdk-nag attached), with bundling skipped (context ``aws:cdk:bundling-stacks`` = ``[]``) so no
pip runs. Under pytest-xdist the first worker synthesizes and the others wait on a file lock and
read the same cloud assembly.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.infra.assembly import Synth, synthesize


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Synth]:
    """Synthesize once per test session (once across all xdist workers)."""
    if worker_id == "master":
        yield synthesize(tmp_path_factory.mktemp("cdk-out"))
        return
    shared = tmp_path_factory.getbasetemp().parent / "infra-synth"
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result_file = shared / "result.json"
        if result_file.exists():
            recorded = json.loads(result_file.read_text(encoding="utf-8"))
            result = Synth(
                outdir=Path(recorded["outdir"]), returncode=recorded["returncode"], log=recorded["log"]
            )
        else:
            result = synthesize(shared / "cdk.out")
            result_file.write_text(
                json.dumps(
                    {"outdir": str(result.outdir), "returncode": result.returncode, "log": result.log}
                ),
                encoding="utf-8",
            )
    yield result


@pytest.fixture(scope="session")
def assembly(synth: Synth) -> Synth:
    """The synthesized cloud assembly; fails every dependent test if the synth failed."""
    if synth.returncode != 0:
        pytest.fail(f"python -m cdk.app failed (exit {synth.returncode}):\n{synth.log[-6000:]}")
    return synth


@pytest.fixture(scope="session")
def templates(assembly: Synth) -> dict[str, Any]:
    """``aws_cdk.assertions.Template`` per stack name, loaded on first use."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from aws_cdk.assertions import Template

    class _Templates(dict[str, Any]):
        def __missing__(self, stack_name: str) -> Template:
            template = Template.from_json(assembly.template(stack_name))
            self[stack_name] = template
            return template

    return _Templates()


@pytest.fixture(scope="session")
def catalog_ids() -> list[str]:
    """Connector ids of the repository's catalog, as the app reads it."""
    from cdk.manifest import load_connector_catalog

    return [entry.id for entry in load_connector_catalog()]
