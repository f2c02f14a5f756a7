"""The tiny instance as a design problem (routing/design/renault/design.py): its rows
and commodities, and a pricer as exact as brute force (the LP bound worked out by hand is
in test_engine.py)."""

import itertools

import numpy as np
import pytest

from routing.design.duals import Duals, reduced_costs
from routing.design.problem import Columns
from routing.design.renault.design import RenaultDesign, design_problem
from routing.design.renault.instance import Instance


def test_rows_are_legs_priced_per_vehicle_by_week_and_commodities_the_orders(
    tiny: Instance,
) -> None:
    design = design_problem(tiny)
    cap = design.problem.capacity
    assert len(cap) == 5 * 2  # five legs priced per vehicle (one duplicate dropped) x 2 weeks
    assert cap.fixed[cap.name.index("201->901@1")] == 50.0
    assert set(cap.unit_m3) == {10.0}
    assert design.problem.commodities.m3.tolist() == [2.5, 4.0, 6.0]
    assert np.all(np.isinf(design.problem.commodities.unserved))


def all_paths(tiny: Instance, k: int) -> list[tuple[str, ...]]:
    """Brute force: every elementary path of order k's bundle within its lead time."""
    design = design_problem(tiny)
    order = design.orders[k]
    b = tiny.bundles[order.bundle]
    middle = [p for p in tiny.points if p not in (b.supplier, b.plant)]
    found = []
    for n in range(len(middle) + 1):
        for inner in itertools.permutations(middle, n):
            path = (b.supplier, *inner, b.plant)
            steps = list(itertools.pairwise(path))
            if all(s in tiny.legs for s in steps) and (
                sum(tiny.legs[s].weeks for s in steps) <= order.max_weeks
            ):
                found.append(path)
    return found


@pytest.mark.parametrize("seed", range(5))
def test_the_pricer_finds_each_order_s_cheapest_path_at_any_prices(
    tiny: Instance, seed: int
) -> None:
    """At random prices, the pricer's reduced cost for each order is the least over all
    its paths, enumerated by brute force and priced by the engine's `reduced_costs`."""
    design = design_problem(tiny)
    rng = np.random.default_rng(seed)
    rows = len(design.rows)
    duals = Duals(
        demand=np.full(3, 1e6),
        price_kg=np.zeros(rows),
        price_m3=rng.uniform(0, 20, rows),
        link_commodity=np.array([0, 1, 2]),
        link_row=rng.integers(0, rows, 3),
        link_price=rng.uniform(0, 50, 3),
    )
    found = design.pricer(duals)
    priced = reduced_costs(design.problem, duals, found)
    for k in range(3):
        brute = [_column(design, k, p) for p in all_paths(tiny, k)]
        best = min(reduced_costs(design.problem, duals, c)[0] for c in brute)
        assert priced[found.commodity == k].min() == pytest.approx(best)


def _column(design: RenaultDesign, k: int, path: tuple[str, ...]) -> Columns:
    """Order k's column for `path`, built from the instance's definition."""
    tiny, order = design.instance, design.orders[k]
    steps = list(itertools.pairwise(path))
    cost, rows = 0.0, list[int]()
    for i, s in enumerate(steps):
        leg = tiny.legs[s]
        left = sum(tiny.legs[x].weeks for x in steps[i:])
        week = order.week - left + (tiny.horizon if order.week - left < 1 else 0)
        if leg.is_linear:
            cost += leg.shipment_cost / leg.capacity * order.volume
        else:
            rows.append(design.problem.capacity.name.index(f"{s[0]}->{s[1]}@{week}"))
        cost += leg.carbon_cost / leg.capacity * order.volume
        cost += leg.distance_km * order.lead_time_cost
        cost += tiny.points[s[1]].cost_per_m3 / 100 * order.volume
    return Columns(np.array([k]), np.array([cost]), np.array([0, len(rows)]), np.array(rows))
