"""routing/plan/costs.py: what one order costs on one arc on its own figures (its lane
prices on the arc's route, its duties there, its days late), equal to the lane table's
per-parcel prices, each order's own late penalty, and a plan costed order by order."""

from __future__ import annotations

import numpy as np
import pytest

from routing.network import Network
from routing.network.lanes import lane_charges
from routing.plan import Scenario
from routing.plan.assign import Assignment
from routing.plan.capacity import build_rows
from routing.plan.costs import OrderCosts
from routing.plan.late import LateCost
from tests.routing.plan.conftest import costed_arcs, one_kilo_orders

WEIGHTS = ["1", "2.345", "0.5", "7.777"]


def test_an_orders_shipping_is_the_lane_tables_price_of_its_legs(two_lanes: Network) -> None:
    """Every order on every arc: the sum over the route's legs of `lane_charges` for its
    own parcel (all in EUR here)."""
    frame = one_kilo_orders(len(WEIGHTS))
    frame["weight_kg"] = WEIGHTS
    s, arcs, _, costs = costed_arcs(two_lanes, frame)
    net = two_lanes.compiled
    t = s.table
    for o in range(len(t)):
        own = lane_charges(
            net.lanes,
            net.services,
            float(t.weight_kg[o]),
            (t.length_cm[o], t.width_cm[o], t.height_cm[o]),
            t.dest_country[o],
            t.dest_postal_code[o],
        ).total
        for a in range(len(arcs)):
            legs = [k for k in s.routes.legs[arcs.route[a]] if k >= 0]
            expected = float(sum(own[k] for k in legs))
            assert costs.shipping(np.array([o]), np.array([a]))[0] == expected


def test_shipping_worked_by_hand(two_lanes: Network) -> None:
    """2.345 kg: rail 235 + post 100 = 335 cents; air 704 + 100 = 804."""
    frame = one_kilo_orders(1, weight_kg=2.345)
    s, arcs, _, costs = costed_arcs(two_lanes, frame)
    first = [s.routes.services(two_lanes.compiled, r)[0].id for r in arcs.route]
    got = dict(
        zip(first, costs.shipping(np.zeros(2, np.int64), np.arange(2)).tolist(), strict=True)
    )
    assert got == {"lanes-rail": 335.0, "lanes-air": 804.0}


def test_an_orders_cost_adds_its_duties_and_its_own_days_late(two_lanes: Network) -> None:
    """Deliver by 1 December and no deadline, one commodity: on rail (P90 7 December)
    the first is 6 days late, 900 of penalty on 200 + 615; the second never late; on air
    (P90 30 November) both on time."""
    frame = one_kilo_orders(2, deliver_by="2026-12-01")
    frame.loc[1, "deliver_by"] = ""
    s, arcs, _, costs = costed_arcs(two_lanes, frame)
    rail = [s.routes.services(two_lanes.compiled, r)[0].id == "lanes-rail" for r in arcs.route]
    r, a = (int(np.flatnonzero(rail)[0]), int(np.flatnonzero(~np.array(rail))[0]))
    orders, on = np.array([0, 1, 0, 1]), np.array([r, r, a, a])
    assert costs.late_days(orders, on).tolist() == [6, 0, 0, 0]
    assert costs(orders, on).tolist() == pytest.approx([1715.0, 815.0, 1057.0, 1057.0])
    assert len(costs(np.zeros(0, np.int64), np.zeros(0, np.int64))) == 0


def test_a_plan_costed_order_by_order(two_lanes: Network) -> None:
    """Three one-kilo orders: one by rail, one by air, one left out. Freight 200 + 400,
    duties 615 by rail and 657 by air (21 % VAT on the dearer air freight too), one EUR 50
    pallet for the air parcel, EUR 500 for the one left out."""
    s, arcs, keys, costs = costed_arcs(two_lanes, one_kilo_orders(3))
    net = two_lanes.compiled
    air = net.service_index["lanes-air"]
    rows = build_rows(keys, net, [], Scenario(), {air: 5000.0})
    rail = [s.routes.services(net, r)[0].id == "lanes-rail" for r in arcs.route]
    plan = Assignment(
        np.array([rail.index(True), rail.index(False), -1]),
        np.array(["", "", "no_capacity"], dtype=object),
    )
    e = costs.evaluate(plan, rows)
    assert e.shipping.tolist() == [200.0, 400.0, 0.0]
    assert e.duties.tolist() == [615.0, 657.0, 0.0]
    assert (e.freight, e.duty, e.unit_cost) == (600.0, 1272.0, 5000.0)
    assert (e.unplanned, e.unplanned_penalty) == (1, 50_000.0)
    assert e.cost == 6872.0 and e.objective == 56_872.0
    assert costs.with_arcs(arcs).evaluate(plan, rows).objective == e.objective


def test_each_order_is_late_at_its_own_rates(two_lanes: Network) -> None:
    """Both deliver by 1 December, both 6 days late on rail: the first pays 1000 once and
    10 a day (1060), the second 0 once and 200 a day (1200); on air neither pays. The
    plan with both on rail carries 2260 of late penalty."""
    s, arcs, keys, flat = costed_arcs(two_lanes, one_kilo_orders(2, deliver_by="2026-12-01"))
    late = LateCost(np.array([1000.0, 0.0]), np.array([10.0, 200.0]))
    costs = OrderCosts(s.table, s.lanes, s.routes, arcs, flat.duties, late, 50_000.0)
    net = two_lanes.compiled
    rail = [s.routes.services(net, r)[0].id == "lanes-rail" for r in arcs.route]
    r, a = rail.index(True), rail.index(False)
    orders, on = np.array([0, 1, 0, 1]), np.array([r, r, a, a])
    assert costs.late_penalty(orders, on).tolist() == [1060.0, 1200.0, 0.0, 0.0]
    own = costs(orders, on) - flat(orders, on) + flat.late_penalty(orders, on)
    assert own.tolist() == [1060.0, 1200.0, 0.0, 0.0]
    rows = build_rows(keys, net, [], Scenario(), {})
    plan = Assignment(np.array([r, r]), np.array(["", ""], dtype=object))
    assert costs.evaluate(plan, rows).late_penalty == 2260.0
    assert costs.with_arcs(arcs).late is late
