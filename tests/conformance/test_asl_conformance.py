"""Every execution recorded against real AWS Step Functions, replayed on the local runtime.

Cases still failing are listed with a reason in ``known_failures.txt`` and marked
``xfail(strict=True)``: fixing one makes its test fail until the line is removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from state_machines.runtime import LocalRuntime

from .asl_cases import case_names, check_case, load_known_failures
from .conftest import CASES_DIR

KNOWN_FAILURES = load_known_failures(Path(__file__).with_name("known_failures.txt"))
CASES = case_names(CASES_DIR) if CASES_DIR.is_dir() else []
REQUIRED_PASS_RATE = 0.98


def _param(name: str) -> object:
    if name in KNOWN_FAILURES:
        return pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name]))
    return pytest.param(name, id=name)


@pytest.mark.conformance
@pytest.mark.parametrize("case", [_param(name) for name in CASES])
def test_case_matches_aws(case: str, cases_dir: Path, runtime: LocalRuntime) -> None:
    problems = check_case(cases_dir / case, runtime)
    assert not problems, "\n".join(problems)


@pytest.mark.conformance
def test_pass_rate_and_known_failures_list(cases_dir: Path, runtime: LocalRuntime) -> None:
    names = case_names(cases_dir)
    assert names, "no conformance cases found"
    failing = {name for name in names if check_case(cases_dir / name, runtime)}
    rate = 1 - len(failing) / len(names)
    assert rate >= REQUIRED_PASS_RATE, f"pass rate {rate:.1%} < {REQUIRED_PASS_RATE:.0%}: {sorted(failing)}"
    unlisted = failing - KNOWN_FAILURES.keys()
    assert not unlisted, f"failing but not in known_failures.txt: {sorted(unlisted)}"
    stale = KNOWN_FAILURES.keys() - set(names)
    assert not stale, f"known_failures.txt names cases that do not exist: {sorted(stale)}"
