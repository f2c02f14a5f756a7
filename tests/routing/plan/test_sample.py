"""routing/plan/sample.py: a sample week of orders is fixed by its seed and looks like the
default world's demand: valid on that world, the documented shares of origins, markets
and service levels, plausible weights, values and goods, all within the week. The
profiles shape it: peak's three days of 11.11 at 3x, electronics-heavy; cny's weeks
around the Spring Festival closure that the calendar dates."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carriers.errors import InvalidPlanInput
from routing.calendar import Closure, Closures, load_closures
from routing.network import Network
from routing.plan import COLUMNS, sample_orders, validate_orders
from routing.plan.sample import CURRENCY, ORIGINS, PROFILES

N = 2000


@pytest.fixture(scope="module")
def week() -> pd.DataFrame:
    return sample_orders(N, seed=3)


def test_sample_orders_are_fixed_by_seed() -> None:
    assert sample_orders(200, seed=4).equals(sample_orders(200, seed=4))
    assert not sample_orders(200, seed=4).equals(sample_orders(200, seed=5))


def test_a_sample_is_a_valid_orders_table_of_the_default_world(
    week: pd.DataFrame, world: Network
) -> None:
    """Every one of the 2,000 rows passes validation on the default world; ids unique."""
    assert list(week.columns) == list(COLUMNS)
    table, invalid = validate_orders(week, world)
    assert invalid == [] and len(table) == N
    assert week["order_id"].is_unique and week["order_id"].iloc[0] == "S3-0000000"


def test_origins_and_markets_follow_the_documented_shares(week: pd.DataFrame) -> None:
    """Each origin within 4 points of its share; the Madrid hub's orders (the reverse
    flow, ~10 %) all go to China, the others never; Spain the largest market (~30 %)."""
    share = week["origin"].value_counts(normalize=True)
    for origin, expected in ORIGINS.items():
        assert share[origin] == pytest.approx(expected, abs=0.04), origin
    reverse = week["origin"] == "ES-MAD-HUB"
    assert (week.loc[reverse, "dest_country"] == "CN").all()
    assert (week.loc[~reverse, "dest_country"] != "CN").all()
    markets = week.loc[~reverse, "dest_country"].value_counts(normalize=True)
    assert markets.index[0] == "ES" and markets["ES"] == pytest.approx(0.30, abs=0.04)
    assert (week["currency"] == week["dest_country"].map(CURRENCY)).all()


def test_parcels_weigh_and_cost_what_parcels_do(week: pd.DataFrame) -> None:
    """Weights within 50 g..30 kg, median near 0.6 kg; sides within 1..150 cm; values
    within EUR 1..2,500; batteries only in electronics, liquids only in cosmetics."""
    weight = week["weight_kg"].astype(float)
    assert weight.between(0.05, 30.0).all()
    assert 0.45 < weight.median() < 0.8
    sides = week[["length_cm", "width_cm", "height_cm"]].astype(float)
    assert ((sides >= 1.0) & (sides <= 150.0)).all().all()
    assert week["value"].astype(float).between(1.0, 2500.0).all()
    assert (week.loc[week["battery"] != "none", "category"] == "electronics").all()
    assert (week.loc[week["liquid"] == "true", "category"] == "cosmetics").all()


def test_orders_are_created_within_the_week_and_promise_by_service_level(
    week: pd.DataFrame,
) -> None:
    """Created in the 7 days from Monday 19 October 2026, the ordinary week (local time of
    the origin, with its offset), about as many on each day; a deadline 12, 30 or 60 days
    after the local creation date, or none (~15 %)."""
    created = [datetime.fromisoformat(t) for t in week["created_at"]]
    assert all(t.utcoffset() is not None for t in created)
    days = pd.Series([t.date() for t in created]).value_counts()
    assert sorted(days.index) == [date(2026, 10, 19) + timedelta(days=i) for i in range(7)]
    assert days.min() > 0.8 * N / 7 and days.max() < 1.2 * N / 7
    promised = [
        (date.fromisoformat(d) - t.date()).days
        for d, t in zip(week["deliver_by"], created, strict=True)
        if d
    ]
    assert set(promised) == {12, 30, 60}
    assert (week["deliver_by"] == "").mean() == pytest.approx(0.15, abs=0.03)


def test_the_week_moves_with_its_start() -> None:
    """The same seed from a week later: the same orders, every local time 7 days later
    (Madrid's clocks go back on 25 October 2026: the offsets may differ)."""
    first = sample_orders(50, seed=8)
    later = sample_orders(50, seed=8, start=date(2026, 10, 26))
    local = [
        [datetime.fromisoformat(t).replace(tzinfo=None) for t in frame["created_at"]]
        for frame in (first, later)
    ]
    shift = [b - a for a, b in zip(*local, strict=True)]
    assert set(shift) == {timedelta(days=7)}
    same = [c for c in first.columns if c not in ("created_at", "deliver_by")]
    assert first[same].equals(later[same])
    assert np.all((first["deliver_by"] == "") == (later["deliver_by"] == ""))


def _per_day(frame: pd.DataFrame) -> pd.Series:
    """Orders per local creation date."""
    return frame["created_at"].str[:10].map(date.fromisoformat).value_counts().sort_index()


def _electronics(frame: pd.DataFrame) -> float:
    """Electronics' share of the outbound flow (the reverse flow into China carries the
    goods its positive list admits, no electronics)."""
    outbound = frame[frame["origin"] != "ES-MAD-HUB"]
    return float((outbound["category"] == "electronics").mean())


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_is_fixed_by_n_seed_and_profile(profile: str) -> None:
    """The same n, seed and profile give the same table; another seed or profile does not."""
    table = sample_orders(140, seed=6, profile=profile)
    assert table.equals(sample_orders(140, seed=6, profile=profile))
    assert not table.equals(sample_orders(140, seed=7, profile=profile))
    other = next(p for p in PROFILES if p != profile)
    assert not table.equals(sample_orders(140, seed=6, profile=other))


@pytest.mark.parametrize("profile", ["peak", "cny"])
def test_every_profile_is_a_valid_orders_table_of_the_default_world(
    profile: str, world: Network
) -> None:
    frame = sample_orders(300, seed=9, profile=profile)
    table, invalid = validate_orders(frame, world)
    assert invalid == [] and len(table) == len(frame) > 300


def test_peak_is_three_days_of_11_11_at_three_times_an_ordinary_day() -> None:
    """n is the ordinary week: peak keeps its four ordinary days at ~n/7 and puts ~3n/7
    on each of 10, 11 and 12 November, so its week holds 13/7 n orders."""
    n = 7000
    peak = sample_orders(n, seed=2, profile="peak")
    assert len(peak) == 13000
    days = _per_day(peak)
    surge = [date(2026, 11, d) for d in (10, 11, 12)]
    assert sorted(days.index) == [date(2026, 11, 9) + timedelta(days=i) for i in range(7)]
    for day, count in days.items():
        expected = 3 * n / 7 if day in surge else n / 7
        assert count == pytest.approx(expected, rel=0.08), day


def test_peak_is_electronics_heavy() -> None:
    """The 11.11 surge leads with electronics: their share of the peak week's outbound
    orders is well above the normal week's 18 %, and on the surge days about twice it."""
    normal = sample_orders(6000, seed=4)
    peak = sample_orders(6000, seed=4, profile="peak")
    assert _electronics(normal) == pytest.approx(0.18, abs=0.02)
    assert _electronics(peak) > _electronics(normal) + 0.08
    surge = peak["created_at"].str[:10].isin(["2026-11-10", "2026-11-11", "2026-11-12"])
    assert _electronics(peak[surge]) == pytest.approx(0.36, abs=0.03)
    assert (peak.loc[peak["battery"] != "none", "category"] == "electronics").all()


def test_peak_needs_a_week_that_holds_11_11() -> None:
    with pytest.raises(InvalidPlanInput, match="must hold 10-12 November"):
        sample_orders(10, profile="peak", start=date(2026, 11, 16))


def test_cny_spans_the_weeks_around_the_calendars_spring_festival_closure() -> None:
    """By default the first Spring Festival closure of data/calendar/closures.csv after
    the ordinary week (February 2027): from the Monday of the week before it to the Sunday
    of the week after; the week before it busiest, the closure quietest."""
    closed = next(
        c
        for c in sorted(load_closures().items, key=lambda c: c.first_day)
        if c.id.startswith("cn-spring-festival-") and c.last_day >= date(2026, 10, 19)
    )
    days = _per_day(sample_orders(3500, seed=5, profile="cny"))
    assert days.index[0].weekday() == 0 and days.index[-1].weekday() == 6
    assert days.index[0] <= closed.first_day - timedelta(days=7) < days.index[0] + timedelta(7)
    assert days.index[-1] - timedelta(7) < closed.last_day + timedelta(days=7) <= days.index[-1]
    rush = days[(days.index >= closed.first_day - timedelta(7)) & (days.index < closed.first_day)]
    during = days[(days.index >= closed.first_day) & (days.index <= closed.last_day)]
    after = days[days.index > closed.last_day]
    assert rush.mean() > 1.3 * after.mean() and during.mean() < 0.7 * after.mean()


def test_cny_follows_the_closures_it_is_given() -> None:
    """The dates come from the calendar, not from code: a made-up closure of 3-9 March
    2031 gives the weeks from Monday 24 February to Sunday 16 March, and a start past
    every closure is an error naming the date."""
    closures = Closures(
        [
            Closure("cn-spring-festival-2031", "CN", frozenset({"warehouse"}),
                    date(2031, 3, 3), date(2031, 3, 9)),
            Closure("cn-golden-week-2030", "CN", frozenset({"warehouse"}),
                    date(2030, 10, 1), date(2030, 10, 7)),
        ]
    )  # fmt: skip
    frame = sample_orders(700, seed=1, start=date(2030, 6, 1), profile="cny", closures=closures)
    days = _per_day(frame)
    assert (days.index[0], days.index[-1]) == (date(2031, 2, 24), date(2031, 3, 16))
    with pytest.raises(InvalidPlanInput, match="no Spring Festival closure ending on or after"):
        sample_orders(10, start=date(2031, 4, 1), profile="cny", closures=closures)


def test_an_unknown_profile_is_refused_naming_the_profiles() -> None:
    with pytest.raises(
        InvalidPlanInput, match="unknown profile 'holiday': one of normal, peak, cny"
    ):
        sample_orders(10, profile="holiday")


def test_the_reverse_flow_ships_goods_chinas_positive_list_admits() -> None:
    """Madrid hub -> China goes through the cross-border e-commerce channel, whose
    positive list (data/customs/cn.toml) the quote and the plan enforce: every order of
    the sample's reverse flow carries an HS code on it, so none is refused on every route
    for its goods alone."""
    cn = Path(__file__).resolve().parents[3] / "data" / "customs" / "cn.toml"
    rules = tomllib.loads(cn.read_text(encoding="utf-8"))["rules"]
    listed = next(r for r in rules if r["topic"] == "positive_list")["hs_prefixes"]
    frame = sample_orders(3000, seed=2)
    to_cn = frame[frame["dest_country"] == "CN"]
    assert len(to_cn) > 100
    assert to_cn["hs_code"].map(lambda hs: any(hs.startswith(p) for p in listed)).all()
