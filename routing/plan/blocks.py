"""The model cut into independent blocks, and how one block is solved; blocks go through
one `map`.

Commodities that share no capacitated departure cannot affect each other, so the model
splits into the connected components of the commodity-departure graph (in practice: by
origin region and by week). A block is plain numpy arrays (`BlockData`, picklable);
`solve_block(block) -> BlockResult` is a pure function of it, so any `map` can run
the blocks: the built-in one, a process pool, or a Dask cluster (`client.map`).

A block is solved in two steps (the model is in `routing.plan.model`):

1. the LP relaxation, strengthened by the linking rows and, on blocks up to `cut_arcs`
   arcs, by `cut_rounds` rounds of cutset inequalities (cuts.py): its optimum is the
   model's bound, its duals the shadow prices (and the prices of the order-level bound),
   and its units y* say where to look;
2. whole units near y*. `descent` (the default) starts from ceil(y*), feasible with the
   LP's flows, and tries each departure with a fractional y* at floor(y*), fewest-used
   first, keeping the change when the flows re-planned under those units cost less
   (descent.py); a block of at most `mip_arcs` arcs then goes to the MIP solver whole,
   from there. `window` instead hands the MIP with each y_r in [floor(y*), ceil(y*)] to a MIP
   solver. bench/plan_solvers.py compares them: on the largest blocks of 100,000 orders
   the window MIP needs 40 s or more (HiGHS, SCIP) for what the descent finds in a few.

Both are deterministic when they finish within the block's time limit; a block stopped
by it reports status `feasible` and may then depend on the machine's speed.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from routing.plan.cuts import Cuts, tighten
from routing.plan.descent import descent, rounded
from routing.plan.model import BlockData, Formulation, build_model
from routing.plan.solver import Solution, Status, solve

__all__ = [
    "BlockData",
    "BlockResult",
    "components",
    "solve_block",
    "solve_blocks",
    "solve_relaxation",
    "worker_pool",
]


@dataclass(frozen=True)
class BlockResult:
    commodities: np.ndarray
    rows: np.ndarray
    arcs: np.ndarray
    flow: np.ndarray  # per arc
    unplanned: np.ndarray  # per commodity
    units: np.ndarray  # per row (0 without a unit)
    lp_bound: float  # optimum of the (strengthened) LP relaxation; nan if not solved
    lp_status: str
    price_kg: np.ndarray  # per row: cost saved by one more kg of capacity (LP dual)
    price_m3: np.ndarray
    unit_price_kg: np.ndarray  # per row: LP dual of the unit rows (kg, m3)
    unit_price_m3: np.ndarray
    link_group: np.ndarray  # per linking row: global group, global row, LP dual
    link_row: np.ndarray
    link_price: np.ndarray
    objective: float  # of the flows and units returned, in the model's terms
    status: str  # of the units step ("lp" for a relaxation)
    seconds: float
    lp: Solution | None = None  # a relaxation's LP as solved (solve_relaxation only)
    cuts: Cuts = field(default_factory=Cuts.none)  # the cutset inequalities of the LP, priced


def solve_block(b: BlockData) -> BlockResult:
    """Solve one block: LP relaxation (bound, prices), then whole units near its optimum."""
    started = time.perf_counter()
    if b.exact_bound:
        return _exact_bound(b, started)
    f = build_model(b)
    lp = b.lp or solve(f.model, b.lp_solver, b.time_limit_s, b.threads, b.seed, relax=True)
    f, lp, cuts = tighten(f, b, lp)
    lp_ok = lp.status is Status.OPTIMAL
    if not lp_ok:
        found = solve(f.model, b.solver, b.time_limit_s, b.threads, b.seed, b.relative_gap)
    elif b.rounding == "window":
        found = _window(f, b, lp, started)
    else:
        found = _polish(f, b, descent(f, b, lp, started), started)
    values, objective, status = _best(f, b, found)
    result = _result(f, b, lp, values, objective, status, time.perf_counter() - started)
    return replace(result, cuts=cuts)


def solve_relaxation(b: BlockData) -> BlockResult:
    """Only the LP relaxation of a block: its bound, prices, and fractional flows."""
    started = time.perf_counter()
    f = build_model(b, linking=b.linking)
    lp = solve(f.model, b.lp_solver, b.time_limit_s, b.threads, b.seed, relax=True)
    ok = lp.status is Status.OPTIMAL
    values = lp.values if ok else _all_unplanned(f, b)
    objective = float(f.model.cost @ values)
    found = _result(f, b, lp, values, objective, "lp", time.perf_counter() - started)
    return replace(found, lp=lp)


def _exact_bound(b: BlockData, started: float) -> BlockResult:
    """The block's whole MIP, for the bound its solver proves (as `lp_bound`; nan where it
    proves none) within the block's time limit, and its best solution (all unplanned
    without one; `lp_status` says which): no prices."""
    f = build_model(b)
    mip = solve(f.model, b.solver, b.time_limit_s, b.threads, b.seed, b.relative_gap)
    proven = mip.status is not Status.ERROR and np.isfinite(mip.bound)
    has = mip.status in (Status.OPTIMAL, Status.FEASIBLE) and len(mip.values) > 0
    values = mip.values if has else _all_unplanned(f, b)
    objective = float(f.model.cost @ values)
    found = replace(mip, duals=np.zeros(0))
    result = _result(f, b, found, values, objective, "bound", time.perf_counter() - started)
    return replace(result, lp_bound=mip.bound if proven else np.nan)


def _result(
    f: Formulation,
    b: BlockData,
    lp: Solution,
    values: np.ndarray,
    objective: float,
    status: str,
    seconds: float,
) -> BlockResult:
    price_kg, price_m3, unit_kg, unit_m3, link = f.row_prices(lp.duals)
    bound = lp.objective if lp.status is Status.OPTIMAL else np.nan
    return BlockResult(
        commodities=b.commodities,
        rows=b.rows,
        arcs=b.arcs,
        flow=f.flows(values),
        unplanned=f.unplanned(values),
        units=f.units(values),
        lp_bound=bound,
        lp_status=lp.status.value,
        price_kg=price_kg,
        price_m3=price_m3,
        unit_price_kg=unit_kg,
        unit_price_m3=unit_m3,
        link_group=f.link_group,
        link_row=b.rows[f.link_row],
        link_price=link,
        objective=objective,
        status=status,
        seconds=seconds,
    )


def _window(f: Formulation, b: BlockData, lp: Solution, started: float) -> Solution:
    """The MIP with each y_r between floor and ceil of the LP's, from the LP's flows with
    the units rounded up (always feasible)."""
    low, high, start = rounded(f, lp)
    limit = max(b.time_limit_s - (time.perf_counter() - started), 0.25 * b.time_limit_s)
    window = f.with_units_between(low, high)
    return solve(window, b.solver, limit, b.threads, b.seed, b.relative_gap, hint=start)


def _polish(f: Formulation, b: BlockData, found: Solution, started: float) -> Solution:
    """A small block's whole MIP from the descent's answer: within reach of a MIP solver
    in a fraction of a second, and it may find unit changes a one-at-a-time descent
    cannot."""
    if len(b.arc_cost) > b.mip_arcs or not len(found.values):
        return found
    limit = max(b.time_limit_s - (time.perf_counter() - started), 0.25 * b.time_limit_s)
    mip = solve(f.model, b.solver, limit, b.threads, b.seed, b.relative_gap, hint=found.values)
    if len(mip.values) and mip.objective < found.objective - 1e-6:
        return mip
    return found


def _best(f: Formulation, b: BlockData, found: Solution) -> tuple[np.ndarray, float, str]:
    """The units step's answer; every order unplanned where there is none."""
    values = found.values if len(found.values) else _all_unplanned(f, b)
    return values, float(f.model.cost @ values), found.status.value


