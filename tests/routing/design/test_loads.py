"""routing/design/loads.py: the units a row's load needs, by whole units or by packing
its pieces, a commitment group's least cost of units and spot, and the price of adding a
commodity, worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.design.loads import Loads, first_fit_decreasing
from routing.design.master import commitment_groups
from routing.design.problem import Commodities, DesignProblem, Pieces
from routing.design.renault.evaluate import first_fit_decreasing as packed_by_the_instance
from tests.routing.design.conftest import columns, rows, three_lanes


def test_ffd_puts_pieces_of_one_size_into_the_first_units_with_room() -> None:
    """Two 4s then three 3s into units of 10: 4 + 4 (room 2, no 3 fits), then 3 + 3 + 3."""
    assert sorted(first_fit_decreasing({4.0: 2, 3.0: 3}, 10.0).tolist()) == [8.0, 9.0]


@given(st.lists(st.integers(1, 1000), min_size=1, max_size=40))
def test_ffd_by_counts_opens_the_units_the_evaluator_s_ffd_opens(sizes: list[int]) -> None:
    """Packing by size counts is First-Fit Decreasing piece by piece (the instance's)."""
    count: dict[float, int] = {}
    for s in sizes:
        count[s / 100] = count.get(s / 100, 0) + 1
    ours = first_fit_decreasing(count, 10.0)
    theirs = packed_by_the_instance(sizes, 1000)
    assert sorted(np.rint(ours * 100).astype(int).tolist()) == sorted(theirs)


def test_spot_takes_what_a_second_unit_would_cost_more_for() -> None:
    """12,000 kg on lane 0 (10,000 kg a unit at 1,000, spot 0.20 per kg): one unit and
    2,000 kg at spot, 1,400, beat two units (2,000) and all spot (2,400)."""
    p = three_lanes()
    loads = Loads(p, commitment_groups(p))
    assert loads.added(np.array([0]), np.array([0])).tolist() == pytest.approx([1_400.0])
    loads.move(0, np.array([0]), 1)
    assert loads.total == pytest.approx(1_400.0)
    assert loads.units.tolist() == [1, 0, 0]
    assert loads.spot_kg().tolist() == pytest.approx([2_000.0, 0.0, 0.0])
    loads.move(0, np.array([0]), -1)
    assert loads.total == 0.0


def _three_sixes(pieces: bool) -> DesignProblem:
    """Three commodities of one 6 m3 piece each, one 10 m3 unit row at 100, no spot."""
    cap = replace(
        rows([0.0], [100.0], [np.inf], max_units=10), unit_m3=np.array([10.0]), unit_kg=np.zeros(1)
    )
    com = Commodities(kg=np.zeros(3), m3=np.full(3, 6.0), unserved=np.full(3, np.inf))
    cols = columns([(k, 0.0, [0]) for k in range(3)])
    shapes = Pieces(start=np.arange(4, dtype=np.int64), m3=np.full(3, 6.0)) if pieces else None
    return DesignProblem(cap, com, cols, pieces=shapes)


@pytest.mark.parametrize(("pieces", "units"), [(False, 2), (True, 3)])
def test_whole_pieces_need_more_units_than_their_m3(pieces: bool, units: int) -> None:
    """18 m3 fill two 10 m3 units when divisible; as three 6 m3 pieces, three."""
    p = _three_sixes(pieces)
    loads = Loads(p, commitment_groups(p))
    for k in range(3):
        loads.move(k, np.array([0]), 1)
    assert loads.units.tolist() == [units]
    assert loads.total == pytest.approx(100.0 * units)


def test_a_piece_no_unit_has_room_for_is_priced_a_unit() -> None:
    """One 6 m3 piece leaves 4 m3 of room: a second 6 m3 piece needs a unit (100), though
    12 m3 would round to two units either way; divisible, the same."""
    p = _three_sixes(True)
    loads = Loads(p, commitment_groups(p))
    loads.move(0, np.array([0]), 1)
    assert loads.added(np.array([1]), np.array([0])).tolist() == [100.0]


def test_a_commitment_books_what_its_fullest_row_needs() -> None:
    """Two rows of one group (a weekly commitment): 25 kg on one, 5 on the other, units
    of 10 kg at 30 each row (60 a group unit), no spot: 3 units, 180; adding 6 kg to the
    lighter row costs nothing, to the fuller one a unit (60)."""
    cap = replace(
        rows([10.0, 10.0], [30.0, 30.0], [np.inf, np.inf], max_units=5),
        commitment=np.zeros(2, dtype=np.int64),
    )
    com = Commodities(kg=np.array([25.0, 5.0, 6.0]), m3=np.zeros(3), unserved=np.full(3, np.inf))
    p = DesignProblem(cap, com, columns([(0, 0.0, [0]), (1, 0.0, [1]), (2, 0.0, [0])]))
    loads = Loads(p, commitment_groups(p))
    loads.move(0, np.array([0]), 1)
    loads.move(1, np.array([1]), 1)
    assert loads.units.tolist() == [3] and loads.total == pytest.approx(180.0)
    assert loads.added(np.array([2, 2]), np.array([1, 0])).tolist() == [0.0, 60.0]
