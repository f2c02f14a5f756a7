"""Dask execution of the batch planner: a cluster to run on, and the planner's one `map`
over it.

    with dask_client(workers=2) as client:            # a LocalCluster of 2 processes
        plan_orders(..., map_fn=dask_map(client))
    with dask_client(scheduler="tcp://10.0.0.5:8786") as client:   # an existing cluster
        ...

Without workers nor scheduler `dask_client` yields None and imports nothing of Dask.
The plan's blocks (`routing.plan.BlockData`, plain numpy) are solved as Dask tasks by
the pure `solve_block`; when a worker dies, the scheduler runs its tasks again on
another worker (up to `distributed.scheduler.allowed-failures`), and as a block's
solution depends only on the block, the plan is the same.

Reading a large orders table runs partitioned too: `read_orders` reads the CSV or Parquet
file in partitions with dask.dataframe and validates each on a worker, then joins the
arrays in file order; `write_plan` writes the plan table part by part (row groups of
Parquet, appended blocks of CSV). On a real cluster the orders file must be readable at
the same path by every worker (a shared file system), and every worker needs the same
glocal with its data files (README, "On a real cluster").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from carriers.errors import ClusterUnavailable
from routing.coverage import DateWindow
from routing.network import Network
from routing.plan import InvalidRow, OrdersTable, load_orders, validate_orders
from routing.plan.table import PARQUET, text_cells

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger("glocal.cluster")


SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def check_address(scheduler: str) -> str:
    """`scheduler` if it is a Dask address `SCHEME://HOST:PORT` (or `HOST:PORT`, which is
    tcp); a `ClusterUnavailable` saying what is wrong if not."""
    text = scheduler.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if (
        parts.scheme not in SCHEMES
        or not parts.hostname
        or port is None
        or parts.path not in ("", "/")
    ):
        raise ClusterUnavailable(
            f"a Dask scheduler address is SCHEME://HOST:PORT (e.g. tcp://10.0.0.5:8786; "
            f"schemes {', '.join(SCHEMES)}), got {scheduler!r}"
        )
    return text


@contextmanager
def dask_client(
    workers: int | None = None,
    scheduler: str | None = None,
    threads_per_worker: int = 1,
    memory_limit: str | float | None = "auto",
    connect_timeout: float | None = None,
) -> Iterator[Client | None]:
    """A Dask client: of a new `LocalCluster` of `workers` processes on this machine, or
    of the existing cluster at `scheduler` (`tcp://HOST:PORT`); None without either.
    A scheduler that does not answer within `connect_timeout` seconds (default: Dask's
    `distributed.comm.timeouts.connect`, 30 s) is a `ClusterUnavailable`."""
    if scheduler is None and not workers:
        yield None
        return
    if scheduler is not None:
        with _connect(check_address(scheduler), connect_timeout) as client:
            log.info("connected to the Dask scheduler", extra={"scheduler": scheduler})
            yield client
        return
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # the scheduler's HTTP endpoints (health, metrics) on any free loopback port
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            memory_limit=memory_limit,
        ) as cluster,
        Client(cluster) as client,
    ):
        log.info("started a local Dask cluster", extra={"workers": workers})
        yield client


def _connect(address: str, timeout: float | None) -> Client:
    from distributed import Client

    try:
        if timeout is None:
            return Client(address)
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:  # distributed's "Timed out trying to connect"
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def dask_map(client: Client) -> Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]:
    """The planner's `map_fn` on a cluster: every item a task, results in input order.
    A cluster lost during the map is a `ClusterUnavailable`."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    def mapped(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        batch = list(items)
        if not batch:
            return iter(())
        try:
            futures = client.map(function, batch, pure=False)
            return iter(client.gather(futures))
        except KilledWorker as exc:
            raise ClusterUnavailable(
                f"Dask workers kept dying while they solved a plan block ({exc}); "
                "give them more memory, or see their logs"
            ) from None
        except (OSError, CancelledError) as exc:  # the scheduler is gone
            raise ClusterUnavailable(f"lost the Dask cluster during the plan: {exc!r}") from None

    return mapped


def worker_pids(client: Client) -> dict[str, int]:
    """The process id of each worker, by address (for monitoring and tests)."""
    import os

    return dict(client.run(os.getpid))


PARTITION_BYTES = 64 * 2**20  # the most of a CSV one partition reads
MIN_PARTITION_BYTES = 2**20
PARTS_PER_WORKER = 2
WRITE_ROWS = 200_000


