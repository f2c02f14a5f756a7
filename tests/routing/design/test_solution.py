"""routing/design/solution.py: gaps and statuses."""

from __future__ import annotations

import math

from routing.design.solution import gap_of


def test_the_gap_is_relative_to_the_value_and_nan_without_a_bound() -> None:
    assert gap_of(100.0, 90.0) == 0.1
    assert gap_of(0.0, 0.0) == 0.0
    assert math.isnan(gap_of(100.0, math.nan))
