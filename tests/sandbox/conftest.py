"""Fixtures for the code-node sandbox tests: quick limits and a scratch root the tests can inspect."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from functions.code_sandbox import SandboxLimits


@pytest.fixture(scope="session")
def quick() -> SandboxLimits:
    """Tight limits so that the limit tests finish in about a second of CPU time.

    The wall-clock limit stays generous so that a busy machine never turns a CPU-limit test into
    a wall-clock one; the wall-clock test sets its own.
    """
    return SandboxLimits(cpu_seconds=1, wall_seconds=20, memory_mb=256, max_output_bytes=4096, max_files=8)


@pytest.fixture
def scratch_root() -> Iterator[Path]:
    """A folder for the runs' scratch directories, traversable by the unprivileged sandbox user.

    (pytest's tmp_path lives under 0700 folders that ``nobody`` cannot enter.)
    """
    root = Path(tempfile.mkdtemp(prefix="wfaib-sandbox-test-"))
    root.chmod(0o711)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def processes_mentioning() -> Callable[[str], list[int]]:
    """Finds processes by command line (each run's scratch path is on its command line)."""
    return _processes_mentioning


def _processes_mentioning(text: str) -> list[int]:
    """Pids whose command line contains ``text`` (each run's scratch path is on its command line)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(entry.name))
    return pids
