"""The curl walkthrough in docs/api.md runs as written against the local platform."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from integration.helpers import REPO_ROOT, PlatformHandle, unique


def test_the_api_guide_walkthrough_runs(handle: PlatformHandle) -> None:
    if shutil.which("curl") is None or shutil.which("jq") is None:
        pytest.fail("The walkthrough needs curl and jq on the PATH.")
    guide = (REPO_ROOT / "docs" / "api.md").read_text()
    [script] = re.findall(r"```sh\n(.*?)```", guide, flags=re.S)
    token = handle.platform.token(unique("docs"), "reader@docs.test", "owner")

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=REPO_ROOT,
        env={**os.environ, "API": handle.platform.api_url, "TOKEN": token},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert '"Hello, Ada!"' in result.stdout
    assert '"rerun_of"' in result.stdout
