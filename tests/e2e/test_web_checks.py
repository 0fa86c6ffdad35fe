"""The editor's own checks, so the one test command runs them: TypeScript types and the Vitest unit tests.

The unit tests read the built-in node types from the workflow model with this interpreter
(``WFAIB_PYTHON``, see ``web/vitest.nodeTypes.ts``).
"""

from __future__ import annotations

import os
import subprocess
import sys

from e2e.conftest import WEB


def test_the_editor_type_checks(npm: str) -> None:
    result = subprocess.run(
        [npm, "run", "--silent", "typecheck"], cwd=WEB, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_editor_unit_tests_pass(npm: str) -> None:
    result = subprocess.run(
        [npm, "exec", "--", "vitest", "run", "--reporter=dot"],
        cwd=WEB,
        env={**os.environ, "WFAIB_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
