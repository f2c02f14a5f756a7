"""`glocal promise`: delivery dates a merchant can promise, and their calibration.

    glocal promise --origin CN-YIW-WH --to ES:28013 [--at ISO-DATETIME] [--json] [--all]
    glocal promise calibrate HISTORY.csv --out PARAMS.csv [--model MODEL.json] [--columns ...]
    glocal promise calibrate --append NEW.csv --model MODEL.json [--columns ...]
    glocal promise evaluate HISTORY.csv [--columns ...] [--plot FILE.png] [--json]
                            [--split time|random] [--report REPORT.html]
    glocal promise simulate --n 50000 [--seed S] --out FILE.csv

Errors end the run as `api.cli` says: one line on stderr and exit 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from api.commands.network import NetworkOption, read_network
from api.commands.promise_learned import append_model, evaluate_learned, write_model
from api.commands.quote import check_day
from carriers.errors import GlocalError, UnknownNode
from routing.promise import (
    CalibrationParams,
    Evaluation,
    History,
    RoutePromise,
    best_per_family,
    calibrate,
    candidate_routes,
    evaluate,
    parse_columns,
    promise_all,
    read_history,
    simulate_history,
)

app = typer.Typer(
    help="Delivery promises: P50/P90/P95 dates per route family, calibrated from history.",
    pretty_exceptions_enable=False,
)
console = Console()
T = TypeVar("T")

ColumnsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--columns",
        help="Your column names: NAME=COLUMN pairs, comma separated or repeated "
        "(names: shipped_at, delivered_at, promised_at, service, mode, lane, origin, "
        "destination, shipment_id, leg<i>_service/_departed_at/_arrived_at).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _refused(options: str, compute: Callable[[], T]) -> T:
    """`compute()`, which works on the values of `options`: the ValueError or OverflowError
    it raises for them (a parameter out of its range, a simulated date past the year
    9999, a plot format unknown) is a GlocalError naming them."""
    try:
        return compute()
    except (ValueError, OverflowError) as exc:
        raise GlocalError(f"{options}: {exc}") from None


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise GlocalError(f"{option} must be a date YYYY-MM-DD, got {text!r}") from None


def _history(path: Path, columns: list[str] | None) -> History:
    """The shipment history in the CSV file at `path`; a binary file is refused by name
    (the reader would take its bytes for Windows-1252 text)."""
    with path.open("rb") as file:
        if b"\0" in file.read(8192):
            raise GlocalError(f"{path}: not a text file; a shipment history is a CSV table")
    return read_history(path, parse_columns(columns or []))


@app.callback(invoke_without_command=True)
def promise(
    ctx: typer.Context,
    origin: Annotated[str | None, typer.Option("--origin", help="Origin node id.")] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Destination COUNTRY:POSTCODE, e.g. ES:28013.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Order time, ISO 8601 (no offset: the origin's local time)."),
    ] = None,
    as_json: JsonOption = False,
    all_routes: Annotated[
        bool, typer.Option("--all", help="Every candidate route, not the best per family.")
    ] = False,
    network: NetworkOption = None,
) -> None:
    """The delivery-date promise per route family (air postal, air courier, rail, sea, road)
    for a standard parcel: P50 / P90 / P95 dates in the buyer's time zone."""
    if ctx.invoked_subcommand is not None:
        return
    if origin is None or to is None:
        raise GlocalError("give --origin NODE and --to COUNTRY:POSTCODE (or a subcommand)")
    country, postal_code = _destination(to)
    world = read_network(network)
    try:
        origin_tz = world.node(origin).tz
    except UnknownNode as exc:
        raise GlocalError(f"--origin: {exc.message}") from None
    order_time = _order_time(at, origin_tz)
    check_day("--at", order_time.date())
    routes = candidate_routes(world, origin, country, postal_code)
    found = promise_all(routes, order_time, world)
    shown = found if all_routes else best_per_family(found)
    if as_json:
        doc = {"origin": origin, "to": to, "order_time": order_time.isoformat()}
        typer.echo(json.dumps({**doc, "options": [p.as_dict() for p in shown]}, indent=2))
    else:
        console.print(_promise_table(origin, to, order_time, shown))


def _destination(to: str) -> tuple[str, str]:
    country, sep, postal_code = to.partition(":")
    country = country.strip().upper()
    if not sep or len(country) != 2 or not country.isalpha() or not postal_code.strip():
        raise GlocalError(f"--to must be COUNTRY:POSTCODE like ES:28013, got {to!r}")
    return country, postal_code.strip()


