"""api/jobs/files.py: where a plan job's data lie (the plans directory, one directory per
job), and an upload moved into its job's directory whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.jobs.files import JobFiles, plans_dir, staging
from api.settings import Settings


@pytest.mark.parametrize(
    ("database_url", "plans"),
    [
        ("sqlite:////srv/glocal/glocal.sqlite3", Path("/srv/glocal/glocal-plans")),
        ("sqlite:///glocal.sqlite3", Path("glocal-plans")),
        ("sqlite:///:memory:", Path("glocal-plans")),
        ("postgresql://u:p@db/glocal", Path("glocal-plans")),
    ],
    ids=["beside-an-absolute-file", "beside-a-relative-file", "memory", "postgresql"],
)
def test_the_plans_directory_defaults_beside_a_sqlite_file(database_url: str, plans: Path) -> None:
    """Without GLOCAL_PLANS_DIR: glocal-plans/ beside a SQLite file, else in the working
    directory."""
    assert plans_dir(Settings(database_url=database_url)) == plans


def test_glocal_plans_dir_wins(tmp_path: Path) -> None:
    """A plans directory given in the settings is used as it is."""
    settings = Settings(database_url="sqlite:////srv/g.sqlite3", plans_dir=tmp_path)
    assert plans_dir(settings) == tmp_path


def test_a_jobs_files_are_in_its_own_directory(tmp_path: Path) -> None:
    """Every file of job J is under ROOT/J, by a fixed name; the orders by their format."""
    files = JobFiles(tmp_path, "plan_1")
    named = [files.plan_csv, files.plan_parquet, files.summary, files.report, files.log]
    assert [p.relative_to(tmp_path).as_posix() for p in named] == [
        "plan_1/plan.csv",
        "plan_1/plan.parquet",
        "plan_1/summary.json",
        "plan_1/report.html",
        "plan_1/planner.log",
    ]
    assert files.orders("parquet") == tmp_path / "plan_1" / "orders.parquet"


def test_an_upload_is_moved_into_its_job_then_removed_with_it(tmp_path: Path) -> None:
    """adopt() moves the staged upload (not a copy) into the job's new directory;
    remove() deletes the job's directory, and again is no error."""
    staged = staging(tmp_path) / "plan_2.part"
    staged.write_bytes(b"order_id,origin\n")
    files = JobFiles(tmp_path, "plan_2")
    files.adopt(staged, "csv")
    assert not staged.exists()
    assert files.orders("csv").read_bytes() == b"order_id,origin\n"
    files.remove()
    assert not files.dir.exists()
    files.remove()
    assert (tmp_path / "incoming").is_dir()  # staging stays for the next upload


def test_staging_is_made_on_first_use(tmp_path: Path) -> None:
    """staging(root) is ROOT/incoming, made if missing (a new plans directory)."""
    root = tmp_path / "new" / "plans"
    assert staging(root) == root / "incoming" and (root / "incoming").is_dir()


def test_a_design_jobs_upload_is_its_forecast(tmp_path: Path) -> None:
    """A design job keeps its upload as forecast.csv (a plan job as orders.csv), and its
    bookings beside the summary and the report."""
    staged = tmp_path / "incoming.part"
    staged.write_text("origin,zone\n")
    files = JobFiles(tmp_path, "design_1")
    files.adopt(staged, "csv", "design")
    assert [p.name for p in files.dir.iterdir()] == ["forecast.csv"]
    assert files.upload("design", "csv").read_text() == "origin,zone\n"
    assert files.orders("parquet").name == "orders.parquet"
    assert files.bookings.parent == files.summary.parent == files.dir
