"""Fixtures of the design tests: tiny design problems for the engine (the three lanes
worked out by hand, seeded random problems with spot, small random `.dow` networks, and
the checks every design must pass: its cost and capacity use recomputed from its units
and shares), and a hand-checkable order history on the default world."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from routing.design.forecast import Forecast, load_forecast
from routing.design.mcnd import Network
from routing.design.problem import CapacityRows, Columns, Commodities, DesignProblem
from routing.design.run import SeasonDesign, design_season
from routing.design.solution import DesignSolution
from routing.network import Network as NetworkWorld
from routing.plan.solver import SparseModel, solve
from routing.plan.table import COLUMNS


def rows(
    unit_kg: list[float], fixed: list[float], spot_rate: list[float], max_units: int = 3
) -> CapacityRows:
    n = len(unit_kg)
    return CapacityRows(
        name=[f"lane {i}" for i in range(n)],
        unit_kg=np.array(unit_kg, dtype=float),
        unit_m3=np.zeros(n),
        fixed=np.array(fixed, dtype=float),
        commitment=np.arange(n, dtype=np.int64),
        min_units=np.zeros(n, dtype=np.int64),
        max_units=np.full(n, max_units, dtype=np.int64),
        spot_rate=np.array(spot_rate, dtype=float),
        spot_cap_kg=np.full(n, np.inf),
        spot_kg_per_m3=np.full(n, 167.0),
    )


def columns(routes: list[tuple[int, float, list[int]]]) -> Columns:
    """(commodity, cost, rows) per column."""
    return Columns(
        commodity=np.array([k for k, _, _ in routes], dtype=np.int64),
        cost=np.array([c for _, c, _ in routes], dtype=float),
        start=np.r_[0, np.cumsum([len(r) for _, _, r in routes])].astype(np.int64),
        rows=np.array([r for _, _, rs in routes for r in rs], dtype=np.int64),
    )


def three_lanes() -> DesignProblem:
    """12,000 kg from A to B, direct on lane 0 (freight 100) or through a hub on lanes 1
    and 2 (freight 50). A container holds 10,000 kg: 1,000 on lane 0, 1,500 on lanes 1
    and 2; spot is 0.20 per kg on lane 0 and 0.30 on the others. See test_solve."""
    cap = rows([10_000, 10_000, 10_000], [1_000, 1_500, 1_500], [0.2, 0.3, 0.3])
    com = Commodities(kg=np.array([12_000.0]), m3=np.zeros(1), unserved=np.array([np.inf]))
    return DesignProblem(cap, com, columns([(0, 100.0, [0]), (0, 50.0, [1, 2])]))


def random_problem(seed: int, spot: bool = True) -> DesignProblem:
    """3-5 lanes, 2-4 commodities, 1-3 routes each over one or two lanes; spot unlimited
    (or none at all)."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(3, 6)), int(rng.integers(2, 5))
    rate = rng.uniform(0.5, 2.0, n) if spot else np.full(n, np.inf)
    cap = rows(list(rng.uniform(50, 150, n)), list(rng.uniform(20, 120, n)), list(rate))
    com = Commodities(kg=rng.uniform(10, 200, k), m3=np.zeros(k), unserved=np.full(k, np.inf))
    routes = []
    for c in range(k):
        for _ in range(int(rng.integers(1, 4))):
            lanes = sorted(rng.choice(n, size=int(rng.integers(1, 3)), replace=False).tolist())
            routes.append((c, float(rng.uniform(0, 50)), lanes))
    return DesignProblem(cap, com, columns(routes))


def assert_feasible(problem: DesignProblem, design: DesignSolution, tol: float = 1e-6) -> None:
    """Shares and unserved sum to one per commodity; no row carries more than its units
    and its spot; the value is the cost recomputed from units, shares and spot."""
    cap, com, cols = problem.capacity, problem.commodities, design.columns
    served = np.bincount(cols.commodity, design.share, minlength=len(com))
    assert np.allclose(served + design.unserved, 1.0, atol=tol)
    owner = np.repeat(np.arange(len(cols)), np.diff(cols.start))
    kg = np.bincount(
        cols.rows, design.share[owner] * com.kg[cols.commodity[owner]], minlength=len(cap)
    )
    over = np.where(cap.unit_kg > 0, kg - design.units * cap.unit_kg, 0.0)
    assert np.all(over <= design.spot_kg + tol * (1 + kg))
    spot = np.where(np.isfinite(cap.spot_rate), cap.spot_rate, 0.0) @ design.spot_kg
    finite = np.isfinite(com.unserved)
    cost = cap.fixed @ design.units + cols.cost @ design.share + spot
    cost += com.unserved[finite] @ design.unserved[finite]
    assert cost == np.float64(design.value) or abs(cost - design.value) <= 1e-6 * max(1, abs(cost))
    assert np.all((design.units >= cap.min_units) & (design.units <= cap.max_units))


