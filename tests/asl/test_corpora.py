"""Our validator over the shared ASL corpora: valid ones accepted, invalid ones rejected.

A few files get the other verdict on purpose; ``corpus_exceptions.json`` lists them with the
reason, and these tests check that each listed verdict still holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from state_machines.asl import Diagnostic, has_errors, validate_asl

from .conftest import MISSING, require_data

EXCEPTIONS: dict[str, dict[str, str]] = {
    name: entry
    for name, entry in json.loads((Path(__file__).parent / "corpus_exceptions.json").read_text()).items()
    if not name.startswith("_")
}


def _validate(case: tuple[str, Path]) -> tuple[str, list[Diagnostic]]:
    name, path = case
    if name == MISSING:
        require_data()
    return name, validate_asl(path.read_text(encoding="utf-8"))


def _errors(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"{d.code} {d.location}: {d.message}" for d in diagnostics if d.severity == "ERROR")


def _check_accepted(case: tuple[str, Path]) -> None:
    name, diagnostics = _validate(case)
    exception = EXCEPTIONS.get(name)
    if exception is not None:
        assert exception["ours"] == "invalid"
        assert has_errors(diagnostics), f"{name} is listed as rejected on purpose but is now accepted"
        assert exception["location"] in {d.location for d in diagnostics}
        return
    assert not has_errors(diagnostics), f"{name} should be valid:\n{_errors(diagnostics)}"


def test_real_world_definitions_are_accepted(real_world_definition: tuple[str, Path]) -> None:
    _check_accepted(real_world_definition)


def test_valid_definitions_are_accepted(valid_definition: tuple[str, Path]) -> None:
    _check_accepted(valid_definition)


def test_conformance_definitions_are_accepted(conformance_definition: tuple[str, Path]) -> None:
    _check_accepted(conformance_definition)


def test_invalid_definitions_are_rejected_with_a_message(invalid_definition: tuple[str, Path]) -> None:
    name, diagnostics = _validate(invalid_definition)
    exception = EXCEPTIONS.get(name)
    if exception is not None:
        assert exception["ours"] == "valid"
        assert not has_errors(diagnostics), (
            f"{name} is listed as accepted on purpose:\n{_errors(diagnostics)}"
        )
        return
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    assert errors, f"{name} should be rejected"
    for error in errors:
        assert error.message.endswith(".")
        assert error.location.startswith("/") or error.location == ""


def test_every_listed_exception_names_a_corpus_file(shared_data: Path) -> None:
    data = shared_data
    folders = {
        "real_world": "asl-real-world",
        "invalid": "asl-validity/invalid",
        "valid": "asl-validity/valid",
    }
    for name in EXCEPTIONS:
        corpus, file = name.split(":", 1)
        assert (data / folders[corpus] / file).is_file(), name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("invalid-state-name-too-long.json", "INVALID_STATE_NAME"),
        ("invalid-missing-terminal.json", "MISSING_END_STATE"),
        ("invalid-inexistant-state.json", "MISSING_TRANSITION_TARGET"),
        ("invalid-map-dupe-state.json", "DUPLICATE_STATE_NAME"),
        ("invalid-task-alias-function.json", "INVALID_RESOURCE"),
        ("invalid-unreachable-state.json", "UNREACHABLE_STATE"),
        ("invalid-map-ob-link.json", "MISSING_TRANSITION_TARGET"),
    ],
)
def test_invalid_definitions_get_the_aws_code(name: str, expected: str) -> None:
    path = require_data() / "asl-validity" / "invalid" / name
    codes = {d.code for d in validate_asl(path.read_text(encoding="utf-8")) if d.severity == "ERROR"}
    assert expected in codes
