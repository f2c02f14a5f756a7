"""`glocal quote`: the options for one order, as a table or as the JSON contract.

`read_order` is how every command reads an order file: as the API reads a request's
body, with the service's caps (`api.settings.Settings`), every problem naming the file.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from api.commands.network import NetworkOption, read_network
from api.schemas import quote_body
from api.settings import Settings
from carriers.errors import GlocalError, InvalidOrder, Problem, UnknownNode
from routing.orders import Order, parse_order
from routing.quote import Option, Quote, quote

# A wide page when printing to a file or a pipe; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 160)


def service_settings() -> Settings:
    """The service's settings (`GLOCAL_*`), whose caps the commands keep too; a variable
    that is not valid is a GlocalError naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "GLOCAL_" + "_".join(str(part) for part in first["loc"]).upper()
        raise GlocalError(f"{name}: {first['msg']}, got {first.get('input')!r}") from None


def read_order(path: Path) -> Order:
    """The order in the JSON file at `path`, held to the API's caps: at most
    GLOCAL_MAX_BODY_BYTES, UTF-8, strict JSON (orjson, as the API), and parsed with
    `Settings().order_limits`. What is wrong with it is a GlocalError naming the file (a
    JSON syntax error as `file:line:col`); a file that cannot be read, the OSError."""
    settings = service_settings()
    document = read_json(path, settings.max_body_bytes)
    try:
        return parse_order(document, settings.order_limits)
    except InvalidOrder as exc:
        raise order_error(path, exc.problems) from None


def check_day(option: str, day: date) -> None:
    """A day given on the command line for an order (`--at`) held to the dates an order
    may bear (`Settings().order_limits.dates`, the API's window); outside, a GlocalError
    naming the option."""
    dates = service_settings().order_limits.dates
    wrong = dates.problem(day) if dates is not None else None
    if wrong:
        raise GlocalError(f"{option} {wrong}")


def read_json(path: Path, max_bytes: int) -> Any:
    """The JSON document in the file at `path`, of at most `max_bytes` (a UTF-8 byte order
    mark is allowed)."""
    with path.open("rb") as file:
        raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise GlocalError(
            f"{path}: larger than {max_bytes} bytes, the most an order may be "
            "(GLOCAL_MAX_BODY_BYTES)"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlocalError(
            f"{path}: not UTF-8 text (byte {exc.start} is 0x{raw[exc.start]:02x}); "
            "an order is a JSON file"
        ) from None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise GlocalError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None


def order_error(path: Path, problems: tuple[Problem, ...]) -> GlocalError:
    """An order's problems located in its file: one on the error's line, several listed
    under it (`file: field: message`)."""
    located = tuple(Problem(str(path), p.field, p.message) for p in problems)
    texts = [": ".join(part for part in (p.field, p.message) if part) for p in located]
    if len(located) == 1:
        return GlocalError(f"{path}: invalid order: {texts[0]}", located)
    listing = "\n".join(f"{path}: {text}" for text in texts)
    return GlocalError(f"{path}: the order has {len(located)} problems:\n{listing}", located)


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
    the_order = read_order(order)
    world = read_network(network)
    try:
        result = quote(the_order, world, when, currency, locale)
    except InvalidOrder as exc:  # what only the network knows of: its dates, its nodes
        raise order_error(order, exc.problems) from None
    except UnknownNode as exc:
        raise order_error(order, (Problem("order", "origin", exc.message),)) from None
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
        when = None
    if when is None or when.tzinfo is None:
        raise GlocalError(
            f"--at must be an ISO date-time with a UTC offset, like "
            f"2026-11-26T10:00:00+01:00; got {at!r}"
        )
    check_day("--at", when.date())
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
