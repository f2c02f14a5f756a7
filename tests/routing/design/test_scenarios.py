"""Demand scenarios: drawn in turn from the three kinds, deterministic per seed; scaling,
fixing and closing change exactly what they say."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from routing.design.problem import Commodities, DesignProblem
from routing.design.run import SeasonDesign
from routing.design.scenarios import KINDS, closing, draw_scenarios, scaled, with_units
from routing.design.solve import solve_design
from tests.routing.design.conftest import columns, rows

WEEK = 20_000  # a Monday's day number


def test_the_kinds_come_in_turn_and_a_seed_repeats_them() -> None:
    week = np.repeat([WEEK, WEEK + 7, WEEK + 14], 4)
    rows = {"a": np.array([0, 1]), "b": np.array([2])}
    row_week = np.array([WEEK, WEEK + 7, WEEK + 14])
    first = draw_scenarios(6, week, WEEK + 7, rows, row_week, seed=3)
    again = draw_scenarios(6, week, WEEK + 7, rows, row_week, seed=3)
    assert [s.name for s in first] == [s.name for s in again]
    assert all(np.array_equal(a.factor, b.factor) for a, b in zip(first, again, strict=True))
    demand, surge, closed = first[:3]
    assert KINDS == ("demand", "late surge", "lane closed")
    assert ((demand.factor >= 0.8) & (demand.factor <= 1.2)).all()
    assert len(np.unique(demand.factor)) <= 3  # one factor a week
    after = week == WEEK + 14  # the week after the peak alone, by a factor within 1.3-1.7
    assert (surge.factor[~after] == 1.0).all() and len(np.unique(surge.factor[after])) == 1
    assert 1.3 <= surge.factor[after][0] <= 1.7 and surge.name.startswith("11.11 surge")
    assert len(closed.closed) == 1 and closed.factor.tolist() == [1.0] * 12


def test_scaling_fixing_and_closing(tiny_season: SeasonDesign) -> None:
    p = tiny_season.design.problem
    n = len(p.commodities)
    factor = np.linspace(0.5, 1.5, n)
    big = scaled(p, factor)
    assert np.allclose(big.commodities.kg, p.commodities.kg * factor)
    assert np.allclose(big.columns.cost, p.columns.cost * factor[p.columns.commodity])
    fixed = with_units(p, np.array([0, 1]), np.array([2, 0]))
    assert fixed.capacity.min_units[:2].tolist() == [2, 0] == fixed.capacity.max_units[:2].tolist()
    shut = closing(p, np.array([2]))
    assert shut.capacity.max_units[2] == 0 and np.isinf(shut.capacity.spot_rate[2])
    assert np.array_equal(shut.capacity.max_units[3:], p.capacity.max_units[3:])


def test_a_closed_departure_of_a_weekly_commitment_can_be_replayed() -> None:
    """Two departures booked together (one weekly commitment) at one unit (100 kg, cost
    10) each. Closing the first for a week leaves the second's unit: both commodities of
    80 kg go there (freight 7 and 5), 100 kg in the unit and 60 at spot (1.00 a kg):
    7 + 5 + 10 + 60 = 82."""
    cap = rows([100.0, 100.0], [10.0, 10.0], [1.0, 1.0])
    cap = replace(cap, commitment=np.array([0, 0]))
    com = Commodities(kg=np.array([80.0, 80.0]), m3=np.zeros(2), unserved=np.full(2, np.inf))
    problem = DesignProblem(cap, com, columns([(0, 5.0, [0]), (0, 7.0, [1]), (1, 5.0, [1])]))
    booked = with_units(problem, np.array([0, 1]), np.array([1, 1]))
    shut = closing(booked, np.array([0]))
    replay = solve_design(shut, time_limit_s=10, method="dive")
    assert replay.units.tolist() == [0, 1]
    assert replay.value == pytest.approx(82.0)
