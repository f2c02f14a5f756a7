"""The planning process of one job: `python -m api.jobs.work JOB_ID OWNER --root DIR`.

Started by the server's `JobRunner` (never by hand), with the database URL in
`GLOCAL_DATABASE_URL`. It reads the job's uploaded orders, runs the planner, writes the
plan (CSV and Parquet), the summary and the report into the job's directory, and records
the outcome. Between stages (and between plan blocks) it reports progress and asks the
store whether to go on: a cancelled job stops there, as `cancelled`.

The job's `time_limit_s` bounds the whole job from the moment it was claimed: the clock
is checked before each stage and each block (`routing.plan.deadline`), and past it the
job fails naming the stage and the limit. (A stage that runs on past the limit is ended
from outside: the runner ends this process.) Rows created outside the dates the data
covers, within `--dates-back-days` / `--dates-ahead-days` of today
(`routing.coverage.date_window`), are invalid rows.

A bad orders table or option ends the job as `failed` with the problem. Anything else
(a crash) ends the process with a traceback in the job's `planner.log`; the runner then
marks the job failed, naming the exit.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.jobs.files import JobFiles
from api.jobs.options import PlanOptions
from api.jobs.records import CANCELLED, FAILED, SUCCEEDED, JobRecords, PlanJob
from api.jobs.views import cancelled_problem, error_problem
from api.store import Store
from carriers.errors import GlocalError
from routing.coverage import date_window
from routing.network import load_network
from routing.plan import Deadline, load_orders, plan_orders, plan_table, summary, write_report
from routing.plan.cluster import dask_client, dask_map

log = logging.getLogger("glocal.jobs.work")


class Stop(Exception):
    """The job is not to go on: cancelled, or no longer this runner's."""


