"""routing/promise/clock.py: durations counted in a calendar's working time, to the minute
(`advance`, `MinuteClock`) and on whole UTC hours (`HourClock`), across weekends, public
holidays and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidRule
from routing.calendar import (
    Closure,
    Closures,
    WorkCalendar,
    day_number,
    time_zone,
    utc_minutes,
)
from routing.promise.clock import HourClock, MinuteClock, advance, hour_clock, hour_flags

MADRID = time_zone("Europe/Madrid")
HUB = WorkCalendar("ES", "hub")  # Monday to Friday, not on Spanish public holidays
EVERY_DAY = WorkCalendar("ES", "hub", weekends=True)
START = utc_minutes(datetime(2026, 1, 1, tzinfo=UTC))
CALENDARS = [
    (HUB, "Europe/Madrid"),
    (EVERY_DAY, "Europe/Madrid"),
    (WorkCalendar("CN", "warehouse"), "Asia/Shanghai"),  # with make-up working weekends
    (WorkCalendar("BR", "customs"), "America/Sao_Paulo"),
    (WorkCalendar("US", "hub"), "America/New_York"),
]


def madrid(*args: int) -> int:
    """UTC minutes of a wall-clock time in Madrid."""
    return utc_minutes(datetime(*args, tzinfo=ZoneInfo("Europe/Madrid")))


def after(calendar: WorkCalendar, t: int, work_min: int) -> int:
    return int(advance(calendar, MADRID, np.array([t]), work_min)[0])


def test_working_time_stops_over_the_weekend() -> None:
    """Friday 2026-03-06 20:00 + 8 working hours: 4 on Friday, the weekend skipped, 4 on
    Monday: Monday 03-09 04:00 (worked on paper)."""
    assert after(HUB, madrid(2026, 3, 6, 20), 8 * 60) == madrid(2026, 3, 9, 4)


def test_working_time_stops_on_a_public_holiday() -> None:
    """Thursday 2026-04-30 20:00 + 8 working hours skips Labour Day (Friday 05-01) and the
    weekend: Monday 05-04 04:00."""
    assert after(HUB, madrid(2026, 4, 30, 20), 8 * 60) == madrid(2026, 5, 4, 4)


def test_working_time_keeps_local_time_across_a_daylight_saving_weekend() -> None:
    """Friday 2026-03-27 20:00 CET (19:00 UTC) + 8 working hours ends Monday 03-30 04:00
    CEST (02:00 UTC): local wall-clock hours, whatever the offset did on Sunday; the hour
    clock says the same, and so does the minute clock."""
    friday, monday = madrid(2026, 3, 27, 20), madrid(2026, 3, 30, 4)
    assert after(HUB, friday, 8 * 60) == monday
    assert MinuteClock(HUB, MADRID).advance(friday, 8 * 60) == monday
    table = hour_clock(HUB, MADRID).cover(friday // 60, friday // 60, 8)
    assert table.done(friday // 60, 8) == monday // 60


def test_a_daylight_saving_day_has_23_or_25_hours() -> None:
    """On the hour grid, Sunday 2026-03-29 has 23 hours and Sunday 10-25 has 25: Friday to
    Monday are 95 and 97 hours, 48 of them working at a Monday-to-Friday hub."""
    for first, hours in ((date(2026, 3, 27), 95), (date(2026, 10, 23), 97)):
        start, flags = hour_flags(HUB, MADRID, day_number(first), 4)
        assert len(flags) == hours and flags.sum() == 48
        assert start * 60 == madrid(first.year, first.month, first.day, 1)  # (0:00, 1:00]
        assert flags[:24].all() and not flags[24:-24].any() and flags[-24:].all()


@settings(max_examples=80, deadline=None)
@given(
    which=st.integers(0, len(CALENDARS) - 1),
    minute=st.integers(0, 3 * 365 * 1440),
    work=st.lists(st.integers(1, 20 * 1440), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_one_instant_at_a_time_is_the_same_as_arrays(
    which: int, minute: int, work: list[int]
) -> None:
    """The minute clock gives the same instant as `advance`, for any calendar, zone, start
    and duration; more working time ends later."""
    calendar, name = CALENDARS[which]
    tz, t = time_zone(name), START + minute
    clock = MinuteClock(calendar, tz)
    ends = advance(calendar, tz, np.array([t, t]), np.array(work))
    assert [clock.advance(t, w) for w in work] == list(ends)
    assert t < ends[0] < ends[1]


@settings(max_examples=80, deadline=None)
@given(
    which=st.sampled_from([2, 3]),  # Shanghai and São Paulo: no daylight saving
    hour=st.integers(0, 3 * 365 * 24),
    work_hours=st.integers(1, 500),
)
def test_without_daylight_saving_the_hour_clock_is_the_minute_clock_on_whole_hours(
    which: int, hour: int, work_hours: int
) -> None:
    """Where local days are always 24 hours, `work_hours` working hours after the end of an
    hour end at the same instant on either clock."""
    calendar, name = CALENDARS[which]
    tz, h = time_zone(name), START // 60 + hour
    table = hour_clock(calendar, tz).cover(h, h, work_hours)
    minutes = advance(calendar, tz, np.array([h * 60]), work_hours * 60)
    assert table.done(h, work_hours) * 60 == minutes[0]


@settings(max_examples=60, deadline=None)
@given(
    which=st.integers(0, len(CALENDARS) - 1),
    hour=st.integers(0, 2 * 365 * 24),
    work_hours=st.integers(1, 200),
)
def test_latest_is_the_last_start_done_in_time(which: int, hour: int, work_hours: int) -> None:
    """For a deadline hour b, what is ready by `latest(b)` is done by b, and what is ready
    one hour later is not."""
    calendar, name = CALENDARS[which]
    b = START // 60 + 60 * 24 + hour
    table = hour_clock(calendar, time_zone(name)).cover(b - 60 * 24, b, work_hours)
    a = int(table.latest(np.array([b]), work_hours)[0])
    assert table.done(a, work_hours) <= b < table.done(a + 1, work_hours)


def test_a_calendar_that_never_works_is_refused() -> None:
    """A hub closed from 2000 to 2099 has no working time: each clock says so (InvalidRule)
    instead of looping."""
    shut = Closure("shut", "ES", frozenset({"hub"}), date(2000, 1, 1), date(2099, 12, 31))
    never = WorkCalendar("ES", "hub", weekends=True, closures=Closures([shut]))
    t = madrid(2026, 3, 2, 9)
    with pytest.raises(InvalidRule, match="ES/hub has no working"):
        advance(never, MADRID, np.array([t]), 60)
    with pytest.raises(InvalidRule, match="ES/hub has no working"):
        MinuteClock(never, MADRID).advance(t, 60)
    with pytest.raises(InvalidRule, match="ES/hub has no working"):
        hour_clock(never, MADRID).cover(t // 60, t // 60, 1)


@pytest.mark.parametrize("first_year", [2026, 2061, 2150])
def test_what_was_tabulated_before_never_changes_an_answer(first_year: int) -> None:
    """A clock that tabulated another year first (2026, or decades away) answers a
    request in 2200 as a fresh clock does: no error from an over-long table, no other
    instant. (On main before this, 2200 after 2026 was an error, fresh it was an answer.)"""
    cn = WorkCalendar("CN", "warehouse")
    shanghai = time_zone("Asia/Shanghai")
    far = utc_minutes(datetime(2200, 3, 2, 9, tzinfo=UTC))
    before = utc_minutes(datetime(first_year, 6, 1, tzinfo=UTC))
    fresh_hours, used_hours = HourClock(cn, shanghai), HourClock(cn, shanghai)
    used_hours.cover(before // 60, before // 60 + 24, 8)
    assert used_hours.cover(far // 60, far // 60, 40).done(far // 60, 40) == fresh_hours.cover(
        far // 60, far // 60, 40
    ).done(far // 60, 40)
    fresh_minutes, used_minutes = MinuteClock(cn, shanghai), MinuteClock(cn, shanghai)
    used_minutes.advance(before, 600)
    assert used_minutes.advance(far, 3000) == fresh_minutes.advance(far, 3000)