def _all_unplanned(f: Formulation, b: BlockData) -> np.ndarray:
    out = np.zeros(len(f.model.lower))
    out[f.n_arc : f.n_arc + f.n_com] = b.demand
    return out


def components(
    arc_commodity: np.ndarray, arc_rows: np.ndarray, n_com: int, n_row: int
) -> np.ndarray:
    """Block id per commodity: connected components of commodities joined by shared rows.
    Commodities that touch no capacity all go to one block of their own."""
    a_rows = [
        (arc_commodity[arc_rows[:, s] >= 0], arc_rows[arc_rows[:, s] >= 0, s])
        for s in range(arc_rows.shape[1])
    ]
    c = np.concatenate([x for x, _ in a_rows])
    r = np.concatenate([y for _, y in a_rows]) + n_com
    size = n_com + n_row
    graph = coo_matrix((np.ones(len(c)), (c, r)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    touched = np.zeros(n_com, dtype=bool)
    touched[c] = True
    label = label[:n_com]
    label = np.where(touched, label, -1)
    _, block = np.unique(label, return_inverse=True)  # -1 (untouched) sorts first
    return block.astype(np.int64)


MapFunction = Callable[[Callable[[BlockData], BlockResult], Iterable[BlockData]], Iterator]


def solve_blocks(
    blocks: list[BlockData],
    map_fn: MapFunction = map,
    solve_one: Callable[[BlockData], BlockResult] = solve_block,
) -> list[BlockResult]:
    """Solve every block through one `map`: `map`, `Pool.map`, `worker_pool(n)`, or a Dask
    client's `lambda f, xs: client.gather(client.map(f, xs))`; `solve_one` is
    `solve_block` or `solve_relaxation`. The largest blocks go first (a pool then ends
    sooner); the results come back in the blocks' order."""
    order = sorted(range(len(blocks)), key=lambda i: (-len(blocks[i].arc_cost), i))
    solved = list(map_fn(solve_one, [blocks[i] for i in order]))
    out: list[BlockResult | None] = [None] * len(blocks)
    for i, result in zip(order, solved, strict=True):
        out[i] = result
    return [r for r in out if r is not None]


@contextmanager
def worker_pool(workers: int, start_method: str | None = None) -> Iterator[MapFunction]:
    """A `map` over `workers` processes for the duration of the `with` (1: the built-in
    map), started by `start_method` (default: forkserver on Linux, else spawn; never a
    plain fork of a process that may hold a solver's threads)."""
    if workers <= 1:
        yield map
        return
    method = start_method or ("forkserver" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:

        def run(fn: Callable[[BlockData], BlockResult], items: Iterable[BlockData]) -> Iterator:
            return iter(list(pool.map(fn, items)))

        yield run
