"""``wfaib import-n8n FILE``: convert an n8n workflow export into a WFAIB workflow file.

Exit codes: 0 every node converted, 1 the workflow was written but some nodes are placeholders
(or were left out), 2 the file could not be read or is not an n8n export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from state_machines.n8n import ImportResult, InvalidN8nDocumentError, convert
from wfaib.local_run import node_catalog

__all__ = ["register"]

EXIT_OK, EXIT_INCOMPLETE, EXIT_INVALID = 0, 1, 2
_out = Console()
_err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("import-n8n")(import_n8n)


def import_n8n(
    path: Annotated[Path, typer.Argument(help="An n8n workflow export (JSON).", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Where to write the workflow (default: <FILE name>.wfaib.json here)."
        ),
    ] = None,
    trigger: Annotated[
        str | None,
        typer.Option(help="The n8n trigger to start from (default: the one that reaches the most nodes)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {workflow, report} as JSON instead of a summary.")
    ] = False,
) -> None:
    """Convert an n8n workflow export into a WFAIB workflow and report what needs a person's eye."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror or exc}")
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        _fail(f"{path} is not JSON: {exc}")
    try:
        result = convert(document, catalog=node_catalog(), trigger=trigger)
    except InvalidN8nDocumentError as exc:
        _fail(f"cannot import {path}: {exc}")
    target = output if output is not None else Path(f"{path.stem}.wfaib.json")
    try:
        target.write_text(json.dumps(result.workflow, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror or exc}")
    if as_json:
        _out.print_json(result.model_dump_json())
    else:
        _summary(result, target)
    raise typer.Exit(EXIT_OK if result.report.complete else EXIT_INCOMPLETE)


def _fail(message: str) -> NoReturn:
    _err.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_INVALID)


def _summary(result: ImportResult, target: Path) -> None:
    report = result.report
    headline = (
        f"{report.converted} of {report.nodes} n8n nodes converted, {len(report.placeholders)} placeholder(s)"
    )
    _out.print(f"[{'green' if report.complete else 'yellow'}]{headline}[/] — wrote {target}", highlight=False)
    if report.placeholders:
        table = Table("n8n node", "type", "WFAIB node", "why it needs attention")
        for column in table.columns:
            column.overflow = "fold"
        for placeholder in report.placeholders:
            table.add_row(placeholder.name, placeholder.n8n_type, placeholder.node, placeholder.reason)
        _out.print(table)
    for note in report.notes:
        _out.print(f"• {note}", highlight=False, markup=False)