def random_network(seed: int) -> Network:
    """5 nodes on a ring (both ways, so every node reaches every other) plus a few chords,
    3 commodities."""
    rng = np.random.default_rng(seed)
    n = 5
    pairs = {(i, (i + 1) % n) for i in range(n)} | {((i + 1) % n, i) for i in range(n)}
    while len(pairs) < 14:
        a, b = (int(v) for v in rng.choice(n, 2, replace=False))
        pairs.add((a, b))
    tail, head = (np.array(v) for v in zip(*sorted(pairs), strict=True))
    a = len(tail)
    origin = rng.choice(n, 3)
    destination = (origin + rng.integers(1, n, 3)) % n
    return Network(
        nodes=n,
        tail=tail,
        head=head,
        unit_cost=rng.integers(1, 10, a).astype(float),
        capacity=rng.integers(10, 40, a).astype(float),
        fixed=rng.integers(20, 200, a).astype(float),
        origin=origin,
        destination=destination,
        demand=rng.integers(5, 30, 3).astype(float),
    )


def write_dow(path: Path, net: Network) -> Path:
    lines = ["MULTIGEN.DAT:", f"{net.nodes} {len(net.tail)} {len(net.origin)}"]
    for i in range(len(net.tail)):
        lines.append(
            f"{net.tail[i] + 1} {net.head[i] + 1} {net.unit_cost[i]:.0f} {net.capacity[i]:.0f} "
            f"{net.fixed[i]:.0f} 1 {i + 1}"
        )
    lines += [
        f"{o + 1} {d + 1} {q:.0f}"
        for o, d, q in zip(net.origin, net.destination, net.demand, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def exact_mcnd(net: Network) -> float:
    """The optimum of the arc formulation (binary y per arc, flow x per commodity and arc,
    conservation, capacity and strong linking rows), proven by HiGHS."""
    a, k, n = len(net.tail), len(net.origin), net.nodes
    x = a + np.arange(k * a).reshape(k, a)
    rows, cols, vals = [], [], []
    lo, hi = [], []
    for c in range(k):  # conservation: out - in = demand at origin, -demand at destination
        for v in range(n):
            r = len(lo)
            for arc in np.flatnonzero(net.tail == v):
                rows.append(r), cols.append(x[c, arc]), vals.append(1.0)
            for arc in np.flatnonzero(net.head == v):
                rows.append(r), cols.append(x[c, arc]), vals.append(-1.0)
            rhs = net.demand[c] * (int(v == net.origin[c]) - int(v == net.destination[c]))
            lo.append(rhs), hi.append(rhs)
    for arc in range(a):
        r = len(lo)
        rows += [r] * (k + 1)
        cols += [*x[:, arc], arc]
        vals += [1.0] * k + [-net.capacity[arc]]
        lo.append(-np.inf), hi.append(0.0)
        for c in range(k):
            r = len(lo)
            rows += [r, r]
            cols += [x[c, arc], arc]
            vals += [1.0, -net.demand[c]]
            lo.append(-np.inf), hi.append(0.0)
    model = SparseModel(
        lower=np.zeros(a + k * a),
        upper=np.r_[np.ones(a), np.full(k * a, np.inf)],
        integer=np.r_[np.ones(a, dtype=bool), np.zeros(k * a, dtype=bool)],
        cost=np.r_[net.fixed, np.tile(net.unit_cost, k)],
        row_lower=np.array(lo),
        row_upper=np.array(hi),
        rows=np.array(rows),
        cols=np.array(cols),
        vals=np.array(vals),
    )
    found = solve(model, "highs", 30, relative_gap=0.0)
    return found.objective


# order_id, origin, country, postal, kg, (l, w, h cm), value, currency, category,
# battery, liquid, created_at, deliver_by
HISTORY = [
    ("A", "CN-YIW-WH", "ES", "28001", 1.0, (10, 10, 10), "10.00", "EUR", "apparel",
     "none", "false", "2026-11-10T10:00:00+08:00", "2026-11-22"),
    ("B", "CN-YIW-WH", "ES", "28002", 2.5, (20, 10, 10), "20.00", "EUR", "home",
     "none", "false", "2026-11-12T23:30:00+08:00", "2026-11-24"),
    ("C", "CN-YIW-WH", "ES", "35001", 0.5, (10, 10, 5), "200.00", "USD", "electronics",
     "in_equipment", "false", "2026-11-15T20:00:00+08:00", ""),
    ("D", "CN-SZX-WH", "US", "10001", 1.25, (20, 20, 10), "100.00", "EUR", "cosmetics",
     "none", "true", "2026-11-16T01:00:00+08:00", "2026-12-16"),
    ("E", "ES-MAD-HUB", "CN", "200000", 0.75, (10, 10, 10), "150.00", "EUR", "cosmetics",
     "none", "false", "2026-11-04T10:00:00+01:00", "2027-01-03"),
]  # fmt: skip


def history_frame(rows: list[tuple] = HISTORY) -> pd.DataFrame:
    """The orders table of `rows`, every cell text as a file holds it."""
    records = [
        (o, origin, c, p, str(kg), *map(str, sides), v, cur, cat, "610910", b, liq, at, by)
        for (o, origin, c, p, kg, sides, v, cur, cat, b, liq, at, by) in rows
    ]
    return pd.DataFrame(records, columns=list(COLUMNS))


TINY_FORECAST = Path(__file__).parents[2] / "data" / "design_season" / "forecast.csv"


@pytest.fixture(scope="session")
def tiny(default_world: NetworkWorld) -> Forecast:
    """One week of the default world, three rows (tests/data/design_season)."""
    return load_forecast(TINY_FORECAST, default_world)


@pytest.fixture(scope="session")
def tiny_season(tiny: Forecast, default_world: NetworkWorld) -> SeasonDesign:
    """The tiny forecast designed (solved once for the session)."""
    return design_season(tiny, default_world, time_limit_s=30)
