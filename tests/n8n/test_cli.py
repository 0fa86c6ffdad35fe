"""``wfaib import-n8n``: files written, summary and exit codes (typer's CliRunner, in-process)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from n8n.helpers import CATALOG, links, n8n_node, workflow
from state_machines.model import Workflow, validate_workflow
from wfaib.cli import app

runner = CliRunner()


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_fully_converted_workflow_is_written_and_exits_0(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "flow.json",
        workflow(
            n8n_node("Start", "manualTrigger"), n8n_node("Go", "noOp"), connections=links(("Start", "Go"))
        ),
    )
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["import-n8n", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 of 2 n8n nodes converted" in result.output
    written = Workflow.model_validate(json.loads(target.read_text()))
    assert validate_workflow(written, CATALOG) == []


def test_placeholders_exit_1_still_write_the_workflow_and_json_mode_prints_the_report(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "flow.json",
        workflow(
            n8n_node("Start", "manualTrigger"),
            n8n_node("Sheet", "googleSheets"),
            connections=links(("Start", "Sheet")),
        ),
    )
    target = tmp_path / "out.json"
    table = runner.invoke(app, ["import-n8n", str(source), "-o", str(target)])
    assert table.exit_code == 1
    assert "1 placeholder(s)" in table.output and "Sheet" in table.output
    as_json = runner.invoke(app, ["import-n8n", str(source), "-o", str(target), "--json"])
    assert as_json.exit_code == 1
    body = json.loads(as_json.stdout)
    assert body["workflow"] == json.loads(target.read_text())
    assert body["report"]["placeholders"][0]["name"] == "Sheet"


def test_unreadable_or_invalid_input_exits_2_with_one_line(tmp_path: Path) -> None:
    cases = {
        "missing": tmp_path / "nope.json",
        "not JSON": tmp_path / "bad.json",
        "not n8n": _write(tmp_path / "other.json", {"hello": 1}),
    }
    cases["not JSON"].write_text("{not json", encoding="utf-8")
    for label, path in cases.items():
        result = runner.invoke(app, ["import-n8n", str(path), "-o", str(tmp_path / "out.json")])
        assert result.exit_code == 2, label
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), (label, result.output)
    assert not (tmp_path / "out.json").exists()


def test_a_trigger_can_be_chosen_by_name_and_an_unknown_one_exits_2(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "flow.json",
        workflow(
            n8n_node("Hook", "webhook", {"path": "in"}),
            n8n_node("Start", "manualTrigger"),
            n8n_node("Go", "noOp"),
            connections=links(("Hook", "Go"), ("Start", "Go")),
        ),
    )
    target = tmp_path / "out.json"
    chosen = runner.invoke(app, ["import-n8n", str(source), "-o", str(target), "--trigger", "Start"])
    assert json.loads(target.read_text())["trigger"]["type"] == "manual"
    assert chosen.exit_code == 1  # the other trigger was left out
    unknown = runner.invoke(app, ["import-n8n", str(source), "-o", str(target), "--trigger", "Nope"])
    assert unknown.exit_code == 2 and "no trigger named 'Nope'" in unknown.output
