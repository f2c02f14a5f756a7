"""`glocal capacity show [--json]`: per departure with bookings, its capacity (as the
last booking on it was checked against: the network's or `GLOCAL_CAPACITY_FILE`'s),
what is sold and what remains, from the service's store."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.capacity import CM3_PER_M3, GRAMS_PER_KG
from api.commands.keys import UNBOUNDED, DatabaseOption, open_store
from api.store import DepartureRow, ShipmentStore

app = typer.Typer(help="Capacity sold per departure (bookings).", no_args_is_help=True)


def departure_json(r: DepartureRow) -> dict[str, Any]:
    """One departure as `--json` lists it (capacity None: not limited)."""
    return {
        "service": r.service,
        "departure": r.day.isoformat(),
        "capacity_kg": None if r.capacity_g is None else r.capacity_g / GRAMS_PER_KG,
        "capacity_m3": None if r.capacity_cm3 is None else r.capacity_cm3 / CM3_PER_M3,
        "sold_kg": r.sold_g / GRAMS_PER_KG,
        "sold_m3": r.sold_cm3 / CM3_PER_M3,
    }


@app.command()
def show(
    database: DatabaseOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON list, one per departure.")
    ] = False,
) -> None:
    """Booked capacity, sold and remaining per departure."""
    with open_store(database) as store:
        rows = [departure_json(r) for r in ShipmentStore(store).departures()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(
        "service",
        "departure",
        "capacity kg",
        "sold kg",
        "left kg",
        "capacity m3",
        "sold m3",
        "left m3",
    )
    for r in rows:
        table.add_row(
            r["service"],
            r["departure"],
            *_amounts(r["capacity_kg"], r["sold_kg"], 1),
            *_amounts(r["capacity_m3"], r["sold_m3"], 3),
        )
    # a terminal's own width; on a pipe or in a file, as wide as the cells
    console = Console() if sys.stdout.isatty() else Console(width=UNBOUNDED)
    console.print(table if rows else "no departure has a booking")


def _amounts(capacity: float | None, sold: float, digits: int) -> tuple[str, str, str]:
    if capacity is None:
        return "unlimited", f"{sold:.{digits}f}", "-"
    return f"{capacity:.{digits}f}", f"{sold:.{digits}f}", f"{capacity - sold:.{digits}f}"
