"""The engine on the tiny instance as a design problem (routing/design/renault/engine.py):
its LP bound worked out by hand.

Orders (commodities): A = 101 week 1 (2.5 m3), B = 101 week 2 (4 m3, lead-time cost 0.01
per km), C = 102 week 2 (6 m3, at most 1 week). Vehicles hold 10 m3.

- C has one path within its week, 102 -> 201 -> 901: 102 -> 201 leaves in week 1 (30 a
  vehicle), 201 -> 901 in week 1 (50), handling 6 x 2 = 12. The strong linking rows book
  a vehicle on each for C's whole share: 30 + 50 + 12 = 92.
- B via the platform: 4 m3 x 5 per m3 on 101 -> 201 (linear 2, carbon 1, handling 2) =
  20, lead time 10 + 100 km x 0.01 = 1.10, and 201 -> 901 week 1 now holds 6 + 4 = 10 m3,
  still the one vehicle: 21.10. Direct, 101 -> 901 week 1: a vehicle of 100 + 1.00.
- A via the platform: 2.5 x 5 = 12.50 plus, by its linking row, a whole vehicle on
  201 -> 901 week 2 (week 0 wrapped) for its share: 62.50; direct: 100. A split pays
  the same per share, so A takes the platform.

LP = 92 + 21.10 + 62.50 = 175.60: the bound equals the optimum worked out in
test_evaluate.py, so the engine proves that solution optimal.
"""

import numpy as np
import pytest

from routing.design.duals import Duals
from routing.design.problem import Columns
from routing.design.renault.design import RenaultDesign, design_problem
from routing.design.renault.engine import (
    Bound,
    bundle_paths,
    fluid_cost,
    lp_bound,
    lp_routing,
    units_feasible,
)
from routing.design.renault.evaluate import evaluate
from routing.design.renault.instance import Instance
from routing.design.solve import solve_design


def test_the_lp_bound_is_worked_out_by_hand(tiny: Instance) -> None:
    design = design_problem(tiny)
    bound = lp_bound(design, 30.0)
    assert bound.converged
    assert bound.value == pytest.approx(175.6)
    assert bound.value <= evaluate(tiny, bundle_paths(design, *_routing(design, bound))).cost


def _routing(design: RenaultDesign, bound: Bound) -> tuple[Columns, np.ndarray]:
    assert bound.relaxation is not None
    return lp_routing(design, bound.relaxation)


def test_the_engine_s_design_is_the_optimum_as_one_path_per_bundle(tiny: Instance) -> None:
    design = design_problem(tiny)
    solved = solve_design(design.problem, 30.0, design.pricer)
    assert solved.bound == pytest.approx(175.6) and solved.value == pytest.approx(175.6)
    paths = bundle_paths(design, solved.columns, solved.share)
    assert paths == {0: ("101", "201", "901"), 1: ("102", "201", "901")}
    assert evaluate(tiny, paths).cost == pytest.approx(175.6)


def test_the_design_charges_a_solution_no_more_than_the_instance(tiny: Instance) -> None:
    """Whole vehicles by volume (no bin packing) cost at most what FFD opens."""
    for paths in (
        {0: ("101", "201", "901"), 1: ("102", "201", "901")},
        {0: ("101", "901"), 1: ("102", "201", "901")},
    ):
        assert fluid_cost(tiny, paths) <= evaluate(tiny, paths).cost + 1e-9


def test_prices_above_a_unit_s_cost_are_scaled_down_to_it(tiny: Instance) -> None:
    """The Lagrangian bound needs no unit priced above its fixed cost: 201 -> 901 week 1
    (50 a vehicle of 10 m3) priced at 6 per m3 plus a link price of 40 (100 in all) has
    both halved; a row priced within its cost keeps its prices."""
    design = design_problem(tiny)
    cap = design.problem.capacity
    r = cap.name.index("201->901@1")
    price = np.zeros(len(cap))
    price[r], price[0] = 6.0, 1.0
    duals = Duals(
        np.zeros(3), np.zeros(len(cap)), price, np.array([2]), np.array([r]), np.array([40.0])
    )
    scaled = units_feasible(design.problem, duals)
    assert scaled.price_m3[r] == pytest.approx(3.0) and scaled.link_price[0] == pytest.approx(20.0)
    assert scaled.price_m3[0] == 1.0
