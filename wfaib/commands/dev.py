"""``wfaib dev``: the editor, the API and the local runtime in one process (what ``make dev`` runs)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from functions.shared.settings import Settings

if TYPE_CHECKING:
    from wfaib.dev import LocalPlatform

__all__ = ["dev", "register", "token"]


def dev(
    *,
    port: Annotated[int, typer.Option(help="Port of the editor and the API (0 picks a free one).")] = 8080,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    data_dir: Annotated[
        Path, typer.Option(help="Where workflows, runs and executions are kept across restarts.")
    ] = Path(".wfaib"),
    examples: Annotated[bool, typer.Option(help="Load examples/*.json into the demo tenant.")] = True,
) -> None:
    """Start WFAIB locally: editor, API, local Step Functions and AWS emulation; Ctrl-C stops."""
    from wfaib.dev import LocalPlatform

    # Metrics are CloudWatch's business; on this terminal they would bury the welcome and the URLs.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    console = Console()
    try:
        with console.status("Starting the local platform…"):
            platform = LocalPlatform(data_dir, host=host, port=port, seed_examples=examples).start()
    except OSError as exc:
        Console(stderr=True).print(f"Cannot serve on {host}:{port}: {exc.strerror}. Choose another --port.")
        raise typer.Exit(2) from exc
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        _print_welcome(console, platform)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        with console.status("Stopping (saving data)…"):
            platform.stop()
        console.print(f"Stopped. Data kept in {data_dir}; running executions resume on the next start.")


def _print_welcome(console: Console, platform: LocalPlatform) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("Editor", platform.url)
    table.add_row("API", platform.api_url)
    table.add_row("API docs", f"{platform.api_url}/docs")
    table.add_row("OpenAPI", f"{platform.api_url}/openapi.json")
    table.add_row("Step Functions API", platform.sfn_endpoint)
    table.add_row("AWS APIs (moto)", platform.aws_endpoint)
    table.add_row("Data", str(platform.data_dir))
    console.print(table)
    for seeded in platform.seeded:
        style = "yellow" if seeded["status"].startswith(("invalid", "not")) else "green"
        console.print(
            f"  [{style}]{seeded['status']:>13}[/{style}]  {seeded['workflow']}  {seeded['detail']}"
        )
    console.print("Open the editor, signed in as the demo owner (one line, copy it whole):", highlight=False)
    console.print(f"{platform.url}/#token={platform.demo_token}", highlight=False, soft_wrap=True)
    console.print("Demo token (tenant 'demo', role owner):", highlight=False)
    console.print(platform.demo_token, highlight=False, soft_wrap=True)
    console.print(
        f'Try: curl -H "Authorization: Bearer $TOKEN" {platform.api_url}/workflows    (Ctrl-C stops)',
        highlight=False,
    )


def token(
    *,
    tenant: Annotated[str, typer.Option(help="Tenant the token is for.")] = "demo",
    subject: Annotated[str, typer.Option(help="Who the token names (a user's e-mail).")] = "demo@wfaib.local",
    role: Annotated[str, typer.Option(help="viewer, member, admin or owner.")] = "owner",
    hours: Annotated[float, typer.Option(help="How long the token is valid.")] = 12,
    data_dir: Annotated[Path, typer.Option(help="The data directory of `wfaib dev`.")] = Path(".wfaib"),
) -> None:
    """Print a signed API token for the local platform (local sign-in: any tenant, user and role)."""
    from datetime import timedelta

    from functions.api.auth import ROLES, TENANT_PATTERN, issue_token
    from wfaib.dev.platform import jwt_secret

    err = Console(stderr=True)
    if role not in ROLES or not TENANT_PATTERN.match(tenant):
        err.print(
            f"Choose --role from {', '.join(ROLES)} and a --tenant of lower-case letters, digits and dashes."
        )
        raise typer.Exit(2)
    settings = Settings(jwt_secret=jwt_secret(data_dir))
    typer.echo(
        issue_token(settings, tenant_id=tenant, subject=subject, role=role, ttl=timedelta(hours=hours))
    )  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add ``dev`` and ``token`` to the ``wfaib`` command line."""
    app.command("dev")(dev)
    app.command("token")(token)
