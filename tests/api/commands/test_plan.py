"""`glocal plan` where it runs, as a person runs it (the installed command, in a process
of its own): in one process without Dask, on a LocalCluster with `--workers 2`, on a
running cluster named by `GLOCAL_DASK_SCHEDULER`: the same plan file byte for byte; a
scheduler that cannot be used is one line of error and exit 1. And `glocal plan` and
`glocal sample-orders` through the command's entry point in this process: the files a
plan writes, what it reports, and bad input as one line of error and exit 1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.commands.plan import _prices_text, _summary_line, app
from routing.plan import PLAN_COLUMNS, sample_orders
from routing.plan.cluster import dask_client
from tests.api.jobs.conftest import two_lane_orders
from tests.helpers import DATA
from tests.routing.plan.conftest import one_kilo_orders

GLOCAL = str(Path(sys.executable).with_name("glocal"))
N_ORDERS = 400
PLAN = ["--time-limit", "120", "--horizon-days", "14"]  # the whole run, start-up included


def environment(**extra: str) -> dict[str, str]:
    """This environment without a Dask scheduler, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k != "GLOCAL_DASK_SCHEDULER"}
    return {**env, **extra}


def glocal(*args: str, timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GLOCAL, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(**env),
        check=False,
    )


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-plan") / "orders.csv"
    sample_orders(N_ORDERS, seed=31).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def one_process(orders: Path) -> dict[str, Any]:
    """`glocal plan` without a flag, run through `api.cli` in a fresh interpreter that then
    lists the Dask modules it has loaded; (plan file, those modules)."""
    out = orders.with_name("plan-one.csv")
    code = (
        "import sys\n"
        "from api.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "plan", str(orders), "--out", str(out), *PLAN],
        capture_output=True,
        text=True,
        timeout=240,
        env=environment(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {"plan": out, "dask_modules": done.stdout.strip().splitlines()[-1]}


def test_without_a_flag_nothing_of_dask_is_loaded(one_process: dict[str, Any]) -> None:
    """No --workers, no --scheduler: the plan is made and neither dask nor distributed is
    ever imported."""
    assert one_process["dask_modules"] == "[]"
    plan = pd.read_csv(one_process["plan"])
    assert len(plan) == N_ORDERS and (plan["status"] == "planned").sum() > N_ORDERS // 2


def test_workers_2_writes_the_plan_one_process_writes(
    orders: Path, one_process: dict[str, Any]
) -> None:
    """--workers 2 starts a LocalCluster of two processes and plans on it: the plan file is
    the one-process file, byte for byte."""
    out = orders.with_name("plan-workers.csv")
    done = glocal("plan", str(orders), "--out", str(out), *PLAN, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "on a local Dask cluster of 2 worker processes" in done.stderr
    assert out.read_bytes() == one_process["plan"].read_bytes()


@pytest.fixture(scope="module")
def running_cluster() -> Iterator[str]:
    """A cluster started before the command and left running after it: its address."""
    with dask_client(workers=2, memory_limit="2GiB") as client:
        assert client is not None
        yield client.scheduler.address


def test_a_running_scheduler_from_the_environment_plans_the_same(
    orders: Path, one_process: dict[str, Any], running_cluster: str
) -> None:
    """GLOCAL_DASK_SCHEDULER names a running cluster: the command plans on it (its two
    workers) and writes the one-process plan; the cluster outlives the command."""
    out = orders.with_name("plan-scheduler.csv")
    done = glocal("plan", str(orders), "--out", str(out), *PLAN,
                  GLOCAL_DASK_SCHEDULER=running_cluster)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"on the Dask cluster at {running_cluster} (2 workers)" in done.stderr
    assert out.read_bytes() == one_process["plan"].read_bytes()
    with dask_client(scheduler=running_cluster) as client:
        assert client is not None and len(client.scheduler_info()["workers"]) == 2


def closed_port() -> int:
    """A loopback port that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_one_line_error(done: subprocess.CompletedProcess[str], starts: str) -> None:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(starts), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_scheduler_that_does_not_answer_is_one_line_and_exit_1(
    orders: Path, tmp_path: Path
) -> None:
    """Nobody at the address: after Dask's connect timeout, one line naming the address,
    exit 1, no traceback and no plan file."""
    address = f"tcp://127.0.0.1:{closed_port()}"
    out = tmp_path / "plan.csv"
    done = glocal("plan", str(orders), "--out", str(out), "--scheduler", address,
                  DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")  # fmt: skip
    assert_one_line_error(done, f"error: cannot reach the Dask scheduler at {address}: ")
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "env", "starts"),
    [
        (["--scheduler", "http://10.0.0.5:8786"], {}, "error: a Dask scheduler address is"),
        ([], {"GLOCAL_DASK_SCHEDULER": "10.0.0.5"}, "error: a Dask scheduler address is"),
        (["--workers", "2", "--scheduler", "tcp://10.0.0.5:8786"], {}, "error: give --workers"),
    ],
    ids=["not-a-dask-scheme", "no-port-in-the-environment", "workers-and-scheduler"],
)
def test_a_scheduler_that_cannot_be_meant_is_refused_at_once(
    orders: Path, tmp_path: Path, args: list[str], env: dict[str, str], starts: str
) -> None:
    """A malformed address, or both --workers and --scheduler: one line, exit 1, before
    anything connects (the addresses are not reachable from a test; no timeout waits)."""
    done = glocal("plan", str(orders), "--out", str(tmp_path / "p.csv"), *args, timeout=60, **env)
    assert_one_line_error(done, starts)


def test_a_plan_in_this_process_writes_its_files_and_reports_on_stderr(
    run_glocal: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """150 one-kilo orders on the two lanes over a week, in this process: 100 by rail and
    50 by air in the plan file; the summary's freight EUR 400 = 100 x (1 + 1) + 50 x (3 +
    1) and one EUR 50 pallet; every stage and the closing figures on stderr, nothing on
    stdout."""
    orders, out, figures = tmp_path / "orders.csv", tmp_path / "plan.csv", tmp_path / "s.json"
    orders.write_bytes(two_lane_orders(150))
    code, stdout, stderr = run_glocal(
        "plan", str(orders), "--out", str(out), "--summary", str(figures),
        "--horizon-days", "7", "--time-limit", "60", "--network", str(DATA / "plan_two_lanes"),
    )  # fmt: skip
    assert (code, stdout) == (0, "")
    plan = pd.read_csv(out)
    assert plan["route"].value_counts().to_dict() == {
        "lanes-rail+post-es": 100,
        "lanes-air+post-es": 50,
    }
    summary = json.loads(figures.read_text())["optimized"]
    assert (summary["freight"], summary["consolidation_units"]) == (400.0, 50.0)
    for stage in ("load", "aggregate", "routes", "model", "refine", "solve", "disaggregate",
                  "write"):  # fmt: skip
        assert f"{stage} (" in stderr
    said = " ".join(stderr.split())
    assert "150 planned, 0 unplanned, 0 invalid; cost 1,393.50 EUR, no deadlines (greedy" in said
    assert (
        "what more capacity would save: one more kg on the 2026-11-10 YIW-MAD train saves EUR 2.92"
        in said
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["plan", "{tmp}/none.csv", "--out", "{tmp}/p.csv"],
         "error: {tmp}/none.csv: cannot read the orders table"),
        (["plan", "{orders}", "--out", "{tmp}/no-dir/p.csv", "--horizon-days", "7"],
         "error: {tmp}/no-dir/p.csv: cannot write the plan: No such file or directory"),
        (["plan", "{orders}", "--out", "{tmp}/p.csv", "--close", "nope"],
         "error: unknown service(s) in the scenario: nope"),
        (["plan", "{orders}", "--out", "{tmp}/p.csv", "--scale-capacity", "lanes-rail"],
         "error: --scale-capacity wants SERVICE_ID=FACTOR, got 'lanes-rail'"),
        (["sample-orders", "--n", "0", "--out", "{tmp}/s.csv"], "error: --n must be >= 1, got 0"),
        (["sample-orders", "--n", "5", "--out", "{tmp}/s.csv", "--start", "2026-11-31"],
         "error: --start must be YYYY-MM-DD, got '2026-11-31'"),
        (["sample-orders", "--n", "5", "--out", "{tmp}/s.csv", "--profile", "holiday"],
         "error: --profile must be one of normal, peak, cny, got 'holiday'"),
        (["sample-orders", "--n", "5", "--out", "{tmp}/s.csv", "--profile", "peak",
          "--start", "2026-11-16"],
         "error: the peak profile's week must hold 10-12 November; the week from 2026-11-16"),
    ],
    ids=["no-orders", "no-directory", "unknown-service", "bad-factor", "no-orders-asked",
         "no-such-day", "unknown-profile", "peak-without-11-11"],
)  # fmt: skip
def test_bad_input_ends_in_one_line_and_exit_1(
    run_glocal: Callable[..., tuple[int, str, str]], tmp_path: Path, args: list[str], line: str
) -> None:
    """A missing orders file, a plan that cannot be written, an unknown or malformed
    scenario, no orders, no such day or no such profile to sample: exit 1, the error as
    the last line on stderr (after the progress of the stages that ran), nothing on
    stdout, no traceback."""
    orders = tmp_path / "orders.csv"
    orders.write_bytes(two_lane_orders(3))
    fill = {"tmp": str(tmp_path), "orders": str(orders)}
    network = ["--network", str(DATA / "plan_two_lanes")] if args[0] == "plan" else []
    code, stdout, stderr = run_glocal(*(a.format(**fill) for a in args), *network)
    assert (code, stdout) == (1, "")
    assert stderr.splitlines()[-1].startswith(line.format(**fill)), stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "s.csv").exists()


def test_sample_orders_writes_the_profiles_week(
    run_glocal: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """--n is the ordinary week: --profile peak writes 13/7 of it, says how many, and the
    same arguments write the same file."""
    out = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for path in out:
        code, stdout, _ = run_glocal(
            "sample-orders", "--n", "70", "--profile", "peak", "--seed", "3", "--out", str(path)
        )
        assert (code, stdout.strip()) == (0, f"wrote 130 peak orders to {path}")
    assert out[0].read_bytes() == out[1].read_bytes()
    assert len(pd.read_csv(out[0])) == 130


def test_cli_sample_orders_and_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "GLOCAL_NETWORK", str(Path(__file__).resolve().parents[2] / "data" / "plan_two_lanes")
    )
    orders = tmp_path / "orders.csv"
    one_kilo_orders(150).to_csv(orders, index=False)
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "plan",
            str(orders),
            "--out",
            str(tmp_path / "plan.csv"),
            "--summary",
            str(tmp_path / "s.json"),
            "--report",
            str(tmp_path / "r.html"),
            "--horizon-days",
            "7",
            "--time-limit",
            "30",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.html").read_text().count("data:image/png") == 3
    bad = runner.invoke(
        app, ["plan", str(orders), "--out", str(tmp_path / "p.csv"), "--close", "no-such-service"]
    )
    assert bad.exit_code == 1 and "unknown service" in bad.output
    sample = runner.invoke(
        app, ["sample-orders", "--n", "50", "--seed", "2", "--out", str(tmp_path / "sample.csv")]
    )
    assert sample.exit_code == 0
    assert len((tmp_path / "sample.csv").read_text().splitlines()) == 51


def test_parquet_in_and_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sample-orders writes Parquet, plan reads it and writes its plan as Parquet."""
    monkeypatch.setenv(
        "GLOCAL_NETWORK", str(Path(__file__).resolve().parents[2] / "data" / "plan_two_lanes")
    )
    orders, out = tmp_path / "orders.parquet", tmp_path / "plan.parquet"
    one_kilo_orders(30).to_parquet(orders, index=False)
    runner = CliRunner()
    res = runner.invoke(app, ["plan", str(orders), "--out", str(out), "--horizon-days", "7"])
    assert res.exit_code == 0, res.output
    plan = pd.read_parquet(out)
    assert list(plan.columns) == list(PLAN_COLUMNS) and len(plan) == 30
    sample = runner.invoke(app, ["sample-orders", "--n", "20", "--out", str(tmp_path / "s.pq")])
    assert sample.exit_code == 0 and len(pd.read_parquet(tmp_path / "s.pq")) == 20


def test_glocal_has_the_plan_commands() -> None:
    from api.cli import app as glocal

    for command in ("plan", "sample-orders"):
        res = CliRunner().invoke(glocal, [command, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output


def test_the_closing_lines_give_cost_on_time_share_and_prices_in_words() -> None:
    """Each plan's cost with its on-time share (or that no order has a deadline), the gap,
    then the top shadow prices one a line, or 'no capacity binds'."""
    figures: dict[str, Any] = {
        "orders": {"planned": 9, "unplanned": 1, "invalid": 0},
        "optimized": {"cost": 1234.5, "on_time_share": 0.9123},
        "greedy": {"cost": 2000.0, "on_time_share": None},
        "currency": "EUR",
        "gap_to_bound": 0.0042,
        "top_shadow_prices": [
            {"sentence": "one more m3 on the 2026-11-18 PVG-MAD flight saves EUR 429.00"},
            {"sentence": "one more kg on the 2026-11-18 PVG-MAD flight saves EUR 1.20"},
        ],
    }
    assert _summary_line(figures) == (
        "9 planned, 1 unplanned, 0 invalid; cost 1,234.50 EUR, 91.2% on time "
        "(greedy 2,000.00, no deadlines); gap to the bound 0.42%"
    )
    assert _prices_text(figures).splitlines() == [
        "what more capacity would save:",
        "  one more m3 on the 2026-11-18 PVG-MAD flight saves EUR 429.00",
        "  one more kg on the 2026-11-18 PVG-MAD flight saves EUR 1.20",
    ]
    assert _prices_text(figures | {"top_shadow_prices": []}).startswith("no capacity binds")


def test_publish_writes_the_bid_price_snapshot(
    run_glocal: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """The 150 orders of the two lanes with --publish: the snapshot the server loads, with
    the full rail departure's price per kg (EUR 2.92, in cents) as the plan states it, and
    the averaging method named."""
    from routing.capacity.bidprices import read_bid_prices

    orders, out, bids = tmp_path / "orders.csv", tmp_path / "plan.csv", tmp_path / "bids.json"
    orders.write_bytes(two_lane_orders(150))
    code, _, stderr = run_glocal(
        "plan", str(orders), "--out", str(out), "--publish", str(bids),
        "--horizon-days", "7", "--time-limit", "60", "--network", str(DATA / "plan_two_lanes"),
    )  # fmt: skip
    assert code == 0, stderr
    snap = read_bid_prices(bids)
    assert snap.currency == "EUR" and snap.snapshot_id.startswith("plan-")
    assert "re-solves" in snap.method and "antithetic" in snap.method
    rail = {d: p for (s, d), p in snap.prices.items() if s == "lanes-rail"}
    assert max(kg for kg, _ in rail.values()) == pytest.approx(292, abs=1)
    assert "publish (" in stderr and f"to {bids}" in " ".join(stderr.split())
