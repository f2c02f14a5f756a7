"""routing/plan/arcs.py: the time-expanded candidates (a route and a departure each) of
every commodity, the capacity rows they load, their cost per order (freight + duties +
mean late penalty of its orders, each at its own rates) and every order's candidate arcs."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.calendar import day_number
from routing.network import Network
from routing.plan.arcs import (
    OrderArcs,
    RowTuples,
    build_arcs,
    late_days,
    late_means,
    take,
)
from routing.plan.commodities import Commodities
from routing.plan.late import LateCost
from routing.plan.table import NO_DEADLINE
from routing.plan.universe import Pairs, departures
from tests.routing.plan.conftest import array_orders, first_stages, one_kilo_orders

TUESDAY = day_number(date(2026, 11, 10))
P90_RAIL = day_number(date(2026, 12, 7))  # the promise engine's, from Tuesday 10 November
P90_AIR = day_number(date(2026, 11, 30))


def _pairs(pc: np.ndarray, pr: np.ndarray) -> Pairs:
    return Pairs(pc, pr, np.zeros(len(pc)), np.ones(len(pc), dtype=bool))


def _expanded(network: Network, frame):
    """Every commodity on both Yiwu routes, one departure each (the horizon ends Sunday
    15 November)."""
    s = first_stages(network, frame)
    pc = np.repeat(np.arange(len(s.com)), len(s.routes))
    pr = np.tile(np.arange(len(s.routes)), len(s.com))
    sunday = TUESDAY + 5
    found = departures(network, s.com, s.routes, _pairs(pc, pr), sunday, 3, 0.9)
    return s, found.cols, found.keys


def test_each_route_takes_tuesdays_departure_and_loads_its_row(two_lanes: Network) -> None:
    """One commodity, two routes: two arcs on Tuesday 10 November, rail arriving by
    7 December at P90 and air by 30 November, each loading its own line-haul's
    departure (rows (rail, Tuesday) and (air, Tuesday)) and no second row."""
    s, cols, keys = _expanded(two_lanes, one_kilo_orders(3))
    net = two_lanes.compiled
    first_leg = [s.routes.services(net, r)[0].id for r in cols["route"]]
    assert cols["day"] == [TUESDAY, TUESDAY]
    p90 = dict(zip(first_leg, cols["p90"], strict=True))
    assert p90 == {"lanes-rail": P90_RAIL, "lanes-air": P90_AIR}
    assert [net.services[k].id for k, _ in keys] == first_leg
    assert [d for _, d in keys] == [TUESDAY, TUESDAY]
    assert cols["r0"] == [0, 1] and cols["r1"] == [-1, -1]


def test_mean_days_late_and_how_many_are_late(two_lanes: Network) -> None:
    """Deadlines 1, 3 and 6 December (one commodity in 30-day buckets): a P90 of
    7 December is 6, 4 and 1 days late, 11/3 an order, all 3 late; 4 December is 3, 1
    and 0 (4/3, 2 late); 30 November is on time for all."""
    frame = one_kilo_orders(3)
    frame["deliver_by"] = ["2026-12-01", "2026-12-03", "2026-12-06"]
    s = first_stages(two_lanes, frame, bucket_days=30)
    assert len(s.com) == 1
    p90 = np.array([day_number(date(2026, 12, d)) for d in (7, 4)] + [P90_AIR])
    mean, count = late_days(s.table, s.com, np.zeros(3, dtype=np.int64), p90)
    assert mean.tolist() == pytest.approx([11 / 3, 4 / 3, 0.0])
    assert count.tolist() == [3, 2, 0]


def test_the_mean_late_penalty_weighs_each_order_at_its_own_rates(two_lanes: Network) -> None:
    """Deadlines 1, 3 and 6 December, rates (once, per day) (100, 10), (0, 50) and
    (7, 1): a P90 of 7 December makes them 6, 4 and 1 days late, 160 + 200 + 8 = 368,
    a mean of 368/3; 4 December: 3 and 1 day late, 130 + 50 = 180, 60 an order; 30
    November: 0. A flat rate times the mean days would say (11/3) x 61/3 instead."""
    frame = one_kilo_orders(3)
    frame["deliver_by"] = ["2026-12-01", "2026-12-03", "2026-12-06"]
    s = first_stages(two_lanes, frame, bucket_days=30)
    late = LateCost(np.array([100.0, 0.0, 7.0]), np.array([10.0, 50.0, 1.0]))
    p90 = np.array([day_number(date(2026, 12, d)) for d in (7, 4)] + [P90_AIR])
    days, count, penalty = late_means(s.table, s.com, np.zeros(3, dtype=np.int64), p90, late)
    assert penalty.tolist() == pytest.approx([368 / 3, 60.0, 0.0], abs=1e-9)
    assert days.tolist() == pytest.approx([11 / 3, 4 / 3, 0.0]) and count.tolist() == [3, 2, 0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 3),  # commodity
            st.one_of(st.none(), st.integers(0, 40)),  # deadline (day), None: none
            st.floats(0, 5000),  # once
            st.floats(0, 900),  # per day
        ),
        min_size=1,
        max_size=40,
    ),
    p90=st.lists(st.tuples(st.integers(0, 3), st.integers(-5, 50)), min_size=1, max_size=12),
)
def test_the_mean_late_penalty_is_the_mean_of_the_orders_own(data: list, p90: list) -> None:
    """Any commodities, deadlines (some none), per-order rates and P90 days: the prefix
    sums give each (commodity, P90) the mean of its members' own penalties, to 1e-9."""
    of = np.array([c for c, *_ in data] + [0, 1, 2, 3], dtype=np.int64)  # none empty
    n, base = len(of), 20_000
    deadline = [NO_DEADLINE if d is None else base + d for _, d, _, _ in data] + [NO_DEADLINE] * 4
    orders = array_orders([1.0] * n, deliver_by=deadline)
    com = commodities_of(of)
    late = LateCost(
        np.array([x for *_, x, _ in data] + [0.0] * 4), np.array([x for *_, x in data] + [0.0] * 4)
    )
    c = np.array([c for c, _ in p90], dtype=np.int64)
    day = np.array([base + d for _, d in p90], dtype=np.int64)
    _, _, got = late_means(orders, com, c, day, late)
    for k in range(len(c)):
        members = np.flatnonzero(of == c[k])
        days = np.maximum(day[k] - orders.deliver_by[members], 0)
        days[orders.deliver_by[members] == NO_DEADLINE] = 0
        expected = late.of(members, days).mean()
        assert got[k] == pytest.approx(expected, rel=1e-12, abs=1e-9)