def read_orders(
    path: str | Path,
    network: Network,
    client: Client | None,
    skip_invalid: bool = False,
    blocksize: int | None = None,
    window: DateWindow | None = None,
) -> tuple[OrdersTable, list[InvalidRow]]:
    """`load_orders`, read and validated partition by partition on the cluster's workers
    (a CSV in `blocksize` bytes a partition; by default two partitions a worker, at most
    64 MiB each). The same table comes back; a table with problems (or a duplicate order
    id, which spans partitions) is read again in one process, so its messages are exactly
    `load_orders`'s, and so is a file the workers cannot read."""
    if client is None:
        return load_orders(path, network, skip_invalid, window)
    try:
        parts = _validated_parts(str(path), network, client, blocksize, window)
    except (OSError, ValueError) as exc:  # not there (for the workers), empty, not Parquet
        log.warning("the workers cannot read the orders; reading them here: %s", exc)
        return load_orders(path, network, skip_invalid, window)
    if any(bad for _, _, bad in parts):
        return load_orders(path, network, skip_invalid, window)
    table = _concat([_unpack(t) for _, t, _ in parts], [n for n, _, _ in parts])
    if pd.Series(table.order_id).duplicated().any():
        return load_orders(path, network, skip_invalid, window)
    return table, []


def _validated_parts(
    name: str, network: Network, client: Client, blocksize: int | None, window: DateWindow | None
) -> list[tuple[int, dict[str, Any], int]]:
    import dask
    import dask.dataframe as dd

    parquet = name.lower().endswith(PARQUET)
    if parquet:
        frame = dd.read_parquet(name)
    else:
        size = blocksize or _blocksize(Path(name).stat().st_size, client)
        frame = dd.read_csv(
            name, dtype=str, keep_default_na=False, skipinitialspace=True, blocksize=size
        )
    tasks = [
        dask.delayed(_validate_part)(part, network, parquet, window) for part in frame.to_delayed()
    ]
    parts: list[tuple[int, dict[str, Any], int]] = client.gather(client.compute(tasks))
    return parts


def _blocksize(file_bytes: int, client: Client) -> int:
    """Bytes a partition: `PARTS_PER_WORKER` partitions a worker, within bounds (Dask
    makes floor(size / blocksize) partitions, at least one)."""
    workers = max(len(client.scheduler_info()["workers"]), 1)
    share = file_bytes // (workers * PARTS_PER_WORKER)
    return int(min(max(share, MIN_PARTITION_BYTES), PARTITION_BYTES))


def _validate_part(
    frame: pd.DataFrame, network: Network, parquet: bool, window: DateWindow | None
) -> tuple[int, dict[str, Any], int]:
    """(rows, valid orders packed for the way back, rows with a problem) of one partition."""
    if parquet:  # every cell as a string, as `load_orders` reads Parquet
        frame = text_cells(frame)
    table, invalid = validate_orders(frame, network, "orders", True, window)
    return len(frame), _pack(table), len(invalid)


def _pack(table: OrdersTable) -> dict[str, Any]:
    """The table's arrays, its text columns as Arrow strings: sent as buffers, where an
    array of Python strings is pickled string by string (five times slower)."""
    import pyarrow as pa

    return {
        f.name: pa.array(a, type=pa.large_string()) if a.dtype == object else a
        for f in fields(OrdersTable)
        for a in [getattr(table, f.name)]
    }


def _unpack(packed: dict[str, Any]) -> OrdersTable:
    return OrdersTable(
        **{
            k: v if isinstance(v, np.ndarray) else v.to_numpy(zero_copy_only=False)
            for k, v in packed.items()
        }
    )


def _concat(tables: list[OrdersTable], rows: list[int]) -> OrdersTable:
    offsets = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
    joined = {
        f.name: np.concatenate([getattr(t, f.name) for t in tables]) for f in fields(OrdersTable)
    }
    joined["line"] = np.concatenate([t.line + o for t, o in zip(tables, offsets, strict=True)])
    return OrdersTable(**joined)


def write_plan(frame: pd.DataFrame, path: str | Path, rows: int = WRITE_ROWS) -> None:
    """The plan table to `.csv` or `.parquet`, `rows` at a time (one row group or one
    appended block each), so no whole-table text is ever held at once."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = _parquet_schema(frame)
        with pq.ParquetWriter(path, schema) as writer:
            for start in range(0, max(len(frame), 1), rows):
                part = frame.iloc[start : start + rows]
                writer.write_table(pa.Table.from_pandas(part, schema, preserve_index=False))
        return
    with path.open("w", encoding="utf-8", newline="") as sink:
        for start in range(0, max(len(frame), 1), rows):
            frame.iloc[start : start + rows].to_csv(sink, index=False, header=start == 0)


def _parquet_schema(frame: pd.DataFrame) -> Any:
    """The Arrow schema of the whole table, every part written with it. An object column
    (strings with None in a plan) has no type in zero rows: its type is that of its values
    (string if it has none)."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame.head(0), preserve_index=False)
    for i, field in enumerate(schema):
        if pa.types.is_null(field.type):
            values = frame[field.name].dropna()
            kind = pa.infer_type(values) if len(values) else pa.string()
            schema = schema.set(i, pa.field(field.name, kind))
    return schema
