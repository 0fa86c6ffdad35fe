"""Golden tests: each case's workflow compiles to exactly its committed ASL, and that ASL is valid."""

from __future__ import annotations

import json

import pytest
from golden.golden_cases import CASES_DIR, case_names, compile_case
from support.asl_validator import validate_with_reference

from state_machines.asl.validator import validate_asl


@pytest.mark.parametrize("name", case_names())
def test_compiles_to_the_committed_asl(name: str) -> None:
    expected = (CASES_DIR / name / "expected.asl.json").read_text(encoding="utf-8")
    actual = compile_case(name).asl
    assert actual == expected, f"{name}: run `make golden` and review the diff if this change is intended"


@pytest.mark.parametrize("name", case_names())
def test_compilation_is_deterministic(name: str) -> None:
    assert compile_case(name).asl == compile_case(name).asl


def test_every_golden_asl_passes_the_reference_validator() -> None:
    definitions = {name: json.loads(compile_case(name).asl) for name in case_names()}
    errors = validate_with_reference(definitions)
    assert {name: problems for name, problems in errors.items() if problems} == {}
    assert set(errors) == set(definitions)


@pytest.mark.parametrize("name", case_names())
def test_every_golden_asl_passes_our_validator(name: str) -> None:
    diagnostics = [d for d in validate_asl(compile_case(name).asl) if d.severity == "ERROR"]
    assert diagnostics == []
