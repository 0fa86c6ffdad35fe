"""cfn-lint finds no error in any synthesized template (W3005, redundant DependsOn, is CDK's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.infra.assembly import Synth


def test_cfn_lint_reports_no_error_on_any_template(assembly: Synth) -> None:
    paths = assembly.template_paths
    assert len(paths) >= 12
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run(
        [str(cfn_lint), "--format", "json", "--ignore-checks", "W3005", "--", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.stdout.strip(), result.stderr
    matches = json.loads(result.stdout)
    errors = [m for m in matches if m["Level"] == "Error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]
    # Exit code bit 2 means errors; warnings (4) and informational (8) are allowed.
    assert result.returncode & 2 == 0
