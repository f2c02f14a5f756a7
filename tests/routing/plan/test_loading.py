"""routing/plan/loading.py: the assignment being repaired keeps its loads, says what fits
and how many units the loads need, and why an order stays unplanned (hand-checked)."""

from __future__ import annotations

import numpy as np

from routing.plan.assign import NO_CAPACITY, NO_ROUTE, UNECONOMIC
from routing.plan.loading import Loading, entries, reasons
from tests.routing.plan.conftest import array_arcs, array_orders, array_rows
from tests.routing.plan.test_disaggregate import candidates

# Row 0: 30 kg booked in 10 kg units; row 1: 5 kg booked, no unit. Arc 0 rides row 0,
# arc 1 rides rows 0 and 1, arc 2 rides nothing.
ROWS = array_rows([30.0, 5.0], unit_kg=[10.0, 0.0], unit_cost=[50.0, 0.0])
ARCS = array_arcs([[0, -1], [0, 1], [-1, -1]], [1.0, 2.0, 3.0])


def test_loads_follow_the_orders_as_they_move() -> None:
    """Orders of 4, 8 and 3 kg on arcs 0, 1 and unplanned: row 0 holds 12 kg (two
    units), row 1 holds 8 kg. Moving the 8 kg order to arc 2 and the 3 kg one to arc 0
    leaves row 0 with 7 kg (one unit) and row 1 empty; an arc's rows are read at the
    first move onto or off it, and no others."""
    state = Loading(array_orders([4.0, 8.0, 3.0]), ARCS, ROWS, np.array([0, 1, -1]))
    assert state.rows_of.made == {}
    assert state.kg[:-1].tolist() == [12.0, 8.0] and state.needed().tolist() == [2, 0]
    state.move(1, 2)
    assert state.rows_of.made == {1: (0, 1), 2: ()}
    state.move(2, 0)
    assert state.arc.tolist() == [0, 2, 0]
    assert state.kg[:-1].tolist() == [7.0, 0.0] and state.needed().tolist() == [1, 0]


def test_what_fits_counts_every_row_of_the_arc_and_the_open_units() -> None:
    """With 12 kg on row 0 and none on row 1: a 5 kg order fits arc 1 in the booked
    capacity and in two open units (17 of 20 kg), not in one (10 kg); a 6 kg order never
    fits arc 1 (row 1 books 5 kg), and arc 2, which rides no row, takes it."""
    state = Loading(array_orders([4.0, 8.0, 5.0, 6.0]), ARCS, ROWS, np.array([0, 0, -1, -1]))
    booked = state.limits(None)
    two, one = state.limits(np.array([2.0, 0.0])), state.limits(np.array([1.0, 0.0]))
    orders, arc1 = np.array([2, 3]), np.array([1, 1])
    assert state.fits(orders, arc1, booked).tolist() == [True, False]
    assert state.fits(orders, arc1, two).tolist() == [True, False]
    assert state.fits(orders, arc1, one).tolist() == [False, False]
    assert state.fits(np.array([3]), np.array([2]), one).tolist() == [True]  # no row


def test_entries_list_each_orders_candidates_beside_its_place() -> None:
    pairs = candidates([{0: 1.0, 2: 3.0}, {2: 5.0}, {0: 2.0, 1: 4.0, 2: 9.0}])
    idx, pos = entries(pairs, np.array([2, 0]))
    assert pairs.arc[idx].tolist() == [0, 1, 2, 0, 2]
    assert pos.tolist() == [0, 0, 0, 1, 1]


def test_an_unplanned_order_says_why() -> None:
    """Row 1 is full (5 kg on arc 1): an order with no candidate has no route, one whose
    only arc is arc 1 finds no capacity, and one that fits arc 2 was not worth it."""
    orders = array_orders([5.0, 1.0, 1.0, 1.0])
    state = Loading(orders, ARCS, ROWS, np.array([1, -1, -1, -1]))
    pairs = candidates([{1: 1.0}, {}, {1: 2.0}, {2: 900.0}])
    assert reasons(state, pairs).tolist() == ["", NO_ROUTE, NO_CAPACITY, UNECONOMIC]
