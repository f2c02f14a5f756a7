"""The `glocal` command. Errors of the input become one clear line and exit 1."""

from __future__ import annotations

import sys

import typer

from api.commands import customs, keys, network, plan, promise, serve
from api.commands.quote import quote_command
from carriers.errors import GlocalError

app = typer.Typer(
    help="glocal: cross-border shipping quotes, delivery promises and batch plans.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(network.app, name="network")
app.command("quote")(quote_command)
app.add_typer(customs.app, name="customs")
app.add_typer(promise.app, name="promise")
app.add_typer(keys.app, name="keys")
app.add_typer(serve.app, name="serve")
app.command("plan")(plan.plan_command)
app.command("sample-orders")(plan.sample_orders_command)


def main() -> None:
    try:
        app()
    except GlocalError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
