"""routing/cluster.py: the planner on a real Dask LocalCluster (2 worker processes, one
thread each, loopback only) plans exactly as one process does, even when a worker is
killed in the middle of the solve; without a cluster asked for, Dask is not imported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pandas as pd
import pytest

from routing.network import Network, load_network
from routing.plan import PlanParams, plan_orders, plan_table, sample_orders, validate_orders
from routing.plan.cluster import dask_client, dask_map, worker_pids

N_ORDERS = 600
PARAMS = PlanParams(time_limit_s=30, threads=1)


@pytest.fixture(scope="module")
def world() -> Network:
    return load_network()


@pytest.fixture(scope="module")
def orders(world: Network) -> Any:
    table, _ = validate_orders(sample_orders(N_ORDERS, seed=21), world)
    return table


@pytest.fixture(scope="module")
def single_process(world: Network, orders: Any) -> pd.DataFrame:
    return plan_table(plan_orders(orders, world, PARAMS))


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(workers=2, threads_per_worker=1, memory_limit="2GiB") as c:
        assert c is not None
        yield c


def test_a_local_cluster_plans_as_one_process(
    client: Any, world: Network, orders: Any, single_process: pd.DataFrame
) -> None:
    """Blocks solved as Dask tasks on two worker processes: the same plan, row for row."""
    assert len(worker_pids(client)) == 2
    planned = plan_table(plan_orders(orders, world, PARAMS, map_fn=dask_map(client)))
    pd.testing.assert_frame_equal(planned, single_process)
    assert (planned["status"] == "planned").sum() > N_ORDERS // 2


def killing_map(client: Any, on_call: int) -> Callable[..., Iterator[Any]]:
    """`dask_map`, except that on its `on_call`-th use it kills the worker process that is
    busy with a block, once one is."""
    inner = dask_map(client)
    calls = {"n": 0}

    def mapped(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        calls["n"] += 1
        if calls["n"] != on_call:
            return inner(function, items)
        futures = client.map(function, list(items), pure=False)
        pids = worker_pids(client)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys and w in pids]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                calls["killed"] = pids[busy[0]]
                break
            time.sleep(0.01)
        return iter(client.gather(futures))

    mapped.calls = calls  # type: ignore[attr-defined]
    return mapped


def test_killing_a_worker_mid_solve_still_gives_the_same_plan(
    client: Any, world: Network, orders: Any, single_process: pd.DataFrame
) -> None:
    """A worker process killed while it solves a block: its tasks run again elsewhere and
    the plan is the one a single process makes."""
    mapped = killing_map(client, on_call=2)  # the relaxation is call 1, the solve call 2
    planned = plan_table(plan_orders(orders, world, PARAMS, map_fn=mapped))
    assert "killed" in mapped.calls  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(planned, single_process)


def test_without_workers_or_scheduler_dask_is_not_imported() -> None:
    """No cluster asked for: the client is None and no Dask module is loaded."""
    code = (
        "import sys\n"
        "from routing.plan.cluster import dask_client\n"
        "with dask_client() as c:\n"
        "    assert c is None\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_orders_read_in_partitions_are_the_table_one_process_reads(
    client: Any, world: Network, tmp_path: Any, suffix: str
) -> None:
    """Several partitions validated on the workers, joined: the same arrays, line numbers
    included; a table with a bad row is reported as `load_orders` reports it."""
    from dataclasses import fields

    import numpy as np

    from carriers.errors import InvalidPlanInput
    from routing.plan import OrdersTable, load_orders
    from routing.plan.cluster import read_orders, write_plan

    path = tmp_path / f"orders{suffix}"
    frame = sample_orders(1500, seed=22)
    write_plan(frame, path, rows=400)
    one, _ = load_orders(path, world)
    many, invalid = read_orders(path, world, client, blocksize=60_000)
    assert invalid == []
    for f in fields(OrdersTable):
        np.testing.assert_array_equal(getattr(many, f.name), getattr(one, f.name), f.name)
    frame.loc[1000, "origin"] = "XX-NOWHERE"
    write_plan(frame, path)
    with pytest.raises(InvalidPlanInput, match=r"orders\.\w+:1002: origin") as found:
        read_orders(path, world, client, blocksize=60_000)
    with pytest.raises(InvalidPlanInput) as expected:
        load_orders(path, world)
    assert found.value.message == expected.value.message


def test_a_plan_written_part_by_part_reads_back_as_the_whole_table(
    single_process: pd.DataFrame, tmp_path: Any
) -> None:
    """write_plan in parts of 250 rows: the Parquet file has one row group per part and
    reads back as pandas' own whole-table Parquet does (object columns included, whose
    type zero rows do not tell); the CSV is pandas' whole-table CSV, byte for byte."""
    import pyarrow.parquet as pq

    from routing.plan.cluster import write_plan

    frame = single_process
    assert any(pd.api.types.is_object_dtype(t) for t in frame.dtypes)
    parts, whole = tmp_path / "parts.parquet", tmp_path / "whole.parquet"
    write_plan(frame, parts, rows=250)
    frame.to_parquet(whole, index=False)
    assert pq.ParquetFile(parts).num_row_groups == -(-len(frame) // 250)
    pd.testing.assert_frame_equal(pd.read_parquet(parts), pd.read_parquet(whole))
    write_plan(frame, tmp_path / "parts.csv", rows=250)
    assert (tmp_path / "parts.csv").read_text() == frame.to_csv(index=False)


def test_an_orders_file_that_is_not_there_is_the_error_one_process_gives(
    client: Any, world: Network, tmp_path: Any
) -> None:
    """No such file: the error of `load_orders` (one line naming the file), not Dask's."""
    from carriers.errors import InvalidPlanInput
    from routing.plan import load_orders
    from routing.plan.cluster import read_orders

    missing = tmp_path / "missing.csv"
    with pytest.raises(InvalidPlanInput) as found:
        read_orders(missing, world, client)
    with pytest.raises(InvalidPlanInput) as expected:
        load_orders(missing, world)
    assert found.value.message == expected.value.message
    assert "missing.csv" in found.value.message


def test_partitions_check_the_window_and_unreadable_files_fail_as_in_one_process(
    client: Any, world: Network, tmp_path: Any
) -> None:
    """A row made in 2060, read in partitions with a window: the error `load_orders`
    gives with that window (line and range), and with skip_invalid the same rows kept;
    an empty CSV and a .parquet that is not Parquet: `load_orders`'s one line each, not
    an exception of Dask's or Arrow's."""
    from datetime import date

    from carriers.errors import InvalidPlanInput
    from routing.coverage import DateWindow
    from routing.plan import load_orders
    from routing.plan.cluster import read_orders

    window = DateWindow(date(2025, 10, 9), date(2027, 6, 30), "since", "until")
    path = tmp_path / "orders.csv"
    frame = sample_orders(1500, seed=23)
    frame.loc[700, "created_at"] = "2060-11-09T09:00:00+08:00"
    frame.to_csv(path, index=False)
    with pytest.raises(InvalidPlanInput, match=r"orders\.csv:702: created_at: must be from"):
        read_orders(path, world, client, blocksize=60_000, window=window)
    kept, invalid = read_orders(path, world, client, True, 60_000, window)
    assert len(kept) == 1499 and [r.line for r in invalid] == [702]
    empty, garbage = tmp_path / "empty.csv", tmp_path / "garbage.parquet"
    empty.write_bytes(b"")
    garbage.write_bytes(b"not parquet")
    for bad in (empty, garbage):
        with pytest.raises(InvalidPlanInput) as found:
            read_orders(bad, world, client)
        with pytest.raises(InvalidPlanInput) as expected:
            load_orders(bad, world)
        assert found.value.message == expected.value.message
