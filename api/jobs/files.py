"""Where a job's data lie: one directory per job under the plans directory
(`GLOCAL_PLANS_DIR`), holding the uploaded orders and, once planned, the plan (CSV and
Parquet), the summary, the report and the planning process's log; for a design job the
uploaded forecast and, once designed, the bookings, the summary, the report and the log.
Files are written under a temporary name and renamed, so a reader never sees half of one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.jobs.records import DESIGN, PLAN
from api.settings import Settings
from carriers.errors import StoreUnavailable


def plans_dir(settings: Settings) -> Path:
    """`GLOCAL_PLANS_DIR`; by default `glocal-plans/` beside a SQLite database file, or in
    the working directory."""
    if settings.plans_dir is not None:
        return settings.plans_dir
    url = settings.database_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).parent / "glocal-plans"
    return Path("glocal-plans")


UPLOADS = {PLAN: "orders", DESIGN: "forecast"}  # the uploaded table's name, by job kind


class JobFiles:
    def __init__(self, root: Path, job_id: str) -> None:
        self.dir = root / job_id
        self.plan_csv = self.dir / "plan.csv"
        self.plan_parquet = self.dir / "plan.parquet"
        self.summary = self.dir / "summary.json"
        self.report = self.dir / "report.html"
        self.bookings = self.dir / "bookings.csv"
        self.log = self.dir / "planner.log"

    def orders(self, input_format: str) -> Path:
        return self.upload(PLAN, input_format)

    def upload(self, kind: str, input_format: str) -> Path:
        """The uploaded table of a job of `kind`: its orders, or its forecast."""
        return self.dir / f"{UPLOADS[kind]}.{input_format}"

    def adopt(self, staged: Path, input_format: str, kind: str = PLAN) -> None:
        """Move an uploaded file into the job's directory."""
        self.dir.mkdir(parents=True, exist_ok=True)
        os.replace(staged, self.upload(kind, input_format))

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def disk_faults() -> Iterator[None]:
    """An OSError of the plans directory (a full disk, a read-only one) as
    StoreUnavailable, naming the reason but not the server's path."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StoreUnavailable(f"the plans directory cannot be written: {reason}") from exc


def staging(root: Path) -> Path:
    """Where uploads are written while they arrive."""
    path = root / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path
