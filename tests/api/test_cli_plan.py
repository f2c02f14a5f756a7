"""`glocal plan` where it runs, as a person runs it (the installed command, in a process
of its own): in one process without Dask, on a LocalCluster with `--workers 2`, on a
running cluster named by `GLOCAL_DASK_SCHEDULER`: the same plan file byte for byte; a
scheduler that cannot be used is one line of error and exit 1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from routing.plan import sample_orders
from routing.plan.cluster import dask_client

GLOCAL = str(Path(sys.executable).with_name("glocal"))
N_ORDERS = 400
PLAN = ["--time-limit", "20", "--horizon-days", "14"]


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
