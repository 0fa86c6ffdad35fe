"""The Lambda handler: the payload the compiler emits in, the node's output (or a named error) out."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from functions.code_sandbox import CodeError, CodeTimeoutError
from functions.code_sandbox.handler import FUNCTION_NAME_SUFFIX, handler
from functions.code_sandbox.sandbox import protect_parent_environment

MAIN = "def main(input):\n    print('seen by the logs')\n    return {'greeting': 'hi ' + input['name']}\n"


def test_returns_the_output_and_writes_prints_to_the_function_log(capsys: pytest.CaptureFixture[str]) -> None:
    assert handler({"code": MAIN, "input": {"name": "Ada"}}, None) == {"greeting": "hi Ada"}
    assert "seen by the logs" in capsys.readouterr().err


def test_limits_in_the_event_apply() -> None:
    event = {
        "code": "import time\ndef main(input):\n    time.sleep(30)\n",
        "input": None,
        "limits": {"cpu_seconds": 1, "wall_seconds": 0.5},
    }
    with pytest.raises(CodeTimeoutError, match=r"longer than 0.5 s"):
        handler(event, None)


def test_errors_keep_the_class_name_step_functions_matches_on() -> None:
    with pytest.raises(CodeError) as caught:
        handler({"code": "def main(input):\n    raise ValueError('bad row')\n", "input": 1}, None)
    assert type(caught.value).__name__ == "CodeError"
    assert str(caught.value).startswith("ValueError: bad row")


@pytest.mark.parametrize(
    "event",
    [
        {"input": 1},
        {"code": MAIN, "input": 1, "unexpected": True},
        {"code": MAIN, "limits": {"cpu_seconds": 0}},
        {"code": MAIN, "limits": {"memory_mb": 1}},
    ],
)
def test_malformed_events_are_refused(event: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        handler(event, None)


def test_function_name_suffix_is_the_documented_one() -> None:
    assert FUNCTION_NAME_SUFFIX == "code-python"


def test_the_platform_process_is_protected_only_when_it_is_not_root() -> None:
    applied = protect_parent_environment()
    assert applied is (os.geteuid() != 0 and sys.platform.startswith("linux"))
    if applied:
        with pytest.raises(PermissionError):
            Path(f"/proc/{os.getpid()}/environ").read_bytes()
