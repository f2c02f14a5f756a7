"""`glocal design FORECAST --out bookings.csv` and `glocal design evaluate BOOKINGS
--forecast F --scenarios K`: a season's bookings on a glocal network, and their
robustness (routing/design/run.py). Mounted on the `design` group (api/commands/design.py),
whose first argument, when it names no subcommand, is the forecast of this one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from api.commands.network import NetworkOption, read_network
from carriers.errors import InvalidPlanInput
from routing.design.bookings import booking_frame, read_units, write_bookings
from routing.design.forecast import Forecast, load_forecast
from routing.design.report import write_report
from routing.design.run import SEASON_METHOD, design_season, evaluate_booking
from routing.design.solve import METHODS
from routing.design.world import build_design

console = Console(stderr=True)
TimeLimit = Annotated[
    float, typer.Option("--time-limit", help="Seconds for the solve (a safety net).")
]


def design_command(
    forecast: Annotated[Path, typer.Argument(help="Forecast (CSV; Parquet with pyarrow).")],
    out: Annotated[Path, typer.Option("--out", help="bookings.csv to write.")],
    weeks: Annotated[
        int | None, typer.Option("--weeks", help="Design the first N weeks only.")
    ] = None,
    time_limit: TimeLimit = 300.0,
    summary_path: Annotated[Path | None, typer.Option("--summary", help="summary.json")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="report.html")] = None,
    demand_quantile: Annotated[
        float | None,
        typer.Option("--demand-quantile", help="Book for this quantile of demand, not the mean."),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help=f"The matheuristic: {', '.join(METHODS)}.")
    ] = SEASON_METHOD,
    network: NetworkOption = None,
) -> None:
    """Choose the line-haul units to book for a season from a demand forecast."""
    _positive("--time-limit", time_limit)
    if method not in METHODS:
        raise InvalidPlanInput(f"--method must be one of {', '.join(METHODS)}, got {method!r}")
    world = read_network(network)
    season = _weeks(load_forecast(forecast, world), weeks)
    with console.status("designing") as status:
        found = design_season(
            season, world, time_limit, demand_quantile, progress=status.update, method=method
        )
    s = found.solution
    write_bookings(booking_frame(found.design, s.units, s.share, s.spot_kg), out)
    if summary_path:
        summary_path.write_text(json.dumps(found.summary, indent=1), encoding="utf-8")
    if report:
        write_report(world, found.summary, report)
    typer.echo(summary_line(found.summary, out))


def evaluate_command(
    bookings: Annotated[Path, typer.Argument(help="bookings.csv of `glocal design`.")],
    forecast: Annotated[Path, typer.Option("--forecast", help="The forecast to replay.")],
    scenarios: Annotated[int, typer.Option("--scenarios", help="Demand scenarios.")] = 20,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    time_limit: TimeLimit = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    network: NetworkOption = None,
) -> None:
    """Replay sampled demand scenarios over a booking: expected and worst cost, on time."""
    _positive("--time-limit", time_limit)
    _positive("--scenarios", scenarios)
    world = read_network(network)
    season = load_forecast(forecast, world)
    with console.status("building the season") as status:
        design = build_design(season, world, progress=status.update)
        units = read_units(bookings, design)
        table = evaluate_booking(
            design, units, season, scenarios, time_limit, seed, progress=status.update
        )
    if as_json:
        typer.echo(json.dumps(table, indent=1))
        return
    typer.echo(robustness_text(table, design.currency))


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise InvalidPlanInput(f"{name} must be > 0, got {value:g}")


def _weeks(forecast: Forecast, weeks: int | None) -> Forecast:
    if weeks is None:
        return forecast
    _positive("--weeks", weeks)
    return forecast.first_weeks(weeks)


def summary_line(s: dict[str, Any], out: Path) -> str:
    b, c = s["booked"], s["cost"]
    return (
        f"wrote {s['problem']['booking_rows']:,} departures to {out}: {b['units']:,} units "
        f"booked for {b['kg']:,.0f} kg, {b['spot_kg']:,.0f} kg at spot; cost "
        f"{s['currency']} {c['total']:,.2f} (bound {s['bound']:,.2f}, gap {s['gap']:.2%}); "
        f"{s['on_time_share']:.1%} of parcels on time"
    )


def robustness_text(table: dict[str, Any], currency: str) -> str:
    lines = [f"{'scenario':58s} {'cost ' + currency:>16s} {'spot kg':>11s} {'on time':>8s}"]
    for r in table["scenarios"]:
        lines.append(
            f"{r['scenario'][:58]:58s} {r['cost']:16,.2f} {r['spot_kg']:11,.0f} "
            f"{r['on_time_share']:8.1%}"
        )
    lines.append(
        f"expected cost {table['expected_cost']:,.2f}, worst {table['worst_cost']:,.2f}, "
        f"mean on time {table['on_time_share']:.1%}"
    )
    return "\n".join(lines)
