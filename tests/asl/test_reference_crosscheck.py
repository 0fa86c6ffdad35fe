"""Our validator against the reference one (npm asl-validator) on every corpus definition.

They must agree, except on the definitions ``reference_disagreements.json`` lists with the
reason. The reference takes ~0.15 s per definition, so each corpus is one test (xdist spreads
them) and one Node process per batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.asl_validator import ReferenceValidatorUnavailableError, validate_with_reference

from state_machines.asl import has_errors, validate_asl

from .conftest import CORPORA, case_name, corpus_files, require_data

DISAGREEMENTS = json.loads((Path(__file__).parent / "reference_disagreements.json").read_text())
# name -> (our verdict, reference verdict); a verdict is "valid" or "invalid"
DOCUMENTED: dict[str, tuple[str, str]] = {
    name: (group["ours"], group["reference"])
    for group in DISAGREEMENTS["groups"]
    for name in group["definitions"]
}


def _verdict(valid: bool) -> str:
    return "valid" if valid else "invalid"


@pytest.mark.slow
@pytest.mark.parametrize("corpus", list(CORPORA))
def test_our_validator_agrees_with_the_reference(corpus: str) -> None:
    require_data()
    files = corpus_files(corpus)
    assert files, f"the {corpus} corpus is empty"
    texts = {case_name(corpus, path): path.read_text(encoding="utf-8") for path in files}
    parsed: dict[str, Any] = {name: json.loads(text) for name, text in texts.items()}
    reference = validate_with_reference(parsed)

    found: dict[str, tuple[str, str]] = {}
    for name, text in texts.items():
        ours = _verdict(not has_errors(validate_asl(text)))
        theirs = _verdict(not reference[name])
        if ours != theirs:
            found[name] = (ours, theirs)

    expected = {name: verdicts for name, verdicts in DOCUMENTED.items() if name.startswith(f"{corpus}:")}
    undocumented = {n: v for n, v in found.items() if expected.get(n) != v}
    stale = sorted(set(expected) - set(found))
    assert not undocumented, "undocumented disagreements (ours, reference): " + json.dumps(
        {n: [*v, reference[n][:2]] for n, v in undocumented.items()}, indent=1
    )
    assert not stale, f"listed in reference_disagreements.json but now agreeing: {stale}"


def test_reference_rejects_a_dangling_next() -> None:
    """The helper really runs the reference: a broken definition comes back with its errors."""
    answers = validate_with_reference(
        {
            "ok": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
            "dangling": {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}},
        }
    )
    assert answers["ok"] == []
    assert any("MISSING_TRANSITION_TARGET" in error for error in answers["dangling"])


def test_reference_helper_refuses_to_pass_silently_without_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReferenceValidatorUnavailableError, match=r"needs Node\.js"):
        validate_with_reference({"x": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}})
