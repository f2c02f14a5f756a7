"""The design process of one job: `python -m api.jobs.design_work JOB_ID OWNER --root DIR`.

Started by the server's `JobRunner` for a job of kind `design` (never by hand), with the
database URL in `GLOCAL_DATABASE_URL`, like the planning process (`api.jobs.work`), whose
progress reporting it shares. It reads the job's uploaded forecast (its first `weeks`),
builds the season's design problem and solves it (`routing.design.run`), replays the
demand scenarios over the booking, and writes `bookings.csv`, `summary.json` (the
design's summary, the robustness table under `robustness`) and `report.html` into the
job's directory; then records the outcome. Stages: load, build, solve, robustness, write.
Between stages, weeks and scenarios it reports progress (what it is at, as the stage's
`detail`) and asks the store whether to go on: a cancelled job stops there.

The job's `time_limit_s` bounds the whole job from its claim, as a plan's does: the
clock is checked before each stage and each scenario, and past it the job fails naming
the stage. The solve is given SOLVE_SHARE of the time left (all but WRITE_SHARE without
scenarios), each scenario an equal part of what is left after the solve.

A bad forecast or option ends the job as `failed` with the problem; a crash ends the
process with a traceback in the job's `planner.log`, and the runner fails the job.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from api.jobs.design_options import DesignOptions
from api.jobs.files import JobFiles
from api.jobs.records import DESIGN, JobRecords, PlanJob
from api.jobs.work import Reporter, deadline_of, settle, write_atomically
from api.store import Store
from carriers.errors import InvalidPlanInput
from routing.design.bookings import booking_frame
from routing.design.forecast import Forecast, load_forecast
from routing.design.report import write_report
from routing.design.run import SeasonDesign, evaluate_booking, solve_season
from routing.design.world import build_design
from routing.network import Network, load_network
from routing.plan import Deadline

log = logging.getLogger("glocal.jobs.design_work")
SOLVE_SHARE = 0.5  # of the time left, for the solve when scenarios follow
WRITE_SHARE = 0.1  # of the time left, kept for writing the files
Stages = Callable[[str], AbstractContextManager[None]]


class DesignDeadline(Deadline):
    """A plan's deadline, with a design's words when it has passed."""

    def check(self) -> None:
        if self.left() <= 0:
            raise InvalidPlanInput(
                f"the design ran past its time limit of {self.seconds:g} s ({self.name}) in "
                f"the {self.stage} stage; the limit covers every stage, the robustness "
                "replay included: give it more time, fewer weeks or fewer scenarios"
            )


def run(
    records: JobRecords, job: PlanJob, owner: str, root: Path, network_dir: Path | None
) -> None:
    """Design the job's season."""
    options = DesignOptions.model_validate(job.options)
    reporter = Reporter(records, job, owner)
    deadline = deadline_of(job, options.time_limit_s, DesignDeadline)
    files = JobFiles(root, job.job_id)
    settle(
        records,
        job,
        owner,
        lambda: outcome(_design(files, job, options, network_dir, reporter, deadline)),
    )


def _noting(reporter: Reporter, deadline: Deadline) -> Callable[[str], None]:
    """A progress callback: what the stage is at, reported; the clock checked."""

    def note(detail: str) -> None:
        reporter.progress[-1]["detail"] = detail
        reporter.check()
        deadline.check()

    return note


def _design(
    files: JobFiles,
    job: PlanJob,
    options: DesignOptions,
    network_dir: Path | None,
    reporter: Reporter,
    deadline: Deadline,
) -> dict[str, Any]:
    stages, note = deadline.stages(reporter), _noting(reporter, deadline)
    with stages("load"):
        network = load_network(network_dir)
        # by name: the process runs in the job's directory (no server path in a message)
        forecast = load_forecast(files.upload(DESIGN, job.input_format).name, network)
        if options.weeks is not None:
            forecast = forecast.first_weeks(options.weeks)
    with stages("build"):
        design = build_design(forecast, network, progress=note)
    with stages("solve"):
        share = SOLVE_SHARE if options.scenarios else 1 - WRITE_SHARE
        season = solve_season(
            design, forecast, deadline.left() * share, options.demand_quantile, note
        )
    summary = dict(season.summary)
    with stages("robustness"):
        if options.scenarios:
            summary["robustness"] = _replay(season, forecast, options, deadline, note)
    with stages("write"):
        _write(files, network, season, summary)
    return summary


def _replay(
    season: SeasonDesign,
    forecast: Forecast,
    options: DesignOptions,
    deadline: Deadline,
    note: Callable[[str], None],
) -> dict[str, Any]:
    """The robustness table of the booking, each scenario given an equal part of the
    time left (less what writing keeps)."""
    each = deadline.left() * (1 - WRITE_SHARE) / options.scenarios
    units = season.solution.units
    return evaluate_booking(
        season.design, units, forecast, options.scenarios, each, options.seed, note
    )


def _write(
    files: JobFiles, network: Network, season: SeasonDesign, summary: dict[str, Any]
) -> None:
    s = season.solution
    frame = booking_frame(season.design, s.units, s.share, s.spot_kg)
    write_atomically(files.bookings, lambda p: frame.to_csv(p, index=False))
    write_atomically(files.summary, lambda p: p.write_text(json.dumps(summary, indent=1)))
    write_atomically(files.report, lambda p: write_report(network, summary, p))


def outcome(summary: dict[str, Any]) -> dict[str, Any]:
    """The design's headline figures, kept with the job."""
    robustness = summary.get("robustness") or {}
    return {
        "currency": summary["currency"],
        "weeks": summary["forecast"]["weeks"],
        "cost": summary["cost"]["total"],
        "bound": summary["bound"],
        "gap": summary["gap"],
        "status": summary["status"],
        "units": summary["booked"]["units"],
        "booked_kg": summary["booked"]["kg"],
        "spot_kg": summary["booked"]["spot_kg"],
        "on_time_share": summary["on_time_share"],
        "expected_cost": robustness.get("expected_cost"),
        "worst_cost": robustness.get("worst_cost"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api.jobs.design_work")
    parser.add_argument("job_id")
    parser.add_argument("owner")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--network", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = Store(os.environ["GLOCAL_DATABASE_URL"])
    try:
        records = JobRecords(store)
        job = records.get(args.job_id)
        if job is None or job.owner != args.owner or job.kind != DESIGN:
            log.warning("job %s is not this runner's design; nothing to do", args.job_id)
            return 0
        run(records, job, args.owner, args.root, args.network)
    finally:
        store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