class Reporter:
    """The planner's `stages` callback: each stage's state and time go to the store, and
    the answer says whether to go on."""

    def __init__(self, records: JobRecords, job: PlanJob, owner: str) -> None:
        self.records, self.job_id, self.owner = records, job.job_id, owner
        self.progress: list[dict[str, Any]] = []
        self.current = ""
        self._checked = 0.0

    def check(self) -> None:
        self._checked = time.monotonic()
        if not self.records.report(self.job_id, self.owner, self.progress):
            raise Stop(self.current)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.current = name
        entry: dict[str, Any] = {"stage": name, "state": "running"}
        self.progress.append(entry)
        self.check()
        started = time.perf_counter()
        yield
        entry |= {"state": "done", "seconds": round(time.perf_counter() - started, 3)}
        self.check()

    def checked_map(self, inner: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """`map` that also asks whether to go on between items (at most twice a second)."""

        def mapped(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
            for item in items:
                if time.monotonic() - self._checked > 0.5:
                    self.check()
                yield from inner(function, [item])

        return mapped


def run(
    records: JobRecords,
    job: PlanJob,
    owner: str,
    root: Path,
    network_dir: Path | None,
    scheduler: str | None,
    dates: dict[str, int] | None = None,
) -> None:
    """Plan the job. `dates`: the window of `created_at` around today, as the keywords of
    `date_window` (`{}`: its defaults); None: no window (any date the planner can take)."""
    files = JobFiles(root, job.job_id)
    options = PlanOptions.model_validate(job.options)
    reporter = Reporter(records, job, owner)
    deadline = deadline_of(job, options.time_limit_s)

    def work() -> dict[str, Any]:
        with dask_client(scheduler=scheduler) if scheduler else nullcontext() as client:
            inner = dask_map(client) if client is not None else reporter.checked_map(map)
            stages = deadline.stages(reporter)
            return outcome(
                _plan(
                    files, job, options, network_dir, dates, stages, deadline.map(inner),
                    deadline.left,
                )
            )  # fmt: skip

    settle(records, job, owner, work)


def settle(
    records: JobRecords, job: PlanJob, owner: str, work: Callable[[], dict[str, Any]]
) -> None:
    """Run a job's work and record how it ended: succeeded with the outcome it returns,
    failed with the glocal error it raised, or cancelled when it stopped on a request
    (a stop for another reason, the runner's, is left for the runner to record)."""
    try:
        found = work()
    except Stop as stop:
        now = records.get(job.job_id)
        if now is not None and now.cancel_requested:
            records.finish(job.job_id, owner, CANCELLED, error=cancelled_problem(str(stop)))
        return
    except GlocalError as exc:
        records.finish(job.job_id, owner, FAILED, error=error_problem(exc))
        return
    records.finish(job.job_id, owner, SUCCEEDED, outcome=found)


def deadline_of(job: PlanJob, seconds: float, kind: type[Deadline] = Deadline) -> Deadline:
    """The job's time limit, counted from when it was claimed (its process starts then)."""
    spent = 0.0
    if job.started_at is not None:
        spent = max((datetime.now(UTC) - job.started_at).total_seconds(), 0.0)
    return kind(seconds, "time_limit_s", started=time.monotonic() - spent)


def _plan(
    files: JobFiles,
    job: PlanJob,
    options: PlanOptions,
    network_dir: Path | None,
    dates: dict[str, int] | None,
    stages: Callable[[str], AbstractContextManager[None]],
    map_fn: Callable[..., Iterator[Any]],
    time_left: Callable[[], float],
) -> dict[str, Any]:
    with stages("load"):
        network = load_network(network_dir)
        window = None if dates is None else date_window(datetime.now(UTC), **dates)
        # by name: the process runs in the job's directory (no server path in a message)
        table, invalid = load_orders(
            files.orders(job.input_format).name, network, options.skip_invalid, window
        )
    result = plan_orders(
        table,
        network,
        options.params(),
        options.scenario(),
        (),
        invalid,
        map_fn=map_fn,
        stages=stages,
        time_left=time_left,
    )
    with stages("write"):
        figures = summary(result)
        frame = plan_table(result)
        write_atomically(files.plan_csv, lambda p: frame.to_csv(p, index=False))
        write_atomically(files.plan_parquet, lambda p: frame.to_parquet(p, index=False))
        write_atomically(files.summary, lambda p: p.write_text(json.dumps(figures, indent=2)))
        write_atomically(files.report, lambda p: write_report(result, figures, p))
    return figures


def write_atomically(path: Path, writer: Callable[[Path], object]) -> None:
    """Write under a temporary name, then rename: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    writer(tmp)
    os.replace(tmp, path)


def outcome(figures: dict[str, Any]) -> dict[str, Any]:
    """The plan's headline figures, kept with the job."""
    best = figures["optimized"]
    return {
        "orders": {k: figures["orders"][k] for k in ("input", "planned", "unplanned", "invalid")},
        "currency": figures["currency"],
        "cost": best["cost"],
        "objective": best["objective"],
        "greedy_objective": figures["greedy"]["objective"],
        "plan_source": figures["plan_source"],
        "gap_to_lp_bound": figures["gap_to_lp_bound"],
        "blocks": figures["solver"]["blocks"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api.jobs.work")
    parser.add_argument("job_id")
    parser.add_argument("owner")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--network", type=Path, default=None)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--dates-back-days", type=int, default=None)
    parser.add_argument("--dates-ahead-days", type=int, default=None)
    args = parser.parse_args(argv)
    given = (("back_days", args.dates_back_days), ("ahead_days", args.dates_ahead_days))
    dates = {name: days for name, days in given if days is not None}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = Store(os.environ["GLOCAL_DATABASE_URL"])
    try:
        records = JobRecords(store)
        job = records.get(args.job_id)
        if job is None or job.owner != args.owner:
            log.warning("job %s is not this runner's; nothing to do", args.job_id)
            return 0
        run(records, job, args.owner, args.root, args.network, args.scheduler, dates)
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
