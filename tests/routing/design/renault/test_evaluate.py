"""The authors' objective on the tiny instance, worked out on paper.

Points: suppliers 101 and 102, platform 201 (2.00 per m3 handled), pol 301, plant 901.
Vehicles hold 10 m3 (1000 hundredths). Weeks: 1 = 2025-03-24, 2 = 2025-03-31 (T = 2).
Orders: 101 week 2, one unit of 4 m3 (lead-time cost 0.01 per km); 101 week 1, one unit of
2.5 m3; 102 week 2, two units of 3 m3 (maximum lead time 1 week).

Paths 101 -> 201 -> 901 and 102 -> 201 -> 901 (0 weeks to the platform, 1 week on):
- 101 -> 201, linear (20 per full vehicle, carbon 10): 6.5 m3 x 2 = 13.00, carbon 6.50,
  lead time 10 km x 0.01 = 0.10;
- 102 -> 201, 30 a vehicle, week 1: 3 + 3 m3, one vehicle = 30.00;
- 201 -> 901, 50 a vehicle: week 1 carries 4 + 3 + 3 = 10 m3, exactly one vehicle by FFD;
  week 2 (101's week-1 order leaves in week 0, wrapped to 2) one vehicle: 100.00; lead time
  100 km x 0.01 = 1.00;
- handling at 201: 12.5 m3 x 2.00 = 25.00.
Total 175.60.
"""

import pytest

from routing.design.renault.evaluate import evaluate, first_fit_decreasing, path_problems
from routing.design.renault.instance import Instance

VIA_PLATFORM = {0: ("101", "201", "901"), 1: ("102", "201", "901")}


def test_the_instance_reads_as_the_authors_read_it(tiny: Instance) -> None:
    """Duplicate legs keep the first, sizes are hundredths, orders group by week."""
    assert tiny.legs[("101", "901")].shipment_cost == 100.0
    assert tiny.horizon == 2
    assert [(b.supplier, [(o.week, o.sizes) for o in b.orders]) for b in tiny.bundles] == [
        ("101", [(1, (250,)), (2, (400,))]),
        ("102", [(2, (300, 300))]),
    ]


def test_the_cost_of_both_bundles_through_the_platform_is_worked_out_by_hand(
    tiny: Instance,
) -> None:
    """Every part of the objective, as the module docstring adds it up."""
    found = evaluate(tiny, VIA_PLATFORM)
    assert found.feasible
    assert found.parts == pytest.approx(
        {"linear": 13.0, "carbon": 6.5, "lead_time": 1.1, "handling": 25.0, "vehicles": 130.0}
    )
    assert found.cost == pytest.approx(175.6)
    assert found.vehicles[("201", "901", 1)] == [1000]
    assert found.vehicles[("201", "901", 2)] == [250]


def test_the_direct_leg_pays_a_vehicle_each_week(tiny: Instance) -> None:
    """101 direct: two vehicles of 100 and 100 km x 0.01 of lead time, plus 102's 175.60
    share: 102 -> 201 (30) + 201 -> 901 week 1 (50) + handling 6 m3 x 2 (12) = 92."""
    found = evaluate(tiny, {0: ("101", "901"), 1: VIA_PLATFORM[1]})
    assert found.cost == pytest.approx(201.0 + 92.0)


def test_a_path_longer_than_the_lead_time_is_infeasible(tiny: Instance) -> None:
    """102 via the pol takes 2 weeks; its order may take 1."""
    problems = path_problems(tiny, 1, ("102", "301", "901"))
    assert problems and "exceed the maximum lead time" in problems[0]
    assert not evaluate(tiny, {0: VIA_PLATFORM[0], 1: ("102", "301", "901")}).feasible


def test_paths_that_are_not_paths_of_the_bundle_are_named(tiny: Instance) -> None:
    assert "no leg" in path_problems(tiny, 0, ("101", "301", "901"))[0]
    assert "twice" in path_problems(tiny, 0, ("101", "201", "101", "901"))[0]
    assert "from its supplier" in path_problems(tiny, 0, ("102", "201", "901"))[0]
    assert not evaluate(tiny, {0: VIA_PLATFORM[0]}).feasible


def test_first_fit_decreasing_fills_a_vehicle_exactly_and_opens_the_next() -> None:
    assert first_fit_decreasing([300, 400, 300], 1000) == [1000]
    assert first_fit_decreasing([600, 500, 400, 300, 200], 1000) == [1000, 1000]
    assert first_fit_decreasing([501, 501, 501], 1000) == [501, 501, 501]
