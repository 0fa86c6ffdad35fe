"""``wfaib asl run`` / ``wfaib asl validate`` through the real command line, in a subprocess.

``asl run`` has a contract other tools parse: exactly one JSON object on stdout with the keys
status, output, error and cause; exit 0 SUCCEEDED, 1 another terminal status, 2 invalid input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CONTRACT_KEYS = {"status", "output", "error", "cause"}

SUCCEEDING = {
    "Comment": "Waits an hour (virtual clock) and adds one with JSONata.",
    "StartAt": "Wait",
    "States": {
        "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Add"},
        "Add": {
            "Type": "Pass",
            "QueryLanguage": "JSONata",
            "Output": {"sum": "{% $states.input.a + 1 %}", "label": "done"},
            "End": True,
        },
    },
}
FAILING = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Pass", "Next": "Stop"},
        "Stop": {"Type": "Fail", "Error": "Order.Rejected", "Cause": "The order total is negative."},
    },
}
INVALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}


def wfaib(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wfaib", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, name: str, definition: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(definition), encoding="utf-8")
    return path


def contract(completed: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The single JSON object on stdout (json.loads rejects anything after it)."""
    assert completed.stdout.endswith("\n") and completed.stdout.count("\n") == 1, completed.stdout
    result = json.loads(completed.stdout)
    assert set(result) == CONTRACT_KEYS
    return result


def test_run_prints_the_output_of_a_succeeding_execution(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.asl.json", SUCCEEDING)
    completed = wfaib("asl", "run", str(path), "--input", '{"a": 41}', cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert contract(completed) == {
        "status": "SUCCEEDED",
        "output": {"sum": 42, "label": "done"},
        "error": None,
        "cause": None,
    }


def test_run_reads_the_input_from_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.asl.json", SUCCEEDING)
    (tmp_path / "input.json").write_text('{"a": 1}', encoding="utf-8")
    completed = wfaib("asl", "run", str(path), "--input", "@input.json", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert contract(completed)["output"] == {"sum": 2, "label": "done"}


def test_run_reports_a_fail_state_with_its_error_and_cause(tmp_path: Path) -> None:
    path = write(tmp_path, "fail.asl.json", FAILING)
    completed = wfaib("asl", "run", str(path), cwd=tmp_path)
    assert completed.returncode == 1
    assert contract(completed) == {
        "status": "FAILED",
        "output": None,
        "error": "Order.Rejected",
        "cause": "The order total is negative.",
    }


def test_run_refuses_an_invalid_definition(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.asl.json", INVALID)
    completed = wfaib("asl", "run", str(path), cwd=tmp_path)
    assert completed.returncode == 2
    result = contract(completed)
    assert (result["status"], result["output"], result["error"]) == ("INVALID", None, "InvalidDefinition")
    assert "State 'A' moves to 'Missing', which is not a state." in result["cause"]
    assert "MISSING_TRANSITION_TARGET /States/A/Next" in completed.stderr


@pytest.mark.parametrize("given", ["{not json", "@missing.json"])
def test_run_refuses_invalid_input(tmp_path: Path, given: str) -> None:
    path = write(tmp_path, "ok.asl.json", SUCCEEDING)
    completed = wfaib("asl", "run", str(path), "--input", given, cwd=tmp_path)
    assert completed.returncode == 2
    result = contract(completed)
    assert (result["status"], result["error"]) == ("INVALID", "InvalidExecutionInput")


def test_run_refuses_a_missing_definition_file(tmp_path: Path) -> None:
    completed = wfaib("asl", "run", "nowhere.json", cwd=tmp_path)
    assert completed.returncode == 2
    assert contract(completed)["error"] == "InvalidDefinition"


def test_validate_accepts_a_valid_definition(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.asl.json", SUCCEEDING)
    completed = wfaib("asl", "validate", str(path), "--json", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout
    assert json.loads(completed.stdout) == {"valid": True, "diagnostics": []}


def test_validate_lists_diagnostics_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.asl.json", INVALID)
    completed = wfaib("asl", "validate", str(path), "--json", cwd=tmp_path)
    assert completed.returncode == 2
    report = json.loads(completed.stdout)
    assert report["valid"] is False
    assert {(d["code"], d["location"]) for d in report["diagnostics"]} == {
        ("MISSING_TRANSITION_TARGET", "/States/A/Next"),
        ("MISSING_END_STATE", "/States"),
    }


def test_validate_prints_a_table_for_people(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.asl.json", INVALID)
    completed = wfaib("asl", "validate", str(path), cwd=tmp_path)
    assert completed.returncode == 2
    assert "MISSING_TRANSITION_TARGET" in completed.stdout
    assert "invalid (2 error(s), 0 warning(s))" in completed.stdout


def test_run_stops_an_execution_that_never_ends(tmp_path: Path) -> None:
    # AWS fails an execution at its 25,000th history event, so the loop must outlast --timeout
    # in real time: each round does ~1 ms of work, so the quota lies seconds away.
    endless = {
        "StartAt": "Sleep",
        "States": {
            "Sleep": {"Type": "Wait", "Seconds": 60, "Next": "Work"},
            "Work": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": "{% $merge([$states.input, {'n': $count([1..50000])}]) %}",
                "Next": "Again",
            },
            "Again": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
                "Default": "Sleep",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    path = write(tmp_path, "endless.asl.json", endless)
    completed = wfaib("asl", "run", str(path), "--timeout", "0.2", cwd=tmp_path)
    assert completed.returncode == 1
    result = contract(completed)
    assert (result["status"], result["error"]) == ("ABORTED", "wfaib.RunTimeout")
    assert "--timeout" in result["cause"]
