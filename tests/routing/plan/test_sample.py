"""routing/plan/sample.py: a sample week of orders is fixed by its seed and looks like the
default world's demand: valid on that world, the documented shares of origins, markets
and service levels, plausible weights, values and goods, all within the week."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from routing.network import Network
from routing.plan import COLUMNS, sample_orders, validate_orders
from routing.plan.sample import CURRENCY, ORIGINS

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
    """Created in the 7 days from Monday 9 November 2026 (local time of the origin, with
    its offset); a deadline 12, 30 or 60 days after the local creation date, or none
    (~15 %)."""
    created = [datetime.fromisoformat(t) for t in week["created_at"]]
    assert all(t.utcoffset() is not None for t in created)
    days = {t.date() for t in created}
    assert min(days) >= date(2026, 11, 9) and max(days) <= date(2026, 11, 15)
    promised = [
        (date.fromisoformat(d) - t.date()).days
        for d, t in zip(week["deliver_by"], created, strict=True)
        if d
    ]
    assert set(promised) == {12, 30, 60}
    assert (week["deliver_by"] == "").mean() == pytest.approx(0.15, abs=0.03)


def test_the_week_moves_with_its_start() -> None:
    """The same seed from a week later: the same orders, every date 7 days later."""
    first = sample_orders(50, seed=8)
    later = sample_orders(50, seed=8, start=date(2026, 11, 16))
    shift = [
        datetime.fromisoformat(b) - datetime.fromisoformat(a)
        for a, b in zip(first["created_at"], later["created_at"], strict=True)
    ]
    assert set(shift) == {timedelta(days=7)}
    same = [c for c in first.columns if c not in ("created_at", "deliver_by")]
    assert first[same].equals(later[same])
    assert np.all((first["deliver_by"] == "") == (later["deliver_by"] == ""))
