"""`glocal quote`: the options for one order, as a table or as the JSON contract."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.commands.network import NetworkOption
from api.schemas import quote_body
from carriers.errors import InvalidOrder, Problem
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import Option, Quote, quote

# A wide page when printing to a file or a pipe; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 160)


def read_order(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidOrder([Problem(str(path), "order", "file not found")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidOrder([Problem(f"{path}:{exc.lineno}", "order", exc.msg)]) from None


def quote_command(
    order: Annotated[Path, typer.Option("--order", help="Order JSON file.")],
    at: Annotated[str | None, typer.Option("--at", help="ISO date-time of the quote.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    currency: Annotated[str | None, typer.Option("--currency")] = None,
    locale: Annotated[str | None, typer.Option("--locale")] = None,
    network: NetworkOption = None,
) -> None:
    """Quote one order: ranked options with price, duties and taxes, and promise."""
    when = _when(at)
    result = quote(parse_order(read_order(order)), load_network(network), when, currency, locale)
    if as_json:
        typer.echo(json.dumps(quote_body(result), indent=2, ensure_ascii=False))
    else:
        print_quote(result)


def _when(at: str | None) -> datetime | None:
    if at is None:
        return None
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise InvalidOrder([Problem("--at", "at", f"not an ISO date-time: {at!r}")]) from None
    if when.tzinfo is None:
        raise InvalidOrder([Problem("--at", "at", "give a UTC offset, e.g. +01:00")])
    return when


def print_quote(q: Quote) -> None:
    table = Table(title=f"quote {q.quote_id} at {q.at.isoformat()}, amounts in {q.currency}")
    for name in (
        "#",
        "route",
        "terms",
        "shipping",
        "duties",
        "total",
        "P50",
        "P90",
        "P95",
        "CO2e kg",
        "tags",
    ):
        table.add_column(
            name, justify="right" if name in ("shipping", "duties", "total") else "left"
        )
    for i, o in enumerate(q.options, 1):
        table.add_row(
            str(i),
            _route_name(o),
            o.incoterm.value,
            f"{o.shipping.decimal}",
            f"{o.duties_and_taxes.decimal}",
            f"{o.total.decimal}",
            str(o.promise.p50),
            str(o.promise.p90),
            str(o.promise.p95),
            f"{o.co2e_kg:.2f}",
            ", ".join(o.tags),
        )
    console.print(table)
    for i, o in enumerate(q.options, 1):
        console.print(f"{i}. {o.summary}")
        for m in o.messages:
            console.print(f"   [yellow]{m.code}[/]: {m.message}")
    for rate in q.fx:
        console.print(f"[dim]rate used: {rate}[/]")
    for e in q.excluded:
        why = "; ".join(f"{r.code}: {r.message}" for r in e.reasons)
        console.print(f"[red]excluded[/] {e.route or '(no route)'}: {why}")


def _route_name(o: Option) -> str:
    """The line-haul mode and the last-mile carrier: "air + correos"."""
    modes = [g.mode.value for g in o.legs]
    main = next((m for m in modes if m in ("air", "sea", "rail")), modes[-1])
    return f"{main} + {o.legs[-1].carrier}"
