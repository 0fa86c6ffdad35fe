"""``wfaib runs`` and ``wfaib logs``: runs on the platform (local or deployed), seen from a terminal.

Exit codes: 0 the call worked (and, when waiting, the run succeeded); 1 the awaited run did not
succeed; 2 the API refused the call, could not be reached, or the options were wrong.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from wfaib.api_client import DEFAULT_API_URL, ApiCallError, ApiClient
from wfaib.steps_table import STATUS_COLOURS, steps_table

__all__ = ["register"]

EXIT_OK, EXIT_FAILED_RUN, EXIT_INVALID = 0, 1, 2
_out = Console()
_err = Console(stderr=True)

ApiUrl = Annotated[str, typer.Option(envvar="WFAIB_API_URL", help="Base URL of the API.")]
Token = Annotated[
    str | None,
    typer.Option(envvar="WFAIB_TOKEN", help="Bearer token (locally: `wfaib token`).", show_default=False),
]
ApiKey = Annotated[str | None, typer.Option(envvar="WFAIB_API_KEY", help="API key.", show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
RunId = Annotated[str, typer.Argument(help="The run's id.", show_default=False)]
Interval = Annotated[float, typer.Option(min=0.01, help="Seconds between polls while waiting.")]

runs_app = typer.Typer(
    help="List, inspect, start, cancel and re-run runs on the platform.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")
    app.command("logs")(logs)


@contextmanager
def _api(api_url: str, token: str | None, api_key: str | None) -> Iterator[ApiClient]:
    """A client for the command, turning API refusals into a one-line message and exit code 2."""
    if not token and not api_key:
        _err.print("[red]No credentials:[/] pass --token or --api-key (or set WFAIB_TOKEN / WFAIB_API_KEY).")
        _err.print("Locally, `export WFAIB_TOKEN=$(wfaib token)` while `make dev` runs.")
        raise typer.Exit(EXIT_INVALID)
    client = ApiClient(api_url, token=token, api_key=api_key)
    try:
        yield client
    except ApiCallError as exc:
        where = f" ({exc.status} {exc.code})" if exc.status else ""
        _err.print(f"[red]{escape(str(exc))}[/]{where}", highlight=False)
        if exc.details:
            _err.print(escape(json.dumps(exc.details, default=str)), highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        client.close()


def _print_json(document: Any) -> None:
    _out.print_json(json.dumps(document, default=str))


def _status_text(status: str) -> str:
    colour = {"SUCCEEDED": "green", "RUNNING": "blue"}.get(status, "red")
    return f"[{colour}]{status}[/]"


@runs_app.command("list")
def list_runs(
    *,
    workflow: Annotated[str | None, typer.Option(help="Only this workflow's runs.")] = None,
    status: Annotated[
        str | None, typer.Option(help="RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many runs.")] = 20,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
) -> None:
    """The newest runs of the tenant."""
    params: dict[str, Any] = {"limit": limit}
    if workflow:
        params["workflow_id"] = workflow
    if status:
        params["status"] = status.upper()
    with _api(api_url, token, api_key) as api:
        page = api.call("GET", "/runs", params=params)
    if as_json:
        _print_json(page)
        return
    table = Table("run", "workflow", "version", "env", "status", "trigger", "started")
    for run in page["items"]:
        table.add_row(
            run["id"],
            run["workflow_id"],
            str(run.get("workflow_version", "")),
            run.get("environment", ""),
            _status_text(run["status"]),
            run.get("trigger", ""),
            str(run.get("started_at", "")),
        )
    _out.print(table)
    if page.get("next_cursor"):
        _out.print("More runs exist; raise --limit or filter by --workflow / --status.")


@runs_app.command("show")
def show(
    run_id: RunId,
    *,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
) -> None:
    """One run: status, output or error, and its step timeline."""
    with _api(api_url, token, api_key) as api:
        run = api.call("GET", f"/runs/{run_id}")
    _print_run(run, as_json)


def _print_run(run: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _print_json(run)
        return
    _out.print(steps_table(run.get("steps") or [], title=f"{run['workflow_id']} · run {run['id']}"))
    if run["status"] == "SUCCEEDED":
        _out.print(f"{_status_text(run['status'])} output: {json.dumps(run.get('output'))}")
    else:
        _out.print(f"{_status_text(run['status'])} {run.get('error') or ''}: {run.get('cause') or ''}")


def _parse_input(text: str) -> Any:
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    return json.loads(text)


def _wait(api: ApiClient, run_id: str, interval: float) -> dict[str, Any]:
    while True:
        run: dict[str, Any] = api.call("GET", f"/runs/{run_id}")
        if run["status"] != "RUNNING":
            return run
        time.sleep(interval)


@runs_app.command("start")
def start(
    workflow_id: Annotated[str, typer.Argument(help="The published workflow to run.", show_default=False)],
    *,
    input_text: Annotated[str, typer.Option("--input", help="Trigger payload: JSON text or @file.")] = "{}",
    env: Annotated[str, typer.Option(help="Environment whose published version runs.")] = "dev",
    wait: Annotated[bool, typer.Option(help="Wait for the run to end and exit by its status.")] = False,
    interval: Interval = 1.0,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    api_key: ApiKey = None,
    as_json: AsJson = False,
) -> None:
    """Start a run of a published workflow; with --wait, print its timeline and exit 0 only if it succeeded."""
    try:
        payload = _parse_input(input_text)
    except (OSError, ValueError) as exc:
        _err.print(f"[red]--input is not valid JSON:[/] {exc}")
        raise typer.Exit(EXIT_INVALID) from None
    with _api(api_url, token, api_key) as api:
        run = api.call("POST", f"/workflows/{workflow_id}/runs", json={"input": payload, "environment": env})
        if wait:
            run = _wait(api, run["id"], interval)
    if not wait:
        if as_json:
            _print_json(run)
        else:
            _out.print(f"Started run {run['id']} ({_status_text(run['status'])}).")
        return
    _print_run(run, as_json)
    raise typer.Exit(EXIT_OK if run["status"] == "SUCCEEDED" else EXIT_FAILED_RUN)


@runs_app.command("cancel")
def cancel(
    run_id: RunId, *, api_url: ApiUrl = DEFAULT_API_URL, token: Token = None, api_key: ApiKey = None
) -> None:
    """Stop a running run."""
    with _api(api_url, token, api_key) as api:
        run = api.call("POST", f"/runs/{run_id}/cancel")
    _out.print(f"Run {run['id']} is {_status_text(run['status'])}.")


@runs_app.command("redrive")
def redrive(
    run_id: RunId,
    *,
    wait: Annotated[bool, typer.Option(help="Wait for the run to end and exit by its status.")] = False,
    interval: Interval = 1.0,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    api_key: ApiKey = None,
) -> None:
    """Run a failed run again from the step that failed (what succeeded is kept)."""
    with _api(api_url, token, api_key) as api:
        run = api.call("POST", f"/runs/{run_id}/redrive")
        if wait:
            run = _wait(api, run_id, interval)
    if not wait:
        _out.print(f"Run {run['id']} goes on from its failed step ({_status_text(run['status'])}).")
        return
    _print_run(run, as_json=False)
    raise typer.Exit(EXIT_OK if run["status"] == "SUCCEEDED" else EXIT_FAILED_RUN)


@runs_app.command("rerun")
def rerun(
    run_id: RunId, *, api_url: ApiUrl = DEFAULT_API_URL, token: Token = None, api_key: ApiKey = None
) -> None:
    """Start a new run of the same workflow and environment with the same input."""
    with _api(api_url, token, api_key) as api:
        run = api.call("POST", f"/runs/{run_id}/rerun")
    _out.print(f"Started run {run['id']} (a re-run of {run_id}).")


def logs(
    run_id: RunId,
    *,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing until the run ends.")] = False,
    interval: Interval = 1.0,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    api_key: ApiKey = None,
) -> None:
    """A run's steps as log lines, each once it has ended; with --follow, exit by the run's status."""
    printed = 0
    with _api(api_url, token, api_key) as api:
        while True:
            run = api.call("GET", f"/runs/{run_id}")
            steps = run.get("steps") or []
            # A step is printed once it ended; the timeline only appends, so what ended stays put.
            while printed < len(steps) and steps[printed]["status"] != "running":
                _print_step_line(steps[printed])
                printed += 1
            if run["status"] != "RUNNING" or not follow:
                break
            time.sleep(interval)
    _out.print(f"run {run['id']} {_status_text(run['status'])} {run.get('error') or ''}".rstrip())
    if follow:
        raise typer.Exit(EXIT_OK if run["status"] == "SUCCEEDED" else EXIT_FAILED_RUN)


def _print_step_line(step: dict[str, Any]) -> None:
    colour = STATUS_COLOURS.get(step["status"], "blue")
    duration = step.get("duration_ms")
    detail = (
        f"{step['error']}: {step.get('cause') or ''}" if step.get("error") else json.dumps(step.get("output"))
    )
    _out.print(
        escape(f"{step.get('ended_at') or ''} {step['state']} [{', '.join(step.get('nodes') or [])}] ")
        + f"[{colour}]{step['status']}[/]"
        + (f" {duration:.0f} ms" if duration is not None else "")
        + (f" attempts={step['attempts']}" if (step.get("attempts") or 0) > 1 else "")
        + " "
        + escape(detail[:200]),
        highlight=False,
        soft_wrap=True,
    )
