"""``wfaib validate | compile | run``: the workflow commands that need nothing but this machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from state_machines.compiler import CompileError, compile_workflow
from state_machines.model import Problem, Workflow, validate_workflow
from wfaib.local_run import ApprovalAnswer, load_workflow_file, node_catalog, run_workflow
from wfaib.steps_table import steps_table

__all__ = ["register"]

EXIT_OK, EXIT_FAILED_RUN, EXIT_INVALID = 0, 1, 2
_out = Console()
_err = Console(stderr=True)

WorkflowFile = Annotated[Path, typer.Argument(help="A workflow JSON file.", show_default=False)]


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("compile")(compile_)
    app.command("run")(run)


def _load(path: Path, as_json: bool) -> Workflow:
    workflow, problems = load_workflow_file(path)
    if workflow is None:
        _report_problems(problems, as_json)
        raise typer.Exit(EXIT_INVALID)
    return workflow


def _report_problems(problems: list[Problem], as_json: bool) -> None:
    if as_json:
        _out.print_json(json.dumps({"valid": not problems, "problems": [p.model_dump() for p in problems]}))
        return
    table = Table(
        "code", "node", "field", "message", title=f"{len(problems)} problem(s)", title_justify="left"
    )
    for problem in problems:
        table.add_row(problem.code, problem.node or "", problem.field or "", problem.message)
    _err.print(table)


def validate(
    path: WorkflowFile, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Check a workflow and list every problem (exit 2 if there is any)."""
    workflow = _load(path, as_json)
    problems = validate_workflow(workflow, node_catalog())
    if problems:
        _report_problems(problems, as_json)
        raise typer.Exit(EXIT_INVALID)
    if as_json:
        _out.print_json(json.dumps({"valid": True, "problems": []}))
    else:
        _out.print(f"[green]✓[/] {path} is valid ({len(workflow.nodes)} nodes)")


def compile_(
    path: WorkflowFile,
    naive: Annotated[bool, typer.Option(help="One state per node, no folding (for comparison).")] = False,
) -> None:
    """Print the Amazon States Language the workflow compiles to."""
    workflow = _load(path, False)
    try:
        compiled = compile_workflow(workflow, node_catalog(), optimize=not naive)
    except CompileError as exc:
        _report_problems(exc.problems, False)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(compiled.asl, nl=False)


def _parse_input(text: str | None, workflow: Workflow) -> Any:
    if text is None:
        sample = getattr(workflow.trigger, "sample_input", None)
        return sample if sample is not None else {}
    return _read_json(text)


def _read_json(text: str) -> Any:
    """JSON text, or ``@file`` for a file's JSON."""
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    return json.loads(text)


def run(
    path: WorkflowFile,
    input_text: Annotated[
        str | None,
        typer.Option("--input", help="Trigger payload: JSON text or @file (default: the sample input)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as one JSON object.")] = False,
    approvals: Annotated[
        str, typer.Option(help="How to answer human approvals: approve or reject.")
    ] = "approve",
    credentials_text: Annotated[
        str | None,
        typer.Option(
            "--credentials",
            help='Credential values by id for connector steps: JSON text or @file, e.g. {"slack-bot": {"token": "xoxb-…"}}.',
        ),
    ] = None,
) -> None:
    """Run a workflow locally and print its step timeline (exit 0 succeeded, 1 failed, 2 invalid)."""
    workflow = _load(path, as_json)
    if approvals not in ("approve", "reject"):
        _err.print("[red]--approvals must be 'approve' or 'reject'[/]")
        raise typer.Exit(EXIT_INVALID)
    try:
        payload = _parse_input(input_text, workflow)
    except (OSError, ValueError) as exc:
        _err.print(f"[red]--input is not valid JSON:[/] {exc}")
        raise typer.Exit(EXIT_INVALID) from None
    answer: ApprovalAnswer = "approve" if approvals == "approve" else "reject"
    try:
        credentials = _read_json(credentials_text) if credentials_text else {}
    except (OSError, ValueError) as exc:
        _err.print(f"[red]--credentials is not valid JSON:[/] {exc}")
        raise typer.Exit(EXIT_INVALID) from None
    if not isinstance(credentials, dict) or not all(isinstance(v, dict) for v in credentials.values()):
        _err.print(
            '[red]--credentials must map credential ids to objects, e.g. {"slack-bot": {"token": "…"}}[/]'
        )
        raise typer.Exit(EXIT_INVALID)
    try:
        result = run_workflow(
            workflow, payload, workflows_dir=path.parent, approvals=answer, credentials=credentials
        )
    except CompileError as exc:
        _report_problems(exc.problems, as_json)
        raise typer.Exit(EXIT_INVALID) from None
    info = result.info
    if as_json:
        _out.print_json(
            json.dumps(
                {
                    "status": info.status,
                    "output": json.loads(info.output) if info.output else None,
                    "error": info.error,
                    "cause": info.cause,
                    "steps": [step.to_dict() for step in result.steps],
                },
                default=str,
            )
        )
    else:
        table = steps_table((step.to_dict() for step in result.steps), title=workflow.name)
        _out.print(table)
        if info.status == "SUCCEEDED":
            _out.print(f"[green]SUCCEEDED[/] output: {info.output}")
        else:
            _out.print(f"[red]{info.status}[/] {info.error or ''}: {info.cause or ''}")
    raise typer.Exit(EXIT_OK if info.status == "SUCCEEDED" else EXIT_FAILED_RUN)
