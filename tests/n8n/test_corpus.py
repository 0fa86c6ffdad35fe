"""Every real n8n export of the shared corpus converts into a workflow that validates and compiles.

The corpus (340 workflows from a public template collection) lives in
``../shared/data/n8n-workflows`` next to the repository and is used as it is. The coverage test
measures how many n8n nodes convert natively and fails if that falls below the floor recorded
here (set just under the measured figure, so a regression shows).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from n8n.helpers import CATALOG
from state_machines.compiler import compile_workflow
from state_machines.model import Workflow, validate_workflow
from state_machines.n8n import ImportResult, convert

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "n8n-workflows"
FILES = sorted(CORPUS.glob("*.json"))
MISSING = "n8n-corpus-missing"

# Measured on the 340 workflows (6103 nodes, 4479 without sticky notes): 1969 converted natively
# (43.96%), 1777 placeholders, 733 left out (other triggers' flows, unreachable nodes); of the
# nodes kept, 52.56% native.
MIN_CONVERTED_SHARE = 0.435
MIN_KEPT_CONVERTED_SHARE = 0.52


def _corpus() -> Path:
    if not CORPUS.is_dir() or not FILES:
        pytest.fail(
            f"The n8n corpus was not found at {CORPUS}: the 'shared' folder must sit next to the repository."
        )
    return CORPUS


@cache
def _import(path: Path) -> ImportResult:
    return convert(json.loads(path.read_text(encoding="utf-8")), catalog=CATALOG)


@pytest.mark.parametrize("path", FILES or [MISSING], ids=lambda p: p.name if isinstance(p, Path) else p)
def test_every_export_converts_validates_and_compiles(path: Path | str) -> None:
    _corpus()
    assert isinstance(path, Path)
    result = _import(path)
    workflow = Workflow.model_validate(result.workflow)
    assert validate_workflow(workflow, CATALOG) == []
    compiled = compile_workflow(workflow, CATALOG)
    assert compiled.definition["States"]
    report = result.report
    assert report.converted + len(report.placeholders) <= report.nodes
    assert all(node.get("credential") is None for node in result.workflow["nodes"])


def test_native_coverage_stays_above_its_floor(record_property: Callable[[str, object], None]) -> None:
    _corpus()
    nodes = converted = placeholders = 0
    for path in FILES:
        report = _import(path).report
        nodes += report.nodes
        converted += report.converted
        placeholders += len(report.placeholders)
    left_out = nodes - converted - placeholders
    share, kept_share = converted / nodes, converted / (converted + placeholders)
    figures = {
        "workflows": len(FILES),
        "nodes": nodes,
        "converted": converted,
        "placeholders": placeholders,
        "left_out": left_out,
        "converted_share": round(share, 4),
        "converted_share_of_kept": round(kept_share, 4),
    }
    for name, value in figures.items():
        record_property(name, value)
    print(f"n8n corpus coverage: {json.dumps(figures)}")
    assert share >= MIN_CONVERTED_SHARE, figures
    assert kept_share >= MIN_KEPT_CONVERTED_SHARE, figures
