"""The boto3 sample in docs/sfn-local.md runs as written against a live server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "sfn-local.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_boto3_sample_runs(endpoint: str) -> None:
    sample = python_blocks(DOC.read_text())[0]
    assert "http://127.0.0.1:8083" in sample
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(sample.replace("http://127.0.0.1:8083", endpoint), str(DOC), "exec"), {})

    assert printed.getvalue().strip() in {"RUNNING", "SUCCEEDED"}
