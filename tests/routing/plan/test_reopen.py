"""routing/plan/reopen.py: a unit opened where the orders it draws pay for it, counting
the unplanned orders that take the room they leave; never a dearer plan, never past a
booked kg."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan.assign import Assignment, loads
from routing.plan.reopen import open_units
from tests.routing.plan.conftest import array_arcs, array_orders, array_rows
from tests.routing.plan.test_disaggregate import _objective, candidates, cost_of

PENALTY = 500.0
TODAY, TOMORROW, ROAD = 0, 1, 2  # arcs: today's flight (row 0), tomorrow's (row 1), no row


def _two_flights(unit_cost: float):
    """Today's flight: one 10 kg unit, open, full with four 1 kg parcels (60 each) and two
    3 kg ones (100 each, today only); a third 3 kg parcel is left unplanned (500).
    Tomorrow's flight: one 4 kg unit of `unit_cost`, closed; the 1 kg parcels cost 50
    there."""
    orders = array_orders([1.0] * 4 + [3.0] * 3)
    arcs = array_arcs([[0, -1], [1, -1], [-1, -1]], [60.0, 50.0, 900.0])
    rows = array_rows(
        [10.0, 4.0], unit_kg=[10.0, 4.0], unit_m3=[0.0, 0.0], unit_cost=[1000.0, unit_cost]
    )
    pairs = candidates([{TODAY: 60.0, TOMORROW: 50.0}] * 4 + [{TODAY: 100.0}] * 3)
    start = Assignment(np.array([TODAY] * 6 + [-1]), np.array([""] * 7, dtype=object))
    return orders, arcs, rows, pairs, start


def test_a_unit_opens_when_its_parcels_and_the_room_they_leave_pay_for_it() -> None:
    """Opening tomorrow's unit (300) moves the four light parcels (10 less each) and lets
    the third heavy one in today (400 less than its penalty): the plan costs 140 less."""
    orders, arcs, rows, pairs, start = _two_flights(300.0)
    plan, opened = open_units(orders, arcs, rows, start, pairs, cost_of(pairs), PENALTY)
    assert opened == 1
    assert plan.arc.tolist() == [TOMORROW] * 4 + [TODAY] * 3
    before = _objective(orders, arcs, rows, start, pairs)
    assert _objective(orders, arcs, rows, plan, pairs) == before - 140.0


def test_a_unit_that_would_cost_more_than_it_saves_stays_closed() -> None:
    """At 450 the unit costs more than the 440 it could save: the plan is unchanged."""
    orders, arcs, rows, pairs, start = _two_flights(450.0)
    plan, opened = open_units(orders, arcs, rows, start, pairs, cost_of(pairs), PENALTY)
    assert opened == 0 and plan.arc.tolist() == start.arc.tolist()


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.floats(0.1, 5.0),
            st.floats(10.0, 300.0),
            st.floats(10.0, 300.0),
            st.sampled_from([TODAY, TOMORROW, ROAD, -1]),
        ),
        min_size=1,
        max_size=10,
    ),
    unit_cost=st.floats(0.0, 2000.0),
    cap=st.floats(1.0, 20.0),
)
def test_opening_units_never_costs_more_nor_overloads_a_flight(
    items: list[tuple[float, float, float, int]], unit_cost: float, cap: float
) -> None:
    """Any parcels, own costs, start plan (dropped where it does not fit) and unit price:
    the plan after `open_units` costs no more and loads no flight past its booked kg."""
    kg, today, tomorrow, start = (list(x) for x in zip(*items, strict=True))
    orders = array_orders(kg)
    arcs = array_arcs([[0, -1], [1, -1], [-1, -1]], [100.0, 100.0, 700.0])
    rows = array_rows([cap, cap], unit_kg=[4.0, 4.0], unit_m3=[0.0, 0.0], unit_cost=[unit_cost] * 2)
    own = [{TODAY: a, TOMORROW: b, ROAD: 700.0} for a, b in zip(today, tomorrow, strict=True)]
    pairs = candidates(own)
    arc = np.array(start)
    for row in (0, 1):  # a start within the booked kg: the latest parcels dropped
        on = np.flatnonzero(arc == row)
        arc[on[np.cumsum(np.array(kg)[on]) > cap]] = -1
    plan = Assignment(arc, np.array([""] * len(arc), dtype=object))
    after, _ = open_units(orders, arcs, rows, plan, pairs, cost_of(pairs), PENALTY)
    load, _ = loads(orders, arcs, 2, np.flatnonzero(after.arc >= 0), after.arc[after.arc >= 0])
    assert (load <= cap + 1e-6).all()
    assert (
        _objective(orders, arcs, rows, after, pairs)
        <= _objective(orders, arcs, rows, plan, pairs) + 1e-6
    )
