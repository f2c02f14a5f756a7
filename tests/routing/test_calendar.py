"""routing/calendar.py: working days per country and node kind, time zones, working time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidRule, UnknownCountry
from routing.calendar import (
    MINUTES_PER_DAY,
    WorkCalendar,
    customs_calendar,
    day_date,
    day_number,
    load_closures,
    time_zone,
    utc_minutes,
)
from routing.promise.clock import MinuteClock, advance, hour_clock, hour_flags

CLOSURES = load_closures()
SHANGHAI = time_zone("Asia/Shanghai")
MADRID = time_zone("Europe/Madrid")
SHANGHAI_INFO = ZoneInfo("Asia/Shanghai")


def cn(scope: str = "warehouse", weekends: bool = False) -> WorkCalendar:
    return WorkCalendar("CN", scope, weekends, CLOSURES)


@pytest.mark.parametrize(
    "country", ["CN", "ES", "PT", "FR", "IT", "DE", "RU", "BR", "ID", "US", "GB"]
)
def test_every_market_has_a_working_calendar(country: str) -> None:
    """Each required country has a 2026 calendar: fewer working days than weekdays."""
    calendar = WorkCalendar(country, "hub", False)
    working = int(calendar.days(day_number(date(2026, 1, 1)), 365).sum())
    assert 235 <= working < 261


def test_chinese_new_year_2026_public_holiday_and_make_up_days() -> None:
    """The State Council calendar: Feb 16-20 and 23 off, Saturdays Feb 14 and 28 worked."""
    public = WorkCalendar("CN", "airport", False, CLOSURES)
    assert not any(public.works(date(2026, 2, d)) for d in (16, 17, 18, 19, 20, 23))
    assert public.works(date(2026, 2, 14)) and public.works(date(2026, 2, 28))
    assert public.works(date(2026, 2, 24))
    assert not public.works(date(2026, 2, 21))  # an ordinary Saturday


def test_origin_warehouses_close_around_the_spring_festival() -> None:
    """The closure data shuts warehouses Feb 12-26, 2026; an airport stays open on Feb 12."""
    warehouse = cn("warehouse")
    assert not any(warehouse.works(date(2026, 2, d)) for d in range(12, 27))
    assert warehouse.works(date(2026, 2, 11)) and warehouse.works(date(2026, 2, 27))
    assert cn("airport").works(date(2026, 2, 12))


def test_weekend_workers_still_stop_for_closures() -> None:
    """A weekend-moving actor works on Sundays and public holidays, but not when closed."""
    every_day = cn("warehouse", weekends=True)
    assert every_day.works(date(2026, 3, 8))  # a Sunday
    assert every_day.works(date(2026, 5, 1))  # Labour Day
    assert not every_day.works(date(2026, 2, 15))  # Spring Festival closure
    assert not every_day.works(date(2026, 10, 3))  # Golden Week closure


def test_chinese_customs_do_not_clear_in_golden_week() -> None:
    """Customs clear on working days only: Oct 1-7, 2026 closed, Saturday Oct 10 worked."""
    customs = customs_calendar("CN", CLOSURES)
    assert not any(customs.works(date(2026, 10, d)) for d in range(1, 8))
    assert customs.works(date(2026, 10, 8)) and customs.works(date(2026, 10, 10))


def test_spanish_national_holidays() -> None:
    """Epiphany and Good Friday 2026 are not working days in Spain."""
    es = WorkCalendar("ES", "hub", False)
    assert not es.works(date(2026, 1, 6)) and not es.works(date(2026, 4, 3))
    assert es.works(date(2026, 4, 2))


def test_next_working_day_skips_weekend_and_holiday() -> None:
    """From Good Friday 2026 in Spain the next working day is Monday Apr 6."""
    es = WorkCalendar("ES", "destination_zone", False)
    days = np.array([day_number(date(2026, 4, 3)), day_number(date(2026, 4, 2))])
    assert [day_date(d) for d in es.next_working(days)] == [date(2026, 4, 6), date(2026, 4, 2)]


def test_unknown_country_is_an_error() -> None:
    """A country without a holiday calendar is refused, not treated as always working."""
    with pytest.raises(UnknownCountry):
        WorkCalendar("XX", "hub").works(date(2026, 1, 5))


def test_madrid_summer_time_starts_on_2026_03_29() -> None:
    """UTC+1 before 01:00 UTC on Mar 29, UTC+2 after; 23:30 UTC on Mar 28 is Mar 29 locally."""
    before = utc_minutes(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    after = utc_minutes(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert MADRID.offset(np.array([before])) == 60 and MADRID.offset(np.array([after])) == 120
    late = utc_minutes(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert day_date(MADRID.day_of(late)) == date(2026, 3, 29)


def test_the_day_summer_time_starts_has_23_hours() -> None:
    """Hour flags per local day: Mar 29, 2026 in Madrid has 23 hours, Mar 30 has 24."""
    calendar = WorkCalendar("ES", "hub", True)
    _, flags = hour_flags(calendar, MADRID, day_number(date(2026, 3, 29)), 2)
    assert len(flags) == 47


def test_working_time_skips_the_weekend() -> None:
    """One working day of handling from Friday 10:00 in Shanghai ends Monday 10:00."""
    friday = utc_minutes(datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI_INFO))
    done = advance(cn("hub"), SHANGHAI, np.array([friday]), np.int64(MINUTES_PER_DAY))
    assert done[0] == utc_minutes(datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI_INFO))


def test_working_time_started_on_a_holiday_waits_for_work() -> None:
    """Half a working day of handling from Sunday ends Monday at noon."""
    sunday = utc_minutes(datetime(2026, 3, 8, 15, 0, tzinfo=SHANGHAI_INFO))
    done = advance(cn("hub"), SHANGHAI, np.array([sunday]), np.int64(MINUTES_PER_DAY // 2))
    assert done[0] == utc_minutes(datetime(2026, 3, 9, 12, 0, tzinfo=SHANGHAI_INFO))


def test_hour_clock_agrees_with_the_minute_clock() -> None:
    """Clearance's hourly working-time tables and the minute clock give the same instants:
    30 working hours from each hour of a week spanning the Easter weekend in Spain."""
    calendar = WorkCalendar("ES", "customs", False, CLOSURES)
    start = utc_minutes(datetime(2026, 4, 1, 0, 0, tzinfo=UTC)) // 60
    hours = np.arange(start, start + 7 * 24)
    clock = hour_clock(calendar, MADRID).cover(int(hours[0]), int(hours[-1]), 30)
    by_hour = clock.reached(clock.worked(hours) + 30)
    by_minute = advance(calendar, MADRID, hours * 60, 30 * 60)
    assert np.array_equal(by_hour * 60, by_minute)


CLOCKS = [
    (cn("warehouse"), SHANGHAI),  # Chinese New Year closure, Saturday make-up days
    (WorkCalendar("ES", "customs", False, CLOSURES), MADRID),  # summer time
    (WorkCalendar("GB", "hub", True, CLOSURES), time_zone("Europe/London")),
    (WorkCalendar("BR", "hub", False, CLOSURES), time_zone("America/Sao_Paulo")),
]
MINUTE_CLOCKS = [MinuteClock(calendar, tz) for calendar, tz in CLOCKS]


@settings(max_examples=200, deadline=None)
@given(
    which=st.integers(0, len(CLOCKS) - 1),
    minute=st.integers(0, 6 * 365 * MINUTES_PER_DAY),
    work=st.sampled_from([1, 59, 60, 720, 1440, 2880, 7 * 1440, 40 * 1440]),
)
def test_one_instant_clock_agrees_with_advance(which: int, minute: int, work: int) -> None:
    """The promise's one-instant working-time clock (yearly tables, extended in whatever
    order instants come) gives the instants `advance` gives, to the minute."""
    calendar, tz = CLOCKS[which]
    t = utc_minutes(datetime(2025, 1, 1, tzinfo=UTC)) + minute
    expected = int(advance(calendar, tz, np.array([t]), work)[0])
    assert MINUTE_CLOCKS[which].advance(t, work) == expected


@settings(max_examples=100, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Madrid", "Asia/Shanghai", "America/New_York"]),
    minute=st.integers(0, 4 * 365 * MINUTES_PER_DAY),
)
def test_one_instant_time_zone_helpers_agree_with_the_arrays(zone: str, minute: int) -> None:
    """local_minute/utc_minute are to_local/to_utc of one instant; midnight_hours are the
    midnights' hours; next_working_range is next_working of consecutive days."""
    tz = time_zone(zone)
    t = utc_minutes(datetime(2025, 1, 1, tzinfo=UTC)) + minute
    assert tz.local_minute(t) == int(tz.to_local(np.array([t]))[0])
    assert tz.utc_minute(t) == int(tz.to_utc(np.array([t]))[0])
    day = tz.day_of(t)
    assert np.array_equal(tz.midnight_hours(day, 40), tz.midnights(day, 40) // 60)
    calendar = cn("hub")
    days = np.arange(day, day + 40, dtype=np.int64)
    assert np.array_equal(calendar.next_working_range(day, 40), calendar.next_working(days))


def test_closure_file_problems_are_reported_by_line(tmp_path: Path) -> None:
    """A broken closures.csv names each bad row's line and field."""
    path = tmp_path / "closures.csv"
    path.write_text(
        "# comment\n"
        "id,country,applies_to,first_day,last_day,reason,source,confidence\n"
        "ok,CN,warehouse,2026-02-12,2026-02-26,r,s,M\n"
        "bad,CN,factory,2026-02-31,2026-02-01,r,s,M\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidRule) as error:
        load_closures(path)
    fields = {(p.where, p.field) for p in error.value.problems}
    assert (f"{path}:4", "applies_to") in fields and (f"{path}:4", "first_day") in fields


def test_unknown_time_zone_is_an_error() -> None:
    """An IANA name that does not exist is refused."""
    with pytest.raises(InvalidRule):
        time_zone("Mars/Olympus_Mons")
