"""routing/plan/refine.py: commodities split by what their own orders prefer, every arc
of a split commodity at its orders' mean own costs, and every order's candidate arcs,
cheapest first for it. Worked on the two-lane world with a 6 December deadline that rail
misses by a day (EUR 1.50) and air keeps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.network import Network
from routing.plan import PlanParams, plan_orders, validate_orders
from routing.plan.costs import OrderCosts
from routing.plan.late import LateCost
from routing.plan.refine import Splitter, _group_ids
from tests.routing.plan.conftest import costed_arcs, one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


def test_arc_costs_are_their_orders_means(two_lanes: Network) -> None:
    """The model's cost of an arc is the mean of its commodity's own costs on it."""
    frame = one_kilo_orders(40)
    frame["weight_kg"] = [f"{0.5 + i % 7:.3f}" for i in range(40)]
    table, _ = validate_orders(frame, two_lanes)
    r = plan_orders(table, two_lanes, PARAMS)
    total = np.bincount(r.pairs.arc, r.pairs.cost, len(r.arcs))
    count = np.bincount(r.pairs.arc, minlength=len(r.arcs))
    assert np.allclose(total / count, r.arcs.cost)


@pytest.fixture(scope="module")
def light_and_heavy(two_lanes: Network):
    """0.5 kg and 2 kg, both to be delivered by 6 December: one coarse commodity. Rail
    (P90 7 December, a day late: 150) costs the light one 50 + 100 + 150 = 300 and the
    heavy one 200 + 100 + 150 = 450; air 150 + 100 = 250 and 600 + 100 = 700 (duties
    alike on both). The light order prefers air, the heavy one rail."""
    frame = one_kilo_orders(2, deliver_by="2026-12-06")
    frame["weight_kg"] = ["0.5", "2"]
    s, arcs, _, costs = costed_arcs(two_lanes, frame)
    rail = {
        a: s.routes.services(two_lanes.compiled, r)[0].id == "lanes-rail"
        for a, r in enumerate(arcs.route.tolist())
    }
    return s, arcs, costs, rail


def test_each_order_ranks_its_arcs_by_its_own_cost(light_and_heavy) -> None:
    """preferences(2): the light order's first arc is air and second rail; the heavy
    order's the other way round."""
    s, arcs, costs, rail = light_and_heavy
    assert len(s.com) == 1 and len(arcs) == 2
    first, second = Splitter(s.table, s.com, arcs, costs).preferences(2)
    assert [rail[a] for a in first.tolist()] == [False, True]
    assert [rail[a] for a in second.tolist()] == [True, False]


def test_orders_that_disagree_become_two_commodities(light_and_heavy) -> None:
    """Split by their cheapest arc: two commodities of one order each, whose arcs cost
    exactly that order's own costs (net of its duty: 300/250 and 450/700); each order's
    candidates are its own commodity's arcs, cheapest first."""
    s, arcs, costs, rail = light_and_heavy
    splitter = Splitter(s.table, s.com, arcs, costs)
    fine, split, pairs, parent = splitter.split(splitter.preferences(1))
    assert len(fine) == 2 and fine.count.tolist() == [1, 1]
    duty = split.duty
    net = {
        (int(split.commodity[a]), rail[int(parent[a])]): split.cost[a] - duty[a]
        for a in range(len(split))
    }
    light, heavy = fine.of_order.tolist()
    assert net == pytest.approx(
        {(light, True): 300.0, (light, False): 250.0, (heavy, True): 450.0, (heavy, False): 700.0}
    )
    for o in (0, 1):
        own = pairs.arc[pairs.of(o).start : pairs.of(o).stop]
        assert (split.commodity[own] == fine.of_order[o]).all()
        assert np.all(np.diff(pairs.cost[pairs.of(o).start : pairs.of(o).stop]) >= 0)


def test_without_keys_the_commodity_stays_whole_at_its_means(light_and_heavy) -> None:
    """No split: one commodity whose rail arc costs (300 + 450) / 2 and air arc
    (250 + 700) / 2, net of duties."""
    s, arcs, costs, rail = light_and_heavy
    fine, split, _, parent = Splitter(s.table, s.com, arcs, costs).split([])
    assert len(fine) == 1 and fine.count.tolist() == [2]
    assert fine.kg.tolist() == [1.25]
    by_lane = {rail[int(parent[a])]: split.cost[a] - split.duty[a] for a in range(len(split))}
    assert by_lane == pytest.approx({True: 375.0, False: 475.0})


def test_each_order_pays_its_own_late_rate(two_lanes: Network) -> None:
    """The light order (deliver by 6 December) pays 600 a day late, the heavy one
    (1 December) nothing: on rail (P90 7 December) the light one costs 150 + 600 = 750,
    the heavy one 300 + 0, net of duty. Unsplit, the rail arc costs their mean, 525; the
    mean rate times the mean days late would say 150/300 + 300 x 3.5 = 1275."""
    frame = one_kilo_orders(2)
    frame["weight_kg"] = ["0.5", "2"]
    frame["deliver_by"] = ["2026-12-06", "2026-12-01"]
    s, arcs, _, flat = costed_arcs(two_lanes, frame)
    late = LateCost(np.zeros(2), np.array([600.0, 0.0]))
    costs = OrderCosts(s.table, s.lanes, s.routes, arcs, flat.duties, late, 50_000.0)
    rail = {
        a: s.routes.services(two_lanes.compiled, r)[0].id == "lanes-rail"
        for a, r in enumerate(arcs.route.tolist())
    }
    _, split, pairs, parent = Splitter(s.table, s.com, arcs, costs).split([])
    by_lane = {rail[int(parent[a])]: split.cost[a] - split.duty[a] for a in range(len(split))}
    assert by_lane == pytest.approx({True: 525.0, False: 475.0})
    assert split.late_days[[rail[int(p)] for p in parent]].tolist() == [3.5]
    own = {rail[int(parent[pairs.arc[i]])]: pairs.cost[i] for i in pairs.of(0)}
    assert own[True] - own[False] == pytest.approx((750.0 + 605.0) - (250.0 + 626.0))


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(-1, 6), st.integers(-1, 10**6)),
        min_size=1,
        max_size=60,
    )
)
def test_group_ids_rank_the_key_tuples_in_order(rows: list[tuple[int, int, int]]) -> None:
    """Orders with equal keys share an id, and ids follow the keys' lexicographic order
    (a split's commodities are numbered as the sorted tuples would be)."""
    keys = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)]
    ranks = {t: i for i, t in enumerate(sorted(set(rows)))}
    assert _group_ids(keys).tolist() == [ranks[t] for t in rows]
