"""The design engine at the default world's size, on a synthetic, seeded instance of its
shape: about 2,000 capacity rows (150 weekly-committed services over 13 weeks, plus
services booked per departure), 10,000-20,000 commodities, about 300,000 columns of at
most two rows each, given up front (no pricer; `initial` marks each commodity's three
cheapest for the first master). Prints the stages' trace, value, bound, gap, booked
against spot, wall time and peak memory against the targets (well under 5 minutes,
4 GiB).

Usage: .venv/bin/python bench/design_engine.py [--commodities 15000] [--columns 20]
       [--seed 1] [--time-limit 240] [--method flip]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from routing.design.problem import CapacityRows, Columns, Commodities, DesignProblem
from routing.design.solve import DEFAULT_METHOD, METHODS, solve_design

WEEKS = 13
COMMITTED = 150  # services booked the same every week
PER_DEPARTURE = 5  # services booked per departure (one row per week each)
ORIGINS = 10
# unit types: kg, m3, fixed cost per unit, spot per chargeable kg (ULD, 40' container, trailer)
UNITS = np.array(
    [
        [1_500.0, 10.0, 2_600.0, 3.2],
        [22_000.0, 67.0, 4_800.0, 0.45],
        [12_000.0, 80.0, 3_100.0, 0.55],
    ]
)


def synthetic(commodities: int, per_commodity: int, seed: int) -> DesignProblem:
    rng = np.random.default_rng(seed)
    services = COMMITTED + PER_DEPARTURE
    kind = rng.integers(0, 3, services)
    origin = rng.integers(0, ORIGINS, services)
    rows = services * WEEKS
    service_of = np.repeat(np.arange(services), WEEKS)
    week_of = np.tile(np.arange(WEEKS), services)
    unit = UNITS[kind[service_of]]
    committed = service_of < COMMITTED
    commitment = np.where(committed, service_of, services + np.arange(rows))
    cap = CapacityRows(
        name=[f"service {s}@week {w}" for s, w in zip(service_of, week_of, strict=True)],
        unit_kg=unit[:, 0],
        unit_m3=unit[:, 1],
        fixed=unit[:, 2] * rng.uniform(0.8, 1.2, rows),
        commitment=commitment.astype(np.int64),
        min_units=np.zeros(rows, dtype=np.int64),
        max_units=np.where(kind[service_of] == 0, 8, 4).astype(np.int64),
        spot_rate=unit[:, 3] * rng.uniform(0.9, 1.3, rows),
        spot_cap_kg=np.where(rng.random(rows) < 0.3, unit[:, 0] * 2, np.inf),
        spot_kg_per_m3=np.full(rows, 167.0),
    )
    kg = rng.lognormal(np.log(300), 1.0, commodities)
    com_origin = rng.integers(0, ORIGINS, commodities)
    com = Commodities(
        kg=kg,
        m3=kg / rng.uniform(120, 350, commodities),
        unserved=kg * rng.uniform(6.0, 12.0, commodities),
    )
    return DesignProblem(cap, com, *_columns(rng, com, com_origin, origin, per_commodity))


def _columns(
    rng: np.random.Generator, com: Commodities, com_origin: np.ndarray, origin: np.ndarray, per: int
) -> tuple[Columns, np.ndarray]:
    """Per commodity, `per` routes in its week or the next: a line-haul service from its
    origin, and on half of them a second leg on any service of the same week."""
    k = len(com)
    by_origin = [np.flatnonzero(origin == o) for o in range(ORIGINS)]
    week = rng.integers(0, WEEKS, k)
    commodity = np.repeat(np.arange(k), per)
    first_service = np.array(
        [
            by_origin[o][i % len(by_origin[o])]
            for o, i in zip(com_origin[commodity], rng.integers(0, 1 << 30, k * per), strict=True)
        ]
    )
    leg_week = np.minimum(week[commodity] + rng.integers(0, 2, k * per), WEEKS - 1)
    first = first_service * WEEKS + leg_week
    two = rng.random(k * per) < 0.5
    second = rng.integers(0, len(origin), k * per) * WEEKS + leg_week
    second = np.where(second == first, (second + WEEKS) % (len(origin) * WEEKS), second)
    lengths = 1 + two
    rows = np.empty(int(lengths.sum()), dtype=np.int64)
    start = np.r_[0, np.cumsum(lengths)]
    rows[start[:-1]] = first
    rows[start[:-1][two] + 1] = second[two]
    cost = com.kg[commodity] * rng.uniform(0.05, 0.6, k * per) * lengths
    columns = Columns(commodity.astype(np.int64), cost, start.astype(np.int64), rows)
    rank = np.argsort(np.argsort(np.lexsort((cost, commodity)), kind="stable"), kind="stable")
    initial = (rank - np.arange(k * per) // per * per) < 3
    return columns, initial


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commodities", type=int, default=15_000)
    parser.add_argument("--columns", type=int, default=20, help="per commodity")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=240.0)
    parser.add_argument("--method", default=DEFAULT_METHOD, choices=METHODS)
    args = parser.parse_args()
    started = time.perf_counter()
    problem = synthetic(args.commodities, args.columns, args.seed)
    built = time.perf_counter() - started
    print(
        f"{len(problem.capacity)} rows in {len(np.unique(problem.capacity.commitment))} groups, "
        f"{len(problem.commodities)} commodities, {len(problem.columns)} columns "
        f"(built in {built:.1f} s)",
        flush=True,
    )
    found = solve_design(
        problem, args.time_limit, None, args.method, progress=lambda s: print("  " + s, flush=True)
    )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    booked_kg = float(problem.capacity.unit_kg @ found.units)
    print(
        f"method {found.method}: value {found.value:,.0f}  bound {found.bound:,.0f}  "
        f"gap {found.gap:.3%}  {found.status}"
    )
    print("costs " + "  ".join(f"{k} {v:,.0f}" for k, v in found.costs.items()))
    print(
        f"booked {int(found.units.sum())} units ({booked_kg:,.0f} kg), "
        f"spot {found.spot_kg.sum():,.0f} chargeable kg"
    )
    print(f"wall {wall:.1f} s (target < 300), peak memory {peak:.2f} GiB (target < 4)")


if __name__ == "__main__":
    main()
