"""`glocal plan` and `glocal sample-orders`: batch planning of an orders table.

Registered in api/cli.py; `app` below holds both too, for tests and for running this
module alone.

Where the plan runs:

- no flag: in this one process; nothing of Dask is imported or started;
- `--workers N`: a Dask `LocalCluster` of N worker processes (one thread each) on this
  machine, started for the run and stopped after it;
- `--scheduler tcp://HOST:PORT` (or `GLOCAL_DASK_SCHEDULER`): a Dask cluster that is
  already running.

On a cluster the orders are read and validated in partitions on the workers, the plan's
blocks are solved as Dask tasks, and the plan is written part by part
(`routing.plan.cluster`). The plan is the same row for row wherever it runs.

`--time-limit` bounds the whole run, not only the solver: the clock is checked before
each stage and each block of the model (`routing.plan.deadline`). The files to write are
tried before anything is read, so a plan that could not be written is never solved; rows
created outside the dates the data covers (and the window around today that the API
keeps, `routing.coverage`) are invalid rows, named by line.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from api.commands.network import NetworkOption
from carriers.errors import GlocalError, InvalidPlanInput
from routing.coverage import date_window
from routing.network import load_network
from routing.plan import (
    Deadline,
    PlanParams,
    Scenario,
    parse_scale,
    plan_orders,
    plan_table,
    read_capacity,
    sample_orders,
    summary,
    write_report,
)
from routing.plan.bidprices import publish as publish_prices
from routing.plan.cluster import dask_client, dask_map, read_orders, write_plan
from routing.plan.output import NO_PRICE
from routing.plan.sample import PROFILES

console = Console(stderr=True)
app = typer.Typer(help="Batch planning.", no_args_is_help=True, pretty_exceptions_enable=False)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            frame.to_parquet(path, index=False)
        except ImportError:
            raise InvalidPlanInput(f"{path}: writing Parquet needs pyarrow; use .csv") from None
        return
    frame.to_csv(path, index=False)


def _write_plan(frame: pd.DataFrame, path: Path) -> None:
    try:
        write_plan(frame, path)
    except OSError as exc:
        raise InvalidPlanInput(f"{path}: cannot write the plan: {exc.strerror or exc}") from None


def _check_writable(path: Path, what: str) -> None:
    """Refuse, before any work, a file that cannot be written: opened for appending (an
    existing file is left as it is; one made by the check is removed again)."""
    existed = path.exists()
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        with path.open("ab"):
            pass
    except OSError as exc:
        raise InvalidPlanInput(f"{path}: cannot write the {what}: {exc.strerror or exc}") from None
    if not existed:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Where:
    """Where the plan runs: this process (neither), a new LocalCluster of `workers`
    processes, or the running cluster at `scheduler`."""

    workers: int | None
    scheduler: str | None

    def check(self) -> None:
        if self.workers is not None and self.scheduler is not None:
            raise InvalidPlanInput(
                "give --workers (start a local Dask cluster) or --scheduler / "
                "GLOCAL_DASK_SCHEDULER (use a running one), not both"
            )

    def describe(self, workers: int) -> str:
        if self.scheduler is not None:
            return f"on the Dask cluster at {self.scheduler} ({workers} workers)"
        return f"on a local Dask cluster of {workers} worker processes"


class _Stages:
    """A Rich progress line per stage, with its time."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        task = self.progress.add_task(name, total=1)
        started = time.perf_counter()
        yield
        self.progress.update(
            task, completed=1, description=f"{name} ({time.perf_counter() - started:.1f} s)"
        )