def _order_time(at: str | None, origin_tz: str) -> datetime:
    if at is None:
        return datetime.now(UTC).astimezone(ZoneInfo(origin_tz))
    try:
        t = datetime.fromisoformat(at)
    except ValueError:
        raise GlocalError(f"--at must be an ISO 8601 date-time, got {at!r}") from None
    return t if t.tzinfo is not None else t.replace(tzinfo=ZoneInfo(origin_tz))


def _promise_table(origin: str, to: str, order_time: datetime, shown: list[RoutePromise]) -> Table:
    tz = shown[0].promise.tz if shown else ""
    table = Table(
        title=f"Delivery promise {origin} -> {to}, ordered {order_time:%Y-%m-%d %H:%M %Z}"
        f" (dates in {tz})"
    )
    for name in ("family", "P50", "P90", "P95", "days", "range", "carriers"):
        table.add_column(name, no_wrap=name != "carriers")
    for p in shown:
        q = p.promise
        days = "/".join(str(q.days_after_order(d)) for d in (q.p50, q.p90, q.p95))
        carriers = " > ".join(dict.fromkeys(s.carrier for s in p.route))
        table.add_row(
            p.family.value,
            f"{q.p50:%d %b}",
            f"[bold]{q.p90:%a %d %b}[/]",
            f"{q.p95:%d %b}",
            days,
            f"{q.earliest:%d %b}-{q.latest:%d %b}",
            carriers,
        )
    table.caption = (
        "days: after the order date at P50/P90/P95; range: earliest to P99; --json for routes"
    )
    return table


@app.command("calibrate")
def calibrate_command(
    history: Annotated[Path | None, typer.Argument(help="Shipment history CSV.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the fitted parameters (CSV).")
    ] = None,
    columns: ColumnsOption = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", help="The learned promise (JSON): written, or updated by --append."
        ),
    ] = None,
    append: Annotated[
        Path | None,
        typer.Option("--append", help="New shipments to replay through --model, without a refit."),
    ] = None,
    prior_strength: Annotated[
        float, typer.Option(help="Shipments' worth of weight a parent fit carries.")
    ] = CalibrationParams.prior_strength,
    min_group: Annotated[
        int, typer.Option(help="Fewest shipments for a group's own fit.")
    ] = CalibrationParams.min_group,
) -> None:
    """Fit transit-time distributions per service, lane and month, with shrinkage; with
    --model also the learned promise; with --append update a learned promise online."""
    if append is not None:
        if model is None:
            raise GlocalError("--append needs --model MODEL.json, the learned promise to update")
        append_model(_history(append, columns), model)
        return
    if history is None or out is None:
        raise GlocalError("give HISTORY and --out PARAMS.csv (or --append NEW --model MODEL)")
    params = _refused(
        "--prior-strength, --min-group",
        lambda: CalibrationParams(prior_strength=prior_strength, min_group=min_group),
    )
    shipments = _history(history, columns)
    fitted = calibrate(shipments, params)
    fitted.write_csv(out)
    if model is not None:
        write_model(shipments, model)
    console.print(f"read [bold]{len(shipments)}[/] shipments from {history}")
    for reason, count in shipments.dropped.items():
        console.print(f"  left out {count}: {reason}")
    levels = {level: sum(1 for k in fitted.fits if k[0] == level) for level in ("shipment", "leg")}
    console.print(
        f"wrote {len(fitted.fits)} fits ({levels['shipment']} shipment, {levels['leg']} leg) "
        f"to {out}"
    )
    table = Table(title="per service (all lanes and months)")
    for name in ("level", "service", "n", "min", "P50", "P90", "P95 (days)"):
        table.add_column(name)
    for fit in sorted(fitted.fits.values(), key=lambda f: f.key):
        if fit.lane == "" and fit.month == 0:
            t = fit.transit
            figures = (t.min_days, t.p50_days, t.p90_days, t.p95_days)
            table.add_row(fit.level, fit.service, str(fit.n), *(f"{x:.2f}" for x in figures))
    console.print(table)


