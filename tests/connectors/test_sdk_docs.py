"""The guide's connector and its test are real code: run them, so docs/connectors.md cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"


def test_the_guide_connector_and_its_test_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    assert len(blocks) == 2, "the guide shows one connector and one test"
    connector_code, test_code = blocks
    namespace: dict[str, object] = {"__name__": "guide_example"}
    exec(compile(connector_code, f"{GUIDE}:connector", "exec", dont_inherit=True), namespace)
    exec(compile(test_code, f"{GUIDE}:test", "exec", dont_inherit=True), namespace)
    namespace["test_create_ticket"]()  # type: ignore[operator]
