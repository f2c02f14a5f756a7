"""Bid prices averaged over perturbed re-solves: on a degenerate LP, whose capacity
dual is any value between the saving of one more kg (0) and the loss of one kg less
(penalty - cost), the published price lies strictly between those extremes."""

import numpy as np
import pytest

from routing.plan.bidprices import averaged_prices
from routing.plan.blocks import solve_relaxation
from routing.plan.model import BlockData


def degenerate_block() -> BlockData:
    """Ten orders of 1 kg, one departure of exactly 10 kg at 100 an order; unplanned
    costs 500. Capacity equals demand: the kg dual is any value in [0, 400]."""
    return BlockData(
        commodities=np.array([0]),
        rows=np.array([0]),
        arcs=np.array([0]),
        demand=np.array([10]),
        arc_commodity=np.array([0]),
        arc_cost=np.array([100.0]),
        arc_kg=np.array([1.0]),
        arc_m3=np.array([0.001]),
        arc_rows=np.array([[0, -1]]),
        cap_kg=np.array([10.0]),
        cap_m3=np.array([100.0]),
        unit_kg=np.array([0.0]),
        unit_m3=np.array([0.0]),
        unit_cost=np.array([0.0]),
        unit_limit=np.array([0.0]),
        unplanned_penalty=500.0,
    )


def test_one_solve_gives_an_extreme_dual() -> None:
    price = float(solve_relaxation(degenerate_block()).price_kg[0])
    assert price == pytest.approx(0.0, abs=1e-6) or price == pytest.approx(400.0)


def test_the_published_price_is_the_mean_over_antithetic_re_solves() -> None:
    found = averaged_prices([degenerate_block()], 1, draws=4, spread=0.05, seed=7)
    # each pair: capacity 10(1+e) leaves room (dual 0), 10(1-e) turns orders away (400)
    assert found.kg_low[0] == pytest.approx(0.0, abs=1e-6)
    assert found.kg_high[0] == pytest.approx(400.0)
    assert found.kg[0] == pytest.approx(200.0)
    assert found.m3[0] == pytest.approx(0.0, abs=1e-6)
    assert "4 re-solves" in found.method and "seed 7" in found.method


def test_a_price_that_is_not_degenerate_stays_what_it_is() -> None:
    tight = degenerate_block()
    from dataclasses import replace

    tight = replace(tight, cap_kg=np.array([6.0]))  # 4 orders turned away at any draw
    found = averaged_prices([tight], 1)
    assert found.kg[0] == pytest.approx(400.0)
    assert found.kg_low[0] == pytest.approx(found.kg_high[0])


def test_draws_must_come_in_pairs() -> None:
    with pytest.raises(ValueError, match="even"):
        averaged_prices([degenerate_block()], 1, draws=3)