@app.command("evaluate")
def evaluate_command(
    history: Annotated[Path, typer.Argument(help="Shipment history CSV.")],
    columns: ColumnsOption = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Calibration plot (PNG).")] = None,
    train_share: Annotated[
        float, typer.Option(help="Share of shipments, earliest first, that fits.")
    ] = CalibrationParams.train_share,
    as_json: JsonOption = False,
    split: Annotated[
        str | None, typer.Option("--split", help="time or random: evaluate the learned promise.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="The learned promise's report (HTML).")
    ] = None,
) -> None:
    """Fit on the earlier shipments, test on the later: coverage at P50/P90/P95 and width.
    With --split or --report: the learned promise, replayed online, and its report."""
    params = _refused("--train-share", lambda: CalibrationParams(train_share=train_share))
    shipments = _history(history, columns)
    if split is not None or report is not None:
        name = history.name
        evaluate_learned(shipments, name, split or "time", train_share, report, as_json)
        return
    result = evaluate(shipments, params)
    if plot is not None:
        _refused(f"--plot {plot}", lambda: plot_calibration(result, plot, title=history.name))
    if as_json:
        typer.echo(json.dumps(evaluation_dict(result), indent=2))
        return
    console.print(evaluation_table(result, history.name))
    if plot is not None:
        console.print(f"calibration plot: {plot}")


def evaluation_dict(e: Evaluation) -> dict[str, object]:
    split = datetime.fromtimestamp(e.split_minute * 60, UTC)
    return {
        "train": e.n_train,
        "test": e.n_test,
        "unpromised": e.n_unpromised,
        "test_from": split.isoformat(),
        "coverage": {f"P{round(q * 100)}": e.coverage[q] for q in (0.5, 0.9, 0.95)},
        "lead_days": {f"P{round(q * 100)}": e.lead_days[q] for q in (0.5, 0.9, 0.95)},
        "width_days": e.width_days,
        "own_promise": None
        if e.own_coverage is None
        else {"coverage": e.own_coverage, "lead_days": e.own_lead_days, "n": e.own_n},
        "curve": [{"quantile": q, "observed": share} for q, share in e.curve],
    }


def evaluation_table(e: Evaluation, name: str) -> Table:
    split = datetime.fromtimestamp(e.split_minute * 60, UTC)
    table = Table(
        title=f"{name}: fit on {e.n_train} earlier shipments, tested on {e.n_test} "
        f"shipped from {split:%Y-%m-%d}"
        + (f" ({e.n_unpromised} unseen service)" if e.n_unpromised else "")
    )
    for column in ("promise", "target", "delivered by it", "late", "mean days after shipping"):
        table.add_column(column, justify="right")
    for q in (0.5, 0.9, 0.95):
        covered = e.coverage[q]
        row = (f"P{round(q * 100)}", f"{q:.0%}", f"{covered:.1%}", f"{1 - covered:.1%}")
        table.add_row(*row, f"{e.lead_days[q]:.1f}")
    if e.own_coverage is not None and e.own_lead_days is not None:
        own = e.own_coverage
        table.add_row("history's own", "", f"{own:.1%}", f"{1 - own:.1%}", f"{e.own_lead_days:.1f}")
    table.caption = f"mean promise width P95 - P50: {e.width_days:.1f} days"
    return table


def plot_calibration(e: Evaluation, path: Path, title: str = "") -> None:
    """Promised quantile against the observed share delivered by it (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    quantiles = [q for q, _ in e.curve]
    observed = [share for _, share in e.curve]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    ax.plot(quantiles, observed, marker="o", label="glocal promise")
    if e.own_coverage is not None:
        ax.axhline(e.own_coverage, color="tab:red", linestyle=":", label="history's own promise")
    ax.set_xlabel("promised quantile")
    ax.set_ylabel("share delivered on or before the promised date")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"calibration {title}".strip())
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


@app.command("simulate")
def simulate_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write the history (CSV).")],
    n: Annotated[int, typer.Option("--n", help="Number of shipments.", min=1)] = 50_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    start: Annotated[str, typer.Option(help="First order date (YYYY-MM-DD).")] = "2026-01-01",
    days: Annotated[int, typer.Option(help="Order dates span this many days.", min=1)] = 365,
    network: NetworkOption = None,
) -> None:
    """A simulated shipment history of the network, with per-leg scan events."""
    first = _day(start, "--start")
    world = read_network(network)
    frame = _refused(
        f"--start {start}, --days {days}",
        lambda: simulate_history(world, n, seed=seed, start=first, days=days),
    )
    frame.to_csv(out, index=False)
    routes = frame["route"].nunique()
    console.print(f"wrote {len(frame)} shipments over {routes} routes to {out}")
