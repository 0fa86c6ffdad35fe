"""Fixtures for the expression-layer tests: the shared data folder next to the repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
CASES = SHARED_DATA / "asl-conformance" / "cases"
JSONATA_SUITE = SHARED_DATA / "jsonata-suite"
REAL_WORLD = SHARED_DATA / "asl-real-world"


def require_data(path: Path) -> Path:
    """Fail (never skip) when the shared test data is missing: these tests must run."""
    if not path.is_dir():
        pytest.fail(f"shared test data missing: expected the folder {path} next to the repository")
    return path


def load_case(name: str) -> dict[str, Any]:
    """Read one recorded AWS case: ``definition``, ``input`` and ``expected``."""
    folder = require_data(CASES) / name
    return {
        part: json.loads((folder / f"{part}.json").read_text())
        for part in ("definition", "input", "expected")
    }


def case_names(prefix: str) -> list[str]:
    """Names of the recorded cases whose folder starts with ``prefix`` (sorted, [] if missing)."""
    if not CASES.is_dir():
        return [f"{prefix}<shared data missing>"]
    return sorted(p.name for p in CASES.iterdir() if p.name.startswith(prefix))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require_data(SHARED_DATA)
