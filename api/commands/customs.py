"""`glocal customs`: explain the landed cost of an order on a route, list and check the
customs rules. Errors end the run as `api.cli` says: one line and exit 1."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.commands.network import NetworkOption, read_network, text_files
from api.commands.quote import check_day, read_order
from carriers.errors import GlocalError, NotPriceable
from carriers.money import Money
from carriers.pricing import Charge, price_parcel
from routing.customs import (
    DEFAULT_RULES,
    CustomsRules,
    LandedCost,
    Screening,
    landed_cost,
    load_rules,
    parse_route_id,
    read_rules,
    screen,
)
from routing.fx import DEFAULT_FX, FxRates, load_fx
from routing.network import Network, Route, network_dir
from routing.orders import Order

app = typer.Typer(
    help="Customs: landed cost of an order on a route, and the rules behind it.",
    no_args_is_help=True,
)
console = Console(width=160)

AtOption = Annotated[str | None, typer.Option("--at", help="Date the rules apply on, YYYY-MM-DD.")]


@app.command()
def explain(
    order: Annotated[Path, typer.Option("--order", help="Order JSON file.")],
    route: Annotated[str, typer.Option("--route", help="Service ids joined by '+'.")],
    at: AtOption = None,
    network: NetworkOption = None,
    year_to_date: Annotated[
        str | None,
        typer.Option("--year-to-date", help='Buyer\'s CBEC imports this year, "1200.00 CNY".'),
    ] = None,
) -> None:
    """The itemised landed cost of an order on a route, with rule ids and sources."""
    net = read_network(network)
    the_order = read_order(order)
    the_route = parse_route_id(net, route)
    day = _day(at) if at else the_order.created_at.date()
    check_day("--at", day)
    rules, fx = _rules_and_fx(net)
    charges = _shipping(the_order, the_route, route)
    ytd = _money(year_to_date) if year_to_date else None
    found = landed_cost(
        the_order, the_route, charges, day, rules, fx, network=net, buyer_year_to_date=ytd
    )
    screening = screen(the_order, the_route, day, rules, fx, network=net, buyer_year_to_date=ytd)
    _print_landed(the_order, route, day, found, screening)


@app.command("rules")
def list_rules(
    country: Annotated[
        str | None, typer.Option("--country", help="Only what this destination sees.")
    ] = None,
    at: AtOption = None,
    confidence: Annotated[
        str | None, typer.Option("--confidence", help="Only these levels, e.g. M,L.")
    ] = None,
    rules_dir: Annotated[
        Path | None, typer.Option("--rules", help="Rules directory (default data/customs).")
    ] = None,
) -> None:
    """The rules, with validity, confidence and source: what to re-check and where."""
    with text_files(rules_dir or DEFAULT_RULES):
        rules = load_rules(rules_dir)
    if country and country.upper() not in rules.jurisdictions:
        raise GlocalError(f"no customs rules for {country!r}")
    chosen = rules.visible(country.upper()) if country else rules.rules
    day = _day(at) if at else None
    levels = {c.strip().upper() for c in confidence.split(",")} if confidence else None
    table = Table(title=f"customs rules{f' seen from {country.upper()}' if country else ''}")
    for name in ("rule", "topic", "valid", "conf", "source"):
        table.add_column(name, overflow="fold")
    for rule in chosen:
        if (day and not rule.in_force(day)) or (levels and rule.confidence.value not in levels):
            continue
        flag = " (illustrative)" if rule.illustrative else ""
        table.add_row(
            rule.rule_id,
            rule.topic.value,
            rule.validity,
            rule.confidence + flag,
            f"{rule.source}\n[dim]{rule.where}[/]",
        )
    console.print(table)


@app.command()
def validate(
    directory: Annotated[Path, typer.Argument(help="Rules directory.")] = DEFAULT_RULES,
) -> None:
    """Exit 0 when the rules load; otherwise one line per problem (path:line) and exit 1."""
    try:
        with text_files(directory):
            rules = read_rules(directory)
    except GlocalError as exc:
        for problem in exc.problems or ():
            typer.echo(str(problem))
        if not exc.problems:
            typer.echo(f"error: {exc.message}")
        raise typer.Exit(1) from None
    typer.echo(f"{directory}: valid ({len(rules.jurisdictions)} places, {len(rules.rules)} rules)")


# --- helpers -------------------------------------------------------------------------------


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise GlocalError(f"--at must be a date YYYY-MM-DD, got {text!r}") from None


def _money(text: str) -> Money:
    parts = text.split()
    try:
        return Money.of(parts[0], parts[1])
    except (IndexError, ArithmeticError, ValueError):
        raise GlocalError(f'--year-to-date must read "AMOUNT CURRENCY", got {text!r}') from None


def _rules_and_fx(net: Network) -> tuple[CustomsRules, FxRates]:
    """The network's own customs/ and fx.csv when it has them, else data/'s."""
    base = net.source or network_dir()
    rules_dir = base / "customs" if (base / "customs").is_dir() else DEFAULT_RULES
    fx_file = base / "fx.csv" if (base / "fx.csv").is_file() else DEFAULT_FX
    with text_files(base):
        return load_rules(rules_dir), load_fx(fx_file)


def _shipping(order: Order, route: Route, route_name: str) -> list[Charge]:
    dest = order.destination
    try:
        return [
            charge
            for service in route
            for parcel in order.parcels
            for charge in price_parcel(
                service.rate_card, parcel.weight_kg, parcel.dims_cm, dest.country, dest.postal_code
            )
        ]
    except NotPriceable as exc:
        raise GlocalError(f"cannot price route {route_name}: {exc.message}") from None


def _print_landed(order: Order, route: str, day: date, lc: LandedCost, sc: Screening) -> None:
    console.print(
        f"[bold]{order.order_id}[/] to {lc.jurisdiction} on {day}, route [bold]{route}[/]\n"
        f"regime {lc.regime}, collected at {lc.collection.value}; valuation {lc.valuation}: "
        f"goods {lc.goods_value} + freight {lc.freight} -> customs value {lc.customs_value}"
    )
    table = Table(title="landed cost")
    for name in ("kind", "name", "base", "rate", "amount", "paid", "rule", "conf", "note"):
        table.add_column(name, overflow="fold", justify="right" if name == "amount" else "left")
    for line in lc.lines:
        table.add_row(
            line.kind.value,
            line.name,
            str(line.base),
            line.rate_text,
            str(line.amount),
            line.collected.value,
            line.rule_id,
            line.confidence.value,
            line.note,
        )
    console.print(table)
    dap = "not offered (collected at checkout)" if lc.dap_total is None else str(lc.dap_total)
    console.print(
        f"DDP total (at checkout): [bold]{lc.ddp_total}[/]   DAP total (on delivery): "
        f"[bold]{dap}[/]"
    )
    console.print("[bold]sources[/]")
    for rule_id, source in dict.fromkeys((x.rule_id, x.source) for x in lc.lines):
        console.print(f"  {rule_id}: {source}", soft_wrap=True)
    for rate in lc.fx:
        console.print(f"  fx: {rate}", soft_wrap=True)
    for note in lc.notes:
        console.print(f"  note: {note}", soft_wrap=True)
    for finding in sc:
        verdict = "[red]excludes the route[/]" if finding.excludes else "message"
        console.print(f"  {finding.code.value} ({verdict}): {finding.message}", soft_wrap=True)
