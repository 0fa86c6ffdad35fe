"""``wfaib connectors list`` and ``wfaib connector new``: the connector catalog and scaffolding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register"]

EXIT_INVALID = 2
_out = Console()
_err = Console(stderr=True)

connectors_app = typer.Typer(help="The connector catalog.", no_args_is_help=True)
connector_app = typer.Typer(help="Build connectors.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(connectors_app, name="connectors")
    app.add_typer(connector_app, name="connector")


@connectors_app.command("list")
def list_connectors(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the catalog as JSON (with schemas).")
    ] = False,
) -> None:
    """List every connector with its auth and action versions."""
    from connectors.catalog import load_catalog, to_json

    catalog = load_catalog()
    if as_json:
        typer.echo(json.dumps(to_json(catalog), indent=2))
        return
    table = Table(
        "connector", "name", "version", "auth", "actions", title=f"{len(catalog.connectors)} connectors"
    )
    for connector in catalog.connectors:
        actions = ", ".join(f"{a.id.split('.', 1)[1]} v{a.version}" for a in connector.actions)
        table.add_row(connector.id, connector.name, connector.version, connector.auth, actions)
    _out.print(table)


@connector_app.command("new")
def new_connector(
    name: Annotated[str, typer.Argument(help="Connector id, lower_snake_case (e.g. acme_crm).")],
    root: Annotated[Path, typer.Option(help="Repository root to write into.")] = Path(),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Scaffold connectors/NAME/ with two actions and a test against a local fake."""
    from connectors.sdk.scaffold import ScaffoldError, scaffold_connector

    try:
        written = scaffold_connector(name, root, force=force)
    except ScaffoldError as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_INVALID) from None
    for path in written:
        _out.print(f"wrote {path}")
    _out.print(
        f"next: edit connectors/{name}/, run .venv/bin/pytest tests/connectors/test_connector_{name}.py, "
        "then .venv/bin/python -m connectors.catalog --write"
    )


@connector_app.command("from-openapi")
def from_openapi(
    spec: Annotated[Path, typer.Argument(help="An OpenAPI 3 document (JSON or YAML).", show_default=False)],
    name: Annotated[str, typer.Option("--id", help="Connector id, lower_snake_case.", show_default=False)],
    root: Annotated[Path, typer.Option(help="Repository root to write into.")] = Path(),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Generate connectors/ID/ from an OpenAPI document: one action per operation."""
    from connectors.sdk.scaffold import ScaffoldError, scaffold_openapi_connector

    try:
        written = scaffold_openapi_connector(spec, name, root, force=force)
    except ScaffoldError as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_INVALID) from None
    for path in written:
        _out.print(f"wrote {path}")
    _out.print("next: test it against a fake of the API, then .venv/bin/python -m connectors.catalog --write")