def plan_command(
    orders: Annotated[Path, typer.Argument(help="Orders table (CSV; Parquet with pyarrow).")],
    out: Annotated[Path, typer.Option("--out", help="Plan table to write (.csv or .parquet).")],
    capacity: Annotated[
        Path | None, typer.Option("--capacity", help="CSV service_id,departure_date,kg,m3.")
    ] = None,
    horizon_days: Annotated[int, typer.Option("--horizon-days")] = 14,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            help="Seconds for the whole plan: loading, every stage and writing, not only "
            "the solver (checked before each stage and each block of the model).",
        ),
    ] = 60,
    summary_path: Annotated[Path | None, typer.Option("--summary", help="summary.json")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="report.html")] = None,
    hard_deadlines: Annotated[bool, typer.Option("--hard-deadlines")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid")] = False,
    close: Annotated[list[str] | None, typer.Option("--close", help="Service id to close.")] = None,
    scale_capacity: Annotated[
        list[str] | None, typer.Option("--scale-capacity", help="SERVICE_ID=FACTOR")
    ] = None,
    demand: Annotated[float, typer.Option("--demand", help="Resample orders by a factor.")] = 1.0,
    params_file: Annotated[Path | None, typer.Option("--params", help="PlanParams TOML.")] = None,
    solver: Annotated[
        str | None, typer.Option("--solver", help="MIP solver: highs, scip or cp_sat.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Start a Dask LocalCluster of N worker processes here and plan on it "
            "(default: plan in this one process, without Dask).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            envvar="GLOCAL_DASK_SCHEDULER",
            help="Plan on the running Dask cluster at tcp://HOST:PORT; its workers need "
            "this glocal, its network data and the orders at the same path.",
        ),
    ] = None,
    network: NetworkOption = None,
    publish: Annotated[
        Path | None,
        typer.Option(
            "--publish",
            help="Write the bid prices per departure for GLOCAL_BIDPRICE_FILE: the mean "
            "LP duals over perturbed re-solves (routing/plan/bidprices.py).",
        ),
    ] = None,
) -> None:
    """Plan a batch of orders over the network's booked capacity at least cost.

    In this one process, or on a Dask cluster with --workers or --scheduler: same plan.
    --time-limit bounds the whole run, every stage included.
    """
    deadline = Deadline(time_limit, "--time-limit")
    try:
        _plan(
            orders,
            out,
            capacity,
            horizon_days,
            time_limit,
            summary_path,
            report,
            hard_deadlines,
            skip_invalid,
            close or [],
            scale_capacity or [],
            demand,
            params_file,
            solver,
            _Where(workers, scheduler or None),
            network,
            deadline,
            publish,
        )
    except GlocalError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


def _plan(
    orders: Path,
    out: Path,
    capacity: Path | None,
    horizon_days: int,
    time_limit: float,
    summary_path: Path | None,
    report: Path | None,
    hard_deadlines: bool,
    skip_invalid: bool,
    close: list[str],
    scale: list[str],
    demand: float,
    params_file: Path | None,
    solver: str | None,
    where: _Where,
    network_dir: Path | None,
    deadline: Deadline,
    publish: Path | None = None,
) -> None:
    base = PlanParams.from_file(params_file) if params_file else PlanParams()
    params = PlanParams(
        **{
            **vars(base),
            "horizon_days": horizon_days,
            "time_limit_s": time_limit,
            "hard_deadlines": hard_deadlines or base.hard_deadlines,
            "solver": solver or base.solver,
            "workers": 1,  # blocks in this process, or as tasks of the Dask cluster
        }
    )
    scenario = Scenario(frozenset(close), parse_scale(scale), demand)
    where.check()
    written = ((out, "plan"), (summary_path, "summary"), (report, "report"))
    for path, what in (*written, (publish, "bid-price snapshot")):
        if path is not None:
            _check_writable(path, what)
    window = date_window(datetime.now(UTC))
    with ExitStack() as stack:
        client = stack.enter_context(dask_client(where.workers, where.scheduler))
        if client is not None:
            console.print(where.describe(len(client.scheduler_info()["workers"])))
        progress = stack.enter_context(
            Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=False,
            )
        )
        stages = deadline.stages(_Stages(progress))
        with stages("load"):
            network = load_network(network_dir)
            table, invalid = read_orders(orders, network, client, skip_invalid, window=window)
            overrides = read_capacity(capacity, network.compiled) if capacity else []
        map_fn = deadline.map(dask_map(client) if client is not None else map)
        result = plan_orders(
            table,
            network,
            params,
            scenario,
            overrides,
            invalid,
            map_fn=map_fn,
            stages=stages,
            time_left=deadline.left,
        )
        with stages("write"):
            figures = summary(result)
            _write_plan(plan_table(result), out)
            if summary_path:
                summary_path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
            if report:
                write_report(result, figures, report)
        if publish is not None:
            with stages("publish"):
                done = publish_prices(result, publish, map_fn)
            console.print(f"published {done.snapshot_id} ({len(done.prices)}) to {publish}")
    counts = figures["orders"]
    if not len(result.orders):
        console.print(
            f"no valid orders to plan: {counts['invalid']} invalid row(s), listed in {out}"
        )
        return
    console.print(_summary_line(figures))
    console.print(_prices_text(figures), highlight=False)


