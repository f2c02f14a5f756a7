"""routing/design/season.py: the 11.11 weeks are peak, the weeks of the Chinese New Year
profile cny, from the default world's calendar."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from routing.calendar import day_number, load_closures
from routing.design.season import cny_spans, holds_surge, is_peak_week, seasons


def weeks(*mondays: date) -> np.ndarray:
    return np.array([day_number(d) for d in mondays], dtype=np.int64)


def test_the_11_11_week_is_peak_and_its_neighbours_are_not() -> None:
    found = seasons(weeks(date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)))
    assert found.tolist() == ["normal", "peak", "normal"]


def test_a_surge_split_over_two_weeks_makes_both_peak_but_neither_holds_it() -> None:
    """In 2029, 10-11 November are a weekend and 12 November a Monday."""
    first, second = date(2029, 11, 5), date(2029, 11, 12)
    assert is_peak_week(first) and is_peak_week(second)
    assert not holds_surge(first) and not holds_surge(second)
    assert holds_surge(date(2026, 11, 9))


def test_the_weeks_around_the_2027_spring_festival_closure_are_cny() -> None:
    """The closure runs 2 to 16 February 2027: the rush from 26 January (week of 25
    January) to the week after, from 22 February; 18 January and 1 March are normal."""
    mondays = [date(2027, 1, 18) + timedelta(weeks=i) for i in range(7)]
    assert seasons(weeks(*mondays)).tolist() == ["normal", *["cny"] * 5, "normal"]


def test_cny_spans_are_whole_weeks_from_a_monday() -> None:
    for span in cny_spans(load_closures()):
        assert span.first.weekday() == 0 and len(span.weight) % 7 == 0
