"""Our JSONata syntax check against the JSONata test suite (reference implementation's cases).

Each suite case either evaluates, or fails with an error code; ``S0…`` codes are syntax
errors. ``jsonata_error`` must flag exactly those: never reject an expression the reference
parses, never accept one it cannot.
"""

from __future__ import annotations

import json
from pathlib import Path

from state_machines.asl.jsonata_syntax import jsonata_error

from .conftest import require_data


def _suite_cases(root: Path) -> list[tuple[str, str, str | None]]:
    cases: list[tuple[str, str, str | None]] = []
    for path in sorted((root / "groups").glob("*/*.json")):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        for index, case in enumerate(loaded if isinstance(loaded, list) else [loaded]):
            expr = case.get("expr")
            if expr is None:
                expr = (path.parent / case["expr-file"]).read_text(encoding="utf-8")
            cases.append((f"{path.parent.name}/{path.name}#{index}", expr, case.get("code")))
    return cases


def test_jsonata_parser_agrees_with_the_reference_suite() -> None:
    cases = _suite_cases(require_data() / "jsonata-suite")
    assert len(cases) > 1000
    wrongly_rejected = []
    missed_syntax_errors = []
    for name, expr, code in cases:
        problem = jsonata_error("{% " + expr + " %}")
        is_syntax_error = code is not None and code.startswith("S0")
        if is_syntax_error and problem is None:
            missed_syntax_errors.append(name)
        elif not is_syntax_error and problem is not None:
            wrongly_rejected.append((name, problem))
    assert not wrongly_rejected, wrongly_rejected[:10]
    assert not missed_syntax_errors, missed_syntax_errors[:10]