def commodities_of(of: np.ndarray) -> Commodities:
    """Commodities with these members (all else empty: the late sums read no more)."""
    count = np.bincount(of)
    k = len(count)
    return Commodities(
        of_order=of,
        members=np.argsort(of, kind="stable"),
        start=np.concatenate(([0], np.cumsum(count))),
        origin=np.full(k, "x", dtype=object),
        ready_day=np.zeros(k, np.int64),
        ready_min=np.zeros(k, np.int64),
        count=count,
        kg=np.ones(k),
        m3=np.ones(k),
        allowed=np.zeros((0, k), dtype=bool),
        price=np.zeros((0, k)),
    )


def test_an_arcs_cost_and_hard_deadlines(two_lanes: Network) -> None:
    """Deliver by 1 December: rail (P90 7 December) is 6 days late, air on time. At a
    penalty of 150 a day, rail costs its freight 200 + duty 615 + 900, air 400 + 615;
    with hard deadlines the rail arc is dropped."""
    s, cols, _ = _expanded(two_lanes, one_kilo_orders(2, deliver_by="2026-12-01"))
    net = two_lanes.compiled
    rail = np.array([s.routes.services(net, r)[0].id == "lanes-rail" for r in cols["route"]])
    freight, duty = np.where(rail, 200.0, 400.0), np.full(2, 615.0)
    late = LateCost.flat(2, 150.0)
    soft = build_arcs(cols, s.table, s.com, freight, duty, late, hard_deadlines=False)
    assert soft.late_days.tolist() == np.where(rail, 6.0, 0.0).tolist()
    assert soft.cost.tolist() == np.where(rail, 1715.0, 1015.0).tolist()
    assert soft.rows.tolist() == [[0, -1], [1, -1]] and len(soft) == 2
    hard = build_arcs(cols, s.table, s.com, freight, duty, late, hard_deadlines=True)
    assert hard.freight.tolist() == [400.0] and hard.late_days.tolist() == [0.0]


def test_order_arcs_and_lookups() -> None:
    """Order 0 has arcs 4 and 2, order 1 none, order 2 arc 7."""
    pairs = OrderArcs(np.array([0, 2, 2, 3]), np.array([4, 2, 7]), np.array([1.0, 2.0, 3.0]))
    assert pairs.counts.tolist() == [2, 0, 1] and pairs.owner.tolist() == [0, 0, 2]
    assert list(pairs.of(0)) == [0, 1] and list(pairs.of(1)) == []


def test_take_keeps_every_column_of_the_arcs_it_keeps(two_lanes: Network) -> None:
    """Taking arc 1 of two keeps its freight, rows and dates together."""
    s, cols, _ = _expanded(two_lanes, one_kilo_orders(2))
    free = LateCost.flat(2, 0.0)
    arcs = build_arcs(cols, s.table, s.com, np.array([1.0, 2.0]), np.zeros(2), free, False)
    kept = take(arcs, np.array([1]))
    assert len(kept) == 1 and kept.freight.tolist() == [2.0]
    assert kept.rows.tolist() == [arcs.rows[1].tolist()] and kept.p90[0] == arcs.p90[1]


def test_row_tuples_are_each_arcs_rows_made_at_first_use() -> None:
    """Arc 0 rides rows 3 and 5, arc 1 row 4 only, arc 2 none: each reads as a tuple of
    its rows, and an arc never asked for is never made."""
    rows = RowTuples(np.array([[3, 5], [4, -1], [-1, -1]]))
    assert rows.made == {}
    assert rows[1] == (4,) and rows[2] == () and rows[1] is rows[1]
    assert rows.made == {1: (4,), 2: ()}
    assert rows[0] == (3, 5)
