"""routing/coverage.py: the dates the data covers (data/coverage.toml) and the window
around now, each end saying what bounds it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from carriers.errors import InvalidRule
from routing.coverage import DateWindow, data_window, date_window


def test_the_data_window_is_the_intersection_of_the_tables() -> None:
    """fx runs 2024-01-02 .. 2027-06-30, calendars 2025-10-09 .. 2027-09-30, customs
    2023-08-01 .. 2028-06-30: together, the calendars' start and fx's end."""
    window = data_window()
    assert (window.first, window.last) == (date(2025, 10, 9), date(2027, 6, 30))
    assert window.since == "the first date of the calendar data"
    assert window.until == "the last date of the fx data"


def test_the_window_around_now_narrows_each_end_it_passes() -> None:
    window = date_window(datetime(2026, 12, 4, 23, tzinfo=UTC), back_days=30, ahead_days=3650)
    assert (window.first, window.since) == (date(2026, 11, 4), "30 days before today")
    assert (window.last, window.until) == (date(2027, 6, 30), "the last date of the fx data")


def test_a_window_holds_both_its_ends_and_names_them_when_missed() -> None:
    window = DateWindow(date(2026, 1, 1), date(2026, 12, 31), "a", "b")
    assert window.problem(date(2026, 1, 1)) is None and window.problem(date(2026, 12, 31)) is None
    assert window.problem(date(2027, 1, 1)) == (
        "must be from 2026-01-01 (a) to 2026-12-31 (b), got 2027-01-01"
    )


def test_a_window_after_the_data_refuses_every_date() -> None:
    """A clone run long after its data ends refuses every date, saying which data ended."""
    window = date_window(datetime(2031, 1, 1, tzinfo=UTC))
    assert window.first > window.last
    assert "the last date of the fx data" in (window.problem(date(2031, 1, 1)) or "")


@pytest.mark.parametrize(
    "text",
    [
        "[fx]\nfirst = 2024-01-01\n",  # no last, no other tables
        "[fx]\nfirst = 2025-01-01\nlast = 2024-01-01\n[calendar]\nfirst = 2024-01-01\n"
        "last = 2025-01-01\n[customs]\nfirst = 2024-01-01\nlast = 2025-01-01\n",
        "[fx\n",
    ],
)
def test_a_broken_coverage_file_names_its_problems(tmp_path: Path, text: str) -> None:
    path = tmp_path / "coverage.toml"
    path.write_text(text)
    with pytest.raises(InvalidRule) as caught:
        data_window(path)
    assert caught.value.message.startswith("coverage.toml")
