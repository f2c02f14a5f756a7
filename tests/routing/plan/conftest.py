"""Fixtures of the planner's tests: the two-lane world, the default world with a planned
sample week, and order tables and model blocks built in memory."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from routing.fx import load_fx
from routing.network import Network, load_network
from routing.plan import (
    COLUMNS,
    BlockData,
    OrdersTable,
    PlanParams,
    PlanResult,
    plan_orders,
    sample_orders,
    validate_orders,
)
from routing.plan.arcs import Arcs, build_arcs
from routing.plan.capacity import CapacityRows, Override
from routing.plan.commodities import aggregate
from routing.plan.costs import OrderCosts
from routing.plan.duties import Duties
from routing.plan.late import LateCost
from routing.plan.matrix import lane_matrix
from routing.plan.routes import enumerate_routes
from routing.plan.table import NO_DEADLINE
from routing.plan.universe import Pairs, departures

DATA = Path(__file__).resolve().parents[2] / "data"
MONDAY = date(2026, 11, 9)  # the day the orders of `one_kilo_orders` are created


@pytest.fixture(scope="session")
def two_lanes() -> Network:
    """Two capacitated lanes to one market: the optimal split is known on paper."""
    return load_network(DATA / "plan_two_lanes")


@pytest.fixture(scope="session")
def world() -> Network:
    """The default world (data/)."""
    return load_network()


@pytest.fixture(scope="session")
def sample_plan(world: Network) -> PlanResult:
    """400 sample orders (seed 5) planned on the default world, in one process."""
    table, _ = validate_orders(sample_orders(400, seed=5), world)
    return plan_orders(table, world, PlanParams(time_limit_s=10))


@pytest.fixture(scope="session")
def two_lane_plan(two_lanes: Network) -> PlanResult:
    """150 one-kilo orders to Madrid (100 by rail, 50 by air), one to Paris that no lane
    reaches, and one invalid row (line 3, a weight of -1), planned over one week."""
    frame = one_kilo_orders(152)
    frame.loc[1, "weight_kg"] = "-1"
    frame.loc[151, ["dest_country", "dest_postal_code"]] = ["FR", "75001"]
    table, invalid = validate_orders(frame, two_lanes, "orders.csv", skip_invalid=True)
    params = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)
    return plan_orders(table, two_lanes, params, invalid=invalid)


def one_kilo_orders(n: int, weight_kg: float = 1.0, deliver_by: str = "") -> pd.DataFrame:
    """n identical orders Yiwu -> Madrid, created on Monday 2026-11-09 morning."""
    rows = [
        {
            "order_id": f"T{i:04d}",
            "origin": "CN-YIW-WH",
            "dest_country": "ES",
            "dest_postal_code": "28001",
            "weight_kg": str(weight_kg),
            "length_cm": "10",
            "width_cm": "10",
            "height_cm": "10",
            "value": "10.00",
            "currency": "EUR",
            "category": "apparel",
            "hs_code": "610910",
            "battery": "none",
            "liquid": "false",
            "created_at": "2026-11-09T09:00:00+08:00",
            "deliver_by": deliver_by,
        }
        for i in range(n)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def weighed_orders(network: Network, weights: list[float]) -> OrdersTable:
    """`one_kilo_orders` at the given weights (kg), validated on `network`."""
    frame = one_kilo_orders(len(weights))
    frame["weight_kg"] = [f"{w:.3f}" for w in weights]
    return validate_orders(frame, network)[0]


def lane_capacity(network: Network, **kg: float) -> list[Override]:
    """Booked kg of the two-lane world's services by name: rail=..., air=..."""
    net = network.compiled
    return [Override(net.service_index[f"lanes-{k}"], None, v, None) for k, v in kg.items()]


def one_commodity_block(
    orders: int, kg: float, unit_kg: float, via_unit: float, other: float
) -> BlockData:
    """One commodity, two arcs: arc 0 through a departure bought in units (EUR 50 each),
    arc 1 through nothing. Costs in minor units per order."""
    return BlockData(
        commodities=np.array([0]),
        rows=np.array([0]),
        arcs=np.array([0, 1]),
        demand=np.array([orders]),
        arc_commodity=np.array([0, 0]),
        arc_cost=np.array([via_unit, other]),
        arc_kg=np.array([kg, kg]),
        arc_m3=np.array([0.001, 0.001]),
        arc_rows=np.array([[0, -1], [-1, -1]]),
        cap_kg=np.array([1000.0]),
        cap_m3=np.array([100.0]),
        unit_kg=np.array([unit_kg]),
        unit_m3=np.array([10.0]),
        unit_cost=np.array([5000.0]),
        unit_limit=np.array([10.0]),
        unplanned_penalty=50_000.0,
    )


