"""The `glocal` command. Errors of the input become one clear line and exit 1."""

from __future__ import annotations

import sys

import typer

from api.commands import network
from carriers.errors import GlocalError

app = typer.Typer(
    help="glocal: cross-border shipping quotes, delivery promises and batch plans.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(network.app, name="network")


def main() -> None:
    try:
        app()
    except GlocalError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
