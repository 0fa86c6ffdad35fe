"""``wfaib asl validate`` and ``wfaib asl run``: hand-written ASL, checked and executed locally.

``asl run`` prints exactly one JSON object on stdout, ``{"status", "output", "error", "cause"}``,
whatever happens; other tools parse it. Exit codes: 0 the execution SUCCEEDED, 1 it ended in any
other status, 2 the definition or the input is invalid (``status`` is then ``"INVALID"``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.table import Table

__all__ = ["LOCAL_STATE_MACHINE_ARN", "AslRunResult", "register"]

EXIT_FAILED = 1
EXIT_INVALID = 2
LOCAL_STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:local"

_out = Console()
_err = Console(stderr=True)

asl_app = typer.Typer(
    help="Validate and run Amazon States Language definitions locally.", no_args_is_help=True
)


class AslRunResult(BaseModel):
    """The one JSON object ``wfaib asl run`` prints.

    Example:
        >>> AslRunResult(status="SUCCEEDED", output={"ok": True}).model_dump()
        {'status': 'SUCCEEDED', 'output': {'ok': True}, 'error': None, 'cause': None}
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None


def register(app: typer.Typer) -> None:
    app.add_typer(asl_app, name="asl")


def _read_definition(source: str) -> str:
    """The definition text from a file path, or from stdin for ``-``; ``OSError`` if unreadable."""
    if source == "-":
        return sys.stdin.read()
    return Path(source).read_text(encoding="utf-8")


@asl_app.command("validate")
def validate(
    definition: Annotated[str, typer.Argument(help="ASL definition file (JSON), or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diagnostics as JSON.")] = False,
) -> None:
    """Check a definition like Step Functions' ValidateStateMachineDefinition: exit 0 valid, 2 invalid."""
    from state_machines.asl import has_errors, validate_asl

    try:
        text = _read_definition(definition)
    except OSError as exc:
        _err.print(f"[red]Cannot read {definition}: {exc.strerror or exc}[/red]")
        raise typer.Exit(EXIT_INVALID) from None
    diagnostics = validate_asl(text)
    valid = not has_errors(diagnostics)
    if as_json:
        payload = {"valid": valid, "diagnostics": [d.model_dump() for d in diagnostics]}
        typer.echo(json.dumps(payload, indent=2))
    else:
        if diagnostics:
            table = Table(title=definition, show_lines=True)
            table.add_column("severity", no_wrap=True)
            table.add_column("code", no_wrap=True)
            table.add_column("location", overflow="fold")
            table.add_column("message", ratio=1)
            for d in diagnostics:
                colour = "red" if d.severity == "ERROR" else "yellow"
                table.add_row(f"[{colour}]{d.severity}[/{colour}]", d.code, d.location or "/", d.message)
            _out.print(table)
        errors = sum(d.severity == "ERROR" for d in diagnostics)
        warnings = len(diagnostics) - errors
        verdict = "[green]valid[/green]" if valid else "[red]invalid[/red]"
        _out.print(f"{definition}: {verdict} ({errors} error(s), {warnings} warning(s))")
    if not valid:
        raise typer.Exit(EXIT_INVALID)


def _emit(result: AslRunResult, exit_code: int) -> None:
    typer.echo(json.dumps(result.model_dump()))
    if exit_code:
        raise typer.Exit(exit_code)


def _invalid_input(cause: str) -> AslRunResult:
    return AslRunResult(status="INVALID", error="InvalidExecutionInput", cause=cause)


def _parse_input(value: str) -> str:
    """The execution input as JSON text: ``value`` itself, or a file's content for ``@file``."""
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    json.loads(text)
    return text


@asl_app.command("run")
def run(
    definition: Annotated[str, typer.Argument(help="ASL definition file (JSON), or - for stdin.")],
    input_: Annotated[
        str, typer.Option("--input", help="Execution input: JSON text, or @FILE to read it from a file.")
    ] = "{}",
    timeout: Annotated[
        float,
        typer.Option(
            help="Stop the execution (status ABORTED) if it still runs after this many real seconds."
        ),
    ] = 300.0,
) -> None:
    """Execute a definition on the local runtime (virtual clock: Waits and retries do not sleep)."""
    from state_machines.asl import has_errors, validate_asl

    try:
        text = _read_definition(definition)
    except OSError as exc:
        cause = f"Cannot read {definition}: {exc}"
        _emit(AslRunResult(status="INVALID", error="InvalidDefinition", cause=cause), EXIT_INVALID)
        return
    try:
        input_text = _parse_input(input_)
    except OSError as exc:
        _emit(_invalid_input(f"Cannot read the input: {exc}"), EXIT_INVALID)
        return
    except ValueError as exc:
        _emit(_invalid_input(f"The input is not valid JSON: {exc}"), EXIT_INVALID)
        return
    diagnostics = validate_asl(text)
    if has_errors(diagnostics):
        for d in diagnostics:
            _err.print(
                f"{d.severity} {d.code} {d.location or '/'}: {d.message}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        cause = " ".join(d.message for d in diagnostics if d.severity == "ERROR")
        _emit(AslRunResult(status="INVALID", error="InvalidDefinition", cause=cause), EXIT_INVALID)
        return
    _emit(*_execute(text, input_text, timeout))


def _execute(definition: str, input_text: str, timeout: float) -> tuple[AslRunResult, int]:
    from state_machines.runtime import LocalRuntime, RuntimeApiError, VirtualClock

    runtime = LocalRuntime(clock=VirtualClock(auto_advance=True))
    try:
        started = runtime.start_execution(
            state_machine_arn=LOCAL_STATE_MACHINE_ARN,
            definition=definition,
            input=input_text,
            type="STANDARD",
        )
    except RuntimeApiError as exc:
        # The runtime refused the definition or input (our validator accepted it).
        runtime.close()
        return AslRunResult(status="INVALID", error=type(exc).__name__, cause=str(exc)), EXIT_INVALID
    info = runtime.wait(started.execution_arn, timeout=timeout)
    if info.status == "RUNNING":
        # A loop without an exit would otherwise run until Step Functions' one-year limit.
        cause = (
            f"The execution was still running after {timeout:g} s of real time and was stopped; "
            "raise --timeout to allow more."
        )
        stopped = runtime.stop_execution(started.execution_arn, error="wfaib.RunTimeout", cause=cause)
        if stopped.status != "RUNNING":
            # The runtime yields between states, so the stop lands at once and the loop is idle.
            runtime.close()
        return AslRunResult(status="ABORTED", error="wfaib.RunTimeout", cause=cause), EXIT_FAILED
    runtime.close()
    output = json.loads(info.output) if info.output is not None else None
    result = AslRunResult(status=info.status, output=output, error=info.error, cause=info.cause)
    return result, 0 if info.status == "SUCCEEDED" else EXIT_FAILED
