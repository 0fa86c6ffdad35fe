"""The ``wfaib`` command line.

Each area registers its own commands from ``wfaib/commands/<area>.py`` (a ``register(app)``
function), so this file only lists them. Exit codes scripts can trust: 0 success, 1 a failed run,
2 invalid input or usage.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES: tuple[str, ...] = (
    "workflows",
    "sfn_local",
    "connectors",
    "asl",
    "dev",
    "deploy",
    "runs",
    "identity",
    "n8n",
)

app = typer.Typer(
    name="wfaib",
    help="WFAIB: workflows that deploy into your own AWS account and run unchanged on a laptop.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in COMMAND_MODULES:
    importlib.import_module(f"wfaib.commands.{_module}").register(app)


def main() -> None:
    """Entry point of the ``wfaib`` script."""
    app()