def first_stages(network: Network, frame: pd.DataFrame, bucket_days: int = 2) -> SimpleNamespace:
    """What the planner's first stages make of an orders frame, in EUR on Monday 9
    November 2026: the table, the lane matrix, the coarse commodities, every route of
    their origins (and the fx rates and day used)."""
    table, _ = validate_orders(frame, network)
    fx = load_fx()
    lanes = lane_matrix(network.compiled, table, fx, MONDAY, "EUR")
    com = aggregate(network, table, lanes, bucket_days)
    routes = enumerate_routes(network, sorted(set(com.origin.tolist())))
    return SimpleNamespace(table=table, fx=fx, at=MONDAY, lanes=lanes, com=com, routes=routes)


def costed_arcs(network: Network, frame: pd.DataFrame, bucket_days: int = 60) -> tuple:
    """(first stages, arcs, capacity-row keys, OrderCosts): every commodity on every route
    of its origin at its first departure, costed as the planner costs orders (EUR 1.50 a
    day late, EUR 500 unplanned, in cents)."""
    s = first_stages(network, frame, bucket_days)
    pc = np.repeat(np.arange(len(s.com)), len(s.routes))
    pr = np.tile(np.arange(len(s.routes)), len(s.com))
    found = departures(network, s.com, s.routes, Pairs(pc, pr, pc * 0.0, pc >= 0), 10**6, 1, 0.9)
    cols, keys = found.cols, found.keys
    duties = Duties(network, s.table, s.com, s.routes, s.fx, s.at, "EUR")
    duties.pair_means(pc, pr)
    n = len(cols["route"])
    late = LateCost.flat(len(s.table), 150.0)
    arcs = build_arcs(cols, s.table, s.com, np.zeros(n), np.zeros(n), late, False)
    costs = OrderCosts(s.table, s.lanes, s.routes, arcs, duties, late, 50_000.0)
    return s, arcs, keys, costs


def array_orders(
    weight_kg: list[float],
    m3: list[float] | None = None,
    created_min: list[int] | None = None,
    deliver_by: list[int] | None = None,
) -> OrdersTable:
    """Orders as arrays, for the pieces that take them: their kg, m3 (one side carries
    it), creation minute (default: input order) and deadline day (default: none)."""
    n = len(weight_kg)
    text = np.array(["x"] * n, dtype=object)
    volume = np.array(m3 if m3 is not None else [0.001] * n, dtype=np.float64)
    return OrdersTable(
        line=np.arange(n, dtype=np.int64) + 2,
        order_id=np.array([f"O{i}" for i in range(n)], dtype=object),
        origin=text,
        dest_country=text,
        dest_postal_code=text,
        weight_kg=np.array(weight_kg, dtype=np.float64),
        length_cm=volume * 1e6,
        width_cm=np.ones(n),
        height_cm=np.ones(n),
        value_minor=np.zeros(n, dtype=np.int64),
        currency=text,
        category=text,
        hs_code=text,
        battery=np.zeros(n, dtype=np.int8),
        liquid=np.zeros(n, dtype=bool),
        created_min=np.array(created_min if created_min is not None else range(n), np.int64),
        deliver_by=np.array(deliver_by if deliver_by is not None else [NO_DEADLINE] * n, np.int64),
    )


def array_arcs(rows: list[list[int]], cost: list[float], p90: list[int] | None = None) -> Arcs:
    """Arcs of commodity 0 on route 0, each through its capacity `rows` (-1: none)."""
    n = len(rows)
    zero = np.zeros(n, dtype=np.int64)
    return Arcs(
        commodity=zero,
        route=zero,
        day=zero,
        p50=np.array(p90 if p90 is not None else [0] * n, dtype=np.int64),
        p90=np.array(p90 if p90 is not None else [0] * n, dtype=np.int64),
        rows=np.array(rows, dtype=np.int64).reshape(-1, 2),
        freight=np.array(cost, dtype=np.float64),
        duty=np.zeros(n),
        late_days=np.zeros(n),
        cost=np.array(cost, dtype=np.float64),
    )


def array_rows(
    cap_kg: list[float],
    cap_m3: list[float] | None = None,
    unit_kg: list[float] | None = None,
    unit_m3: list[float] | None = None,
    unit_cost: list[float] | None = None,
) -> CapacityRows:
    """Capacity rows (departures) with these figures; no unit unless given."""
    n = len(cap_kg)
    zeros = [0.0] * n
    return CapacityRows(
        service=np.arange(n, dtype=np.int64),
        day=np.zeros(n, dtype=np.int64),
        cap_kg=np.array(cap_kg, dtype=np.float64),
        cap_m3=np.array(cap_m3 if cap_m3 is not None else [np.inf] * n, dtype=np.float64),
        unit_kg=np.array(unit_kg or zeros, dtype=np.float64),
        unit_m3=np.array(unit_m3 or zeros, dtype=np.float64),
        unit_cost=np.array(unit_cost or zeros, dtype=np.float64),
    )
