"""routing/design/sample.py: a season of sample demand, week by week by its profile,
deterministic per seed and scaled to the default world's volume."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.calendar import day_number, load_closures
from routing.design.forecast import Forecast
from routing.design.sample import SEASON_START, Segment, sample_forecast, segments
from routing.network import Network

NOV_2 = date(2026, 11, 2)


@pytest.fixture(scope="module")
def season(default_world: Network) -> Forecast:
    """The week before 11.11 and the 11.11 week, 700 orders a week scaled to 100,000."""
    return sample_forecast(default_world, weeks=2, seed=3, start=NOV_2, orders_per_week=700)


def weekly(forecast: Forecast, column: str) -> list[float]:
    return [
        float(getattr(forecast, column)[forecast.week == w].sum()) for w in np.unique(forecast.week)
    ]


def test_the_same_seed_gives_the_same_forecast(default_world: Network, season: Forecast) -> None:
    again = sample_forecast(default_world, weeks=2, seed=3, start=NOV_2, orders_per_week=700)
    assert again.frame().equals(season.frame())
    other = sample_forecast(default_world, weeks=2, seed=4, start=NOV_2, orders_per_week=700)
    assert not other.frame().equals(season.frame())


def test_weekly_totals_follow_the_profiles(season: Forecast) -> None:
    """The normal week holds about 100,000 parcels (each row's scaled count is rounded),
    the 11.11 week about 13/7 of it, heavier and bulkier in proportion."""
    assert season.weeks() == [NOV_2, date(2026, 11, 9)]
    normal, peak = weekly(season, "parcels")
    assert normal == pytest.approx(100_000, rel=0.02)
    assert peak / normal == pytest.approx(13 / 7, rel=0.05)
    kg = weekly(season, "kg")
    assert 1.6 < kg[1] / kg[0] < 2.2
    assert season.season[season.week == day_number(date(2026, 11, 9))].tolist() == ["peak"] * int(
        (season.week == day_number(date(2026, 11, 9))).sum()
    )


def test_the_default_season_holds_11_11_and_26_weeks_the_spring_festival() -> None:
    """13 weeks from 28 September 2026: one peak week; 26 weeks: the cny profile of 2027
    sampled once, from the Monday of its rush week."""
    thirteen = segments(SEASON_START, 13, load_closures())
    assert [s.profile for s in thirteen].count("peak") == 1
    assert Segment("peak", date(2026, 11, 9)) in thirteen
    long = segments(SEASON_START, 26, load_closures())
    assert [s for s in long if s.profile == "cny"] == [Segment("cny", date(2027, 1, 25))]
    assert len(long) == 26 - 4  # the cny profile's five weeks are one table


def test_a_cny_season_keeps_only_its_own_weeks(default_world: Network) -> None:
    """Two weeks from 1 February 2027 sample the whole cny profile but keep those two,
    the closure's weeks, lighter than an ordinary week."""
    start = date(2027, 2, 1)
    found = sample_forecast(default_world, weeks=2, seed=1, start=start, orders_per_week=700)
    assert found.weeks() == [start, date(2027, 2, 8)]
    assert set(found.season.tolist()) == {"cny"}
    assert max(weekly(found, "parcels")) < 80_000


def test_a_season_starts_on_a_monday(default_world: Network) -> None:
    with pytest.raises(InvalidPlanInput, match="must start on a Monday"):
        sample_forecast(default_world, weeks=1, start=date(2026, 11, 3), orders_per_week=10)
    with pytest.raises(InvalidPlanInput, match="must be >= 1"):
        sample_forecast(default_world, weeks=0, orders_per_week=10)
