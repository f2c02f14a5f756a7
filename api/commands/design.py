"""`glocal design`: lane booking design. `glocal design FORECAST --out bookings.csv` books
a season on the network and `glocal design evaluate BOOKINGS --forecast F` replays demand
scenarios over a booking (api/commands/season.py). `glocal design mcnd FILE.dow` solves a public
MCND benchmark instance (Crainic-Frangioni-Gendron `.dow`) with the design engine and
prints its value, bound, gap, seconds and status (`--json`: as one JSON object).

Registered in api/cli.py; each subcommand is a function of its own (`mcnd_command`), so
the group can be rebuilt with more."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from api.commands.season import design_command, evaluate_command
from routing.design.mcnd import design_problem, read_dow, shortest_path_pricer
from routing.design.solve import DEFAULT_METHOD, METHODS, solve_design

console = Console(stderr=True)
SEASON = "season"  # the hidden subcommand `glocal design FORECAST ...` runs


class DesignGroup(TyperGroup):
    """A group whose first argument, when it names no subcommand (nor asks for help), is
    the forecast of `glocal design FORECAST`: Click would otherwise take it for an
    unknown subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # Typer's own click.Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [SEASON, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DesignGroup,
    help="Lane booking design: which capacity to book. `glocal design FORECAST --out "
    "bookings.csv [--weeks N] [--time-limit S] [--summary F] [--report F] "
    "[--demand-quantile Q]` books a season; the subcommands below do the rest.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no nan or inf


def mcnd_command(
    file: Annotated[Path, typer.Argument(help="An MCND instance in the canad .dow format.")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the solve.")
    ] = 60.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    method: Annotated[
        str, typer.Option("--method", help=f"The matheuristic: {', '.join(METHODS)}.")
    ] = DEFAULT_METHOD,
) -> None:
    """Solve a public MCND benchmark instance with the design engine."""
    if method not in METHODS:
        raise typer.BadParameter(f"must be one of {', '.join(METHODS)}", param_hint="--method")
    if time_limit <= 0:
        raise typer.BadParameter(f"must be > 0, got {time_limit:g}", param_hint="--time-limit")
    net = read_dow(file)
    with console.status("solving") as status:
        found = solve_design(
            design_problem(net), time_limit, shortest_path_pricer(net), method, status.update
        )
    open_arcs = int(found.units.sum())
    if as_json:
        body = {
            "instance": str(file),
            "value": _number(found.value),
            "bound": _number(found.bound),
            "gap": _number(found.gap),
            "seconds": round(found.seconds, 3),
            "status": found.status,
            "method": found.method,
            "open_arcs": open_arcs,
            "costs": found.costs,
            "trace": [
                {"stage": s, "seconds": round(t, 3), "value": _number(v), "bound": _number(b)}
                for s, t, v, b in found.trace
            ],
        }
        typer.echo(json.dumps(body, indent=2))
        return
    typer.echo(
        f"{file}: {len(net.tail)} arcs, {len(net.demand)} commodities; {open_arcs} arcs open\n"
        f"value {found.value:,.2f}  bound {found.bound:,.2f}  gap {found.gap:.3%}  "
        f"{found.seconds:.1f} s  {found.status} ({found.method})"
    )


app.command(SEASON, hidden=True)(design_command)
app.command("evaluate")(evaluate_command)
app.command("mcnd")(mcnd_command)
