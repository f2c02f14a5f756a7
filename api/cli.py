"""The `glocal` command: every subcommand mounted, and how a run of it ends.

The exit status, and what is printed on stderr:

- 0: done.
- 1: the input is wrong: a glocal error (`carriers.errors`), or a file that cannot be read
  or written (missing, a directory, permission denied, a full disk). One line:
  `error: ` and a complete sentence that names the file, option or id at fault. An error
  that lists problems in files (a network directory, a plan's orders table, an order)
  says a single one on that line too; of several, the line is followed by the first
  five, one a line as `path:line: field: message`, and `... and N more` (`glocal network
  validate DIR` lists all of a network's). The commands' readers turn what a file gets
  wrong (too large, not UTF-8 text, not JSON, a malformed number) into such an error
  naming the file, and a JSON syntax error into `file:line:col: not JSON: message`.
- 2: the command line is wrong (a missing or unknown option, a value of the wrong type):
  Typer's usage message, as every Typer command shows it.
- 70 (EX_SOFTWARE of sysexits.h): a bug in glocal, any other exception. One line,
  `error: internal error (TypeName: message); rerun with GLOCAL_DEBUG=1 for the
  traceback`: not 1, so that a script can tell a bug from its own input, and not 2,
  Typer's status for a usage error.
- 130: interrupted (Ctrl-C).

Never a traceback, unless `GLOCAL_DEBUG=1`: then the traceback of any of these errors is
printed above its line, and the exit status is the same.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

import typer

from api.commands import (
    capacity,
    customs,
    design,
    forecast,
    importer,
    keys,
    network,
    plan,
    promise,
    serve,
)
from api.commands.quote import quote_command
from api.commands.simulate import simulate_checkout_command
from carriers.errors import GlocalError, Problem

MAX_LISTED = 5  # problems printed under an error's line
EX_SOFTWARE = 70  # sysexits.h: an internal software error (os.EX_SOFTWARE, Unix only)

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
app.command("forecast")(forecast.forecast_command)
app.command("sample-forecast")(forecast.sample_forecast_command)
app.add_typer(design.app, name="design")
app.add_typer(importer.app, name="import")
app.add_typer(capacity.app, name="capacity")
app.command("simulate-checkout")(simulate_checkout_command)


def main() -> None:
    run(app)


def run(command: typer.Typer, args: list[str] | None = None) -> NoReturn:
    """Run `command` as the program `glocal` (with `args`, else the process's own), and
    end the process as the module docstring says."""
    try:
        command(args=args, prog_name="glocal")
    except Exception as exc:  # the run is over: say how it ended, never carry on
        if os.environ.get("GLOCAL_DEBUG", "") not in ("", "0"):
            traceback.print_exc()
        lines, status = describe(exc)
        for line in lines:
            typer.echo(line, err=True)
        sys.exit(status)
    sys.exit(0)  # Typer ends a run by SystemExit; this is not reached


def describe(exc: Exception) -> tuple[list[str], int]:
    """The lines to print for an exception that ended a run, and the exit status."""
    if isinstance(exc, GlocalError):
        return error_lines(exc), 1
    if isinstance(exc, OSError):
        return [f"error: {_os_error(exc)}"], 1
    text = str(exc).strip().splitlines()
    what = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return [
        f"error: internal error ({what}); rerun with GLOCAL_DEBUG=1 for the traceback"
    ], EX_SOFTWARE


def error_lines(exc: GlocalError) -> list[str]:
    """`error: ` and the message's first line. When the message goes on to list its
    problems: a single one on that line too; of several, the first MAX_LISTED, one a
    line, and how many more there are."""
    head, _, listing = exc.message.partition("\n")
    if not (listing and exc.problems):
        return [f"error: {head}"]
    if len(exc.problems) == 1:
        return [f"error: {head.rstrip(':')}: {problem_line(exc.problems[0])}"]
    lines = [f"error: {head}", *(problem_line(p) for p in exc.problems[:MAX_LISTED])]
    if len(exc.problems) > MAX_LISTED:
        lines.append(f"... and {len(exc.problems) - MAX_LISTED} more")
    return lines


def problem_line(problem: Problem) -> str:
    """`path:line: field: message`, leaving out a part that is empty."""
    return ": ".join(part for part in (problem.where, problem.field, problem.message) if part)


def _os_error(exc: OSError) -> str:
    """`FILE: reason` (`FILE -> OTHER: reason` for a rename), or the reason alone."""
    names = " -> ".join(str(n) for n in (exc.filename, exc.filename2) if n is not None)
    reason = exc.strerror or str(exc)
    return f"{names}: {reason}" if names else reason
