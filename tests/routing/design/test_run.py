"""A season designed end to end: never dearer than booking nothing and sending all at
spot, deterministic, booking for a demand quantile books no less; and a booking replayed
over scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.design.forecast import Forecast
from routing.design.run import (
    SeasonDesign,
    demand_factor,
    design_season,
    evaluate_booking,
    solve_season,
)
from routing.design.scenarios import with_units
from routing.design.solve import route_over
from routing.network import Network


def test_the_design_is_never_dearer_than_booking_nothing(tiny_season: SeasonDesign) -> None:
    p = tiny_season.design.problem
    nothing = route_over(p, np.asarray(p.capacity.min_units))
    assert tiny_season.solution.value <= nothing.value + 1e-6


def test_the_same_forecast_gives_the_same_design(
    tiny: Forecast, default_world: Network, tiny_season: SeasonDesign
) -> None:
    again = design_season(tiny, default_world, time_limit_s=30)
    assert np.array_equal(again.solution.units, tiny_season.solution.units)
    assert again.solution.value == tiny_season.solution.value


def test_a_season_built_then_solved_is_the_season_designed_at_once(
    tiny: Forecast, tiny_season: SeasonDesign
) -> None:
    """`solve_season` over the built design is `design_season`'s second half."""
    again = solve_season(tiny_season.design, tiny, time_limit_s=30)
    assert np.array_equal(again.solution.units, tiny_season.solution.units)
    assert again.summary == {**tiny_season.summary, "seconds": again.summary["seconds"]}


def test_a_higher_demand_quantile_books_no_less(
    tiny: Forecast, default_world: Network, tiny_season: SeasonDesign
) -> None:
    high = design_season(tiny, default_world, time_limit_s=30, demand_quantile=0.9)
    assert demand_factor(0.9) == pytest.approx(1.16)
    assert high.summary["booked"]["kg"] >= tiny_season.summary["booked"]["kg"]
    with pytest.raises(InvalidPlanInput, match="demand-quantile"):
        demand_factor(1.5)


def test_a_booking_replayed_costs_its_design_when_nothing_changes(
    tiny: Forecast, tiny_season: SeasonDesign
) -> None:
    d, s = tiny_season.design, tiny_season.solution
    table = evaluate_booking(d, s.units, tiny, scenarios=3, time_limit_s=30)
    kinds = [r["scenario"] for r in table["scenarios"]]
    assert kinds[0].startswith("demand")
    assert kinds[1].startswith("a surge of x1.")  # the week holds no 11.11
    assert " closed in the week of " in kinds[2]
    # a lane the booking uses, closed: no cheaper than the booking as designed
    assert table["scenarios"][2]["cost"] >= round(s.value / 100, 2) - 0.01
    fixed = with_units(d.problem, np.flatnonzero(d.booked), s.units[d.booked])
    again = route_over(fixed, s.units)
    assert again.value == pytest.approx(s.value, rel=1e-6)
