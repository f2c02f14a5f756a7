"""routing/design/problem.py: the sizes and a column's rows."""

from __future__ import annotations

from tests.routing.design.conftest import three_lanes


def test_sizes_and_the_rows_a_column_takes() -> None:
    p = three_lanes()
    assert (len(p.capacity), len(p.commodities), len(p.columns)) == (3, 1, 2)
    assert p.columns.rows_of(0).tolist() == [0] and p.columns.rows_of(1).tolist() == [1, 2]
