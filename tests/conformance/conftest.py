"""Fixtures of the AWS conformance suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from state_machines.runtime import LocalRuntime, VirtualClock

REPO_ROOT = Path(__file__).parents[2]
CASES_DIR = REPO_ROOT.parent / "shared" / "data" / "asl-conformance" / "cases"


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    """The recorded cases, in the ``shared`` folder next to the repository."""
    if not CASES_DIR.is_dir():
        pytest.fail(f"conformance data not found: expected the folder {CASES_DIR} next to the repository")
    return CASES_DIR


@pytest.fixture(scope="session")
def runtime() -> Iterator[LocalRuntime]:
    """One in-memory runtime on a virtual clock that jumps over Waits and retry intervals."""
    with LocalRuntime(clock=VirtualClock(auto_advance=True), account_id="111111111111", seed=7) as rt:
        yield rt
