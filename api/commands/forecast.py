"""`glocal forecast` and `glocal sample-forecast`: the demand forecast a season's bookings
are designed for (`routing.design`), from an order history or sampled for the default
world. Registered in api/cli.py; `app` below holds both too, for tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.commands.network import NetworkOption, read_network
from carriers.errors import InvalidPlanInput
from routing.design.forecast import Forecast, write_forecast
from routing.design.history import forecast_from_orders
from routing.design.sample import BASE_WEEK_ORDERS, SEASON_START, sample_forecast
from routing.plan.table import load_orders

app = typer.Typer(help="Demand forecasts.", no_args_is_help=True, pretty_exceptions_enable=False)

OutOption = Annotated[
    Path, typer.Option("--out", help="Forecast to write (.csv; .parquet with pyarrow).")
]


def forecast_command(
    history: Annotated[
        Path,
        typer.Option(
            "--from-orders", help="Order history: an orders table as `glocal plan` reads."
        ),
    ],
    out: OutOption,
    weeks: Annotated[
        int | None, typer.Option("--weeks", help="Keep the last N weeks (default: all).")
    ] = None,
    network: NetworkOption = None,
) -> None:
    """A weekly forecast from an order history: kg, m3 and parcels per origin,
    destination zone, week and class, each week marked normal, peak (11.11) or cny."""
    if weeks is not None and weeks < 1:
        raise InvalidPlanInput(f"--weeks must be >= 1, got {weeks}")
    world = read_network(network)
    orders, _ = load_orders(history, world)
    forecast = forecast_from_orders(orders, world, weeks, where=str(history))
    write_forecast(forecast, out)
    left = len(orders) - int(forecast.parcels.sum())
    if weeks is None and left:
        typer.echo(f"left out {left} order(s) no last-mile service covers", err=True)
    typer.echo(summary_line(forecast, out))


def sample_forecast_command(
    out: OutOption,
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks of the season.")] = 13,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help=f"The season's first Monday (default {SEASON_START}: 13 weeks hold 11.11, "
            "26 the Spring Festival closure of 2027).",
        ),
    ] = None,
    orders_per_week: Annotated[
        int,
        typer.Option(
            "--orders-per-week",
            help="Orders sampled per ordinary week; fewer than the volume are scaled up to it.",
        ),
    ] = BASE_WEEK_ORDERS,
    network: NetworkOption = None,
) -> None:
    """A realistic season of demand for the default world: sample orders week by week by
    the profile of the week (normal, 11.11 peak, CNY), 100,000 orders an ordinary week."""
    first = _monday(start)
    forecast = sample_forecast(read_network(network), weeks, seed, first, orders_per_week)
    write_forecast(forecast, out)
    typer.echo(summary_line(forecast, out))


def _monday(text: str | None) -> date | None:
    try:
        return None if text is None else date.fromisoformat(text)
    except ValueError:
        raise InvalidPlanInput(f"--start must be YYYY-MM-DD, got {text!r}") from None


def summary_line(forecast: Forecast, out: Path) -> str:
    weeks = forecast.weeks()
    return (
        f"wrote {len(forecast):,} rows to {out}: {len(weeks)} weeks from {weeks[0]}, "
        f"{int(forecast.parcels.sum()):,} parcels, {forecast.kg.sum():,.0f} kg, "
        f"{forecast.m3.sum():,.1f} m3"
    )


app.command("forecast")(forecast_command)
app.command("sample-forecast")(sample_forecast_command)
