"""`glocal plan` at its limits, through the command's entry point in this process (as a
shell runs `glocal ARGS...`), on the two-lane network: files that are not tables and
files that cannot be written are one line and exit 1, the latter before anything is
read or solved; a table of no valid orders is a plan of no orders, said so; rows made in
2060 or 9999 are named by line, or skipped with --skip-invalid; --time-limit bounds
every stage and says so in --help."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app as glocal
from routing.plan import COLUMNS, sample_orders
from tests.api.jobs.conftest import two_lane_orders
from tests.helpers import DATA

Run = Callable[..., tuple[int, str, str]]
NETWORK = ["--network", str(DATA / "plan_two_lanes"), "--horizon-days", "7"]
STAGE_LINES = ("load (", "aggregate (", "solve (")


def one_line(code: int, stdout: str, stderr: str) -> str:
    """The one line of error of a run that failed on its input (exit 1, no traceback)."""
    assert (code, stdout) == (1, ""), stderr
    assert "Traceback" not in stderr
    return stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", b"", "the orders table is empty (not even a header)"),
        ("garbage.parquet", b"\x00garbage\xff" * 10, "cannot read the orders table as Parquet: "),
        ("folder.csv", None, "cannot read the orders table: it is a directory"),
    ],
    ids=["empty-csv", "garbage-parquet", "a-directory"],
)
def test_a_file_that_is_not_an_orders_table_is_one_line(
    run_glocal: Run, tmp_path: Path, name: str, content: bytes | None, says: str
) -> None:
    """An empty CSV, a .parquet that is not Parquet, a directory given as the orders:
    `error: FILE: ...`, exit 1, no traceback, no plan written."""
    orders = tmp_path / name
    if content is None:
        orders.mkdir()
    else:
        orders.write_bytes(content)
    out = tmp_path / "plan.csv"
    line = one_line(*run_glocal("plan", str(orders), "--out", str(out), *NETWORK))
    assert line.startswith(f"error: {orders}: {says}"), line
    assert not out.exists()


@pytest.mark.parametrize(
    ("flag", "path", "says"),
    [
        ("--out", "{tmp}/no-dir/plan.csv", "cannot write the plan: No such file or directory"),
        ("--out", "{tmp}", "cannot write the plan: Is a directory"),
        ("--summary", "{tmp}/no-dir/s.json", "cannot write the summary: No such file or dir"),
        ("--report", "{tmp}/no-dir/r.html", "cannot write the report: No such file or dir"),
    ],
    ids=["out-in-no-directory", "out-a-directory", "summary", "report"],
)
def test_a_file_that_cannot_be_written_is_refused_before_the_solve(
    run_glocal: Run, tmp_path: Path, flag: str, path: str, says: str
) -> None:
    """4,000 orders (a solve of seconds) and a plan, summary or report that cannot be
    written: one line naming the file, at once (well under a second's work), with no
    stage begun; no file is left behind by the check."""
    orders = tmp_path / "orders.csv"
    sample_orders(4000, seed=51).to_csv(orders, index=False)
    target = path.format(tmp=tmp_path)
    out = target if flag == "--out" else str(tmp_path / "plan.csv")
    args = ["plan", str(orders), "--out", out, "--time-limit", "120"]
    if flag != "--out":
        args += [flag, target]
    began = time.monotonic()
    code, stdout, stderr = run_glocal(*args)
    assert time.monotonic() - began < 2
    assert one_line(code, stdout, stderr).startswith(f"error: {target}: {says}")
    assert not any(stage in stderr for stage in STAGE_LINES), stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_an_existing_plan_file_is_left_as_it_is_by_the_check(
    run_glocal: Run, tmp_path: Path
) -> None:
    """The check opens an existing --out for appending and writes nothing: a run that
    then fails on its orders leaves that file's bytes unchanged."""
    out = tmp_path / "plan.csv"
    out.write_text("yesterday's plan\n")
    orders = tmp_path / "empty.csv"
    orders.write_bytes(b"")
    one_line(*run_glocal("plan", str(orders), "--out", str(out), *NETWORK))
    assert out.read_text() == "yesterday's plan\n"


def test_no_valid_orders_is_a_plan_of_none_said_so(run_glocal: Run, tmp_path: Path) -> None:
    """A table of its header alone: exit 0, an empty plan written, and a line saying
    there was nothing to plan; every row invalid with --skip-invalid: the plan lists each
    row as invalid with its line."""
    header, out = tmp_path / "header.csv", tmp_path / "plan.csv"
    header.write_text(",".join(COLUMNS) + "\n")
    code, stdout, stderr = run_glocal("plan", str(header), "--out", str(out), *NETWORK)
    assert (code, stdout) == (0, ""), stderr
    said = " ".join(stderr.split())  # Rich wraps the line to the terminal's width
    assert f"no valid orders to plan: 0 invalid row(s), listed in {out}" in said
    assert len(pd.read_csv(out)) == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(two_lane_orders(3, weight_kg=-1))
    code, _, stderr = run_glocal("plan", str(bad), "--out", str(out), "--skip-invalid", *NETWORK)
    assert code == 0 and "no valid orders to plan: 3 invalid row(s)" in " ".join(stderr.split())
    plan = pd.read_csv(out)
    assert list(plan["status"]) == ["invalid"] * 3
    assert plan["reason"].tolist()[0] == "line 2: weight_kg: must be a number > 0, got '-1'"


def with_dates(tmp_path: Path) -> Path:
    """Five two-lane orders, those on lines 3 and 5 made in 2060 and 9999."""
    lines = two_lane_orders(5).decode().splitlines()
    lines[2] = lines[2].replace("2026-11-09", "2060-11-09")
    lines[4] = lines[4].replace("2026-11-09", "9999-11-09")
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_rows_made_in_2060_or_9999_are_named_or_skipped(run_glocal: Run, tmp_path: Path) -> None:
    """The two rows are named by line with the range of dates the data and the window
    around today take, exit 1; with --skip-invalid the three others are planned and the
    two listed as invalid in the plan."""
    orders, out = with_dates(tmp_path), tmp_path / "plan.csv"
    code, stdout, stderr = run_glocal("plan", str(orders), "--out", str(out), *NETWORK)
    assert (code, stdout) == (1, "") and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert lines[-3] == f"error: {orders}: 2 invalid row(s):"
    assert lines[-2].startswith(f"{orders}:3: created_at: must be from ")
    assert lines[-2].endswith("got 2060-11-09") and lines[-1].endswith("got 9999-11-09")
    code, _, stderr = run_glocal(
        "plan", str(orders), "--out", str(out), "--skip-invalid", "--time-limit", "20", *NETWORK
    )
    assert code == 0, stderr
    assert "3 planned, 0 unplanned, 2 invalid" in " ".join(stderr.split())
    plan = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(plan["status"]) == ["planned", "invalid", "planned", "invalid", "planned"]
    assert plan.loc[1, "reason"].startswith("line 3: created_at: must be from ")


def test_the_time_limit_bounds_every_stage(run_glocal: Run, tmp_path: Path) -> None:
    """--time-limit 0.5 on 4,000 orders of the default world (stages of seconds): the run
    ends at the first stage begun past the limit, one line naming it and the limit, exit
    1, no plan; it ends within the limit and one stage of the work, not after a solve."""
    orders, out = tmp_path / "orders.csv", tmp_path / "plan.csv"
    sample_orders(4000, seed=52).to_csv(orders, index=False)
    began = time.monotonic()
    line = one_line(*run_glocal("plan", str(orders), "--out", str(out), "--time-limit", "0.5"))
    assert time.monotonic() - began < 30
    assert line.startswith(
        "error: the plan ran past its time limit of 0.5 s (--time-limit) in the "
    )
    assert line.split(" in the ")[1].split(" stage")[0] in (
        "aggregate",
        "routes",
        "model",
        "refine",
    )
    assert not out.exists()


def test_the_help_says_the_time_limit_covers_every_stage() -> None:
    shown = " ".join(
        CliRunner().invoke(glocal, ["plan", "--help"], env={"COLUMNS": "200"}).output.split()
    )
    assert (
        "Seconds for the whole plan: loading, every stage and writing, not only the solver" in shown
    )