def _prices_text(figures: dict[str, Any]) -> str:
    """The top shadow prices in words, one a line, or that no capacity binds."""
    top = figures["top_shadow_prices"]
    if not top:
        return f"{NO_PRICE}: one more kg or m3 on any departure would save nothing"
    return "\n".join(["what more capacity would save:", *(f"  {t['sentence']}" for t in top)])


def _summary_line(figures: dict[str, Any]) -> str:
    """Counts, cost and on-time share of both plans, and the gap to the bound."""
    o, g = figures["optimized"], figures["greedy"]
    cur, gap = figures["currency"], figures["gap_to_bound"]
    return (
        f"{figures['orders']['planned']} planned, {figures['orders']['unplanned']} unplanned, "
        f"{figures['orders']['invalid']} invalid; cost {o['cost']:,.2f} {cur}, "
        f"{_on_time(o)} (greedy {g['cost']:,.2f}, {_on_time(g)}); gap to the bound "
        f"{'n/a' if gap is None else format(gap, '.2%')}"
    )


def _on_time(totals: dict[str, Any]) -> str:
    share = totals["on_time_share"]
    return "no deadlines" if share is None else f"{share:.1%} on time"


def sample_orders_command(
    n: Annotated[
        int,
        typer.Option(
            "--n",
            help="The base volume: the orders of an ordinary week (n/7 a day). A profile "
            "weighs its days against that, so peak writes 13/7 n orders and cny about 4.4 n. "
            "The default world is sized for 100,000 orders of a normal week.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Orders table to write (.csv/.parquet).")],
    seed: Annotated[int, typer.Option("--seed")] = 1,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="normal, peak: the first day (a Monday; defaults 2026-10-19 and 2026-11-09); "
            "cny: the next Spring Festival closure ending on or after it is sampled "
            "(default 2026-10-19, so February 2027).",
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="normal: an ordinary week, the one the default world is sized for. "
            "peak: the 11.11 week, 10-12 November at 3x an ordinary day and "
            "electronics-heavy; it stresses line-haul capacity. "
            "cny: the weeks around the Chinese New Year closure of the origin warehouses "
            "(data/calendar/closures.csv), a rush before it and fewer orders during it; "
            "it stresses the calendar (the backlog after the restart).",
        ),
    ] = "normal",
) -> None:
    """Realistic sample orders (markets, weights, goods, values, deadlines) over the days
    of a demand profile."""
    try:
        if profile not in PROFILES:
            raise InvalidPlanInput(
                f"--profile must be one of {', '.join(PROFILES)}, got {profile!r}"
            )
        if n < 1:
            raise InvalidPlanInput(f"--n must be >= 1, got {n}")
        frame = sample_orders(n, seed, _sample_start(start), profile)
        _write_table(frame, out)
    except GlocalError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {len(frame)} {profile} orders to {out}")


def _sample_start(start: str | None) -> date | None:
    try:
        return None if start is None else date.fromisoformat(start)
    except ValueError:
        raise InvalidPlanInput(f"--start must be YYYY-MM-DD, got {start!r}") from None


app.command("plan")(plan_command)
app.command("sample-orders")(sample_orders_command)
