"""routing/plan/cells.py: an orders table's columns parsed one by one, every bad cell kept
with its message, problems listed by row and then by column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from routing.plan.cells import Checks, created, flags, offset_minutes
from routing.plan.table import COLUMNS


def _text(*cells: str) -> np.ndarray:
    return np.array(cells, dtype=object)


def test_flags_read_true_and_false_in_their_spellings() -> None:
    """1/0, yes/no, y/n, t/f in any case, and empty for false; anything else is a bad
    cell naming its column."""
    checks = Checks(7, ["seller_ioss_registered"])
    got = flags(_text("TRUE", "yes", "1", "", "No", "f", "maybe"), "seller_ioss_registered", checks)
    assert got.tolist() == [True, True, True, False, False, False, False]
    assert checks.problems() == [
        (6, "seller_ioss_registered", "must be true or false, got 'maybe'")
    ]


def test_created_at_gives_utc_minutes_and_the_offset_written() -> None:
    """09:00 at +08:00 is 01:00 UTC, offset 480; Z and -02:30 are 0 and -150; a time
    without an offset is a bad cell (offset 0)."""
    checks = Checks(4, COLUMNS)
    minutes, offset = created(
        _text(
            "2026-11-09T09:00:00+08:00",
            "2026-11-09T01:00:00Z",
            "2026-11-08T22:30:00-02:30",
            "2026-11-09T09:00:00",
        ),
        checks,
        None,
    )
    assert minutes[:3].tolist() == [minutes[0]] * 3
    assert offset.tolist() == [480, 0, -150, 0]
    assert [(r, f) for r, f, _ in checks.problems()] == [(3, "created_at")]


def test_problems_come_by_row_then_by_the_columns_order() -> None:
    checks = Checks(3, ["a", "b"])
    checks.fail(np.array([False, True, True]), "b", "bad b")
    checks.fail(np.array([False, True, False]), "a", ["bad a"])
    assert checks.problems() == [(1, "a", "bad a"), (1, "b", "bad b"), (2, "b", "bad b")]
    assert checks.bad_rows().tolist() == [1, 2]


def test_offsets_are_read_with_or_without_a_colon() -> None:
    series = pd.Series(["2026-01-01T00:00:00+0530", "2026-01-01T00:00:00-08:00", "x"])
    assert offset_minutes(series).tolist() == [330, -480, 0]
