"""routing/promise/simulate.py: Monte Carlo of the promise's own rules, parcel by parcel,
and the shipment histories it writes for calibration."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from routing.calendar import day_number, time_zone, utc_minutes
from routing.network import Network, Route, load_network
from routing.promise import default_settings, promise, simulate_history, simulate_route
from routing.promise.history import history_from_frame
from routing.promise.legs import compile_route
from routing.promise.simulate import iso_minutes
from tests.helpers import DATA

WEEKLY = load_network(DATA / "promise_weekly")
WORLD = load_network(DATA / "promise_world")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def route(network: Network, *ids: str) -> Route:
    return tuple(network.service_by_id[i] for i in ids)


@pytest.mark.parametrize(
    "ids",
    [
        ("feeder-yiw-pvg", "airpost-pvg-mad", "postal-es"),
        ("feeder-szx-pvg", "air-pvg-mad", "courier-cnr"),
        ("feeder-yiw-ngb", "sea-ngb-mad", "courier-es"),
        ("postal-br-direct",),
    ],
)
def test_grid_convolution_matches_monte_carlo(ids: tuple[str, ...]) -> None:
    """The exact hourly convolution and a 4,000-parcel simulation of the same rules agree:
    their delivery-date CDFs differ by less than sampling noise (DKW 99 %: 0.026) plus the
    engine's rounding up to the hour."""
    r = route(WORLD, *ids)
    t = datetime(2026, 3, 5, 22, 30, tzinfo=SHANGHAI)
    p = promise(r, t, WORLD)
    sim = simulate_route(r, np.full(4000, utc_minutes(t)), WORLD, np.random.default_rng(7))
    days = time_zone(p.tz).local_day(sim.delivered) - day_number(p.first_day)
    empirical = np.searchsorted(np.sort(days), np.arange(len(p.pmf)), side="right") / len(days)
    assert np.max(np.abs(empirical - p.cdf)) < 0.035


def test_exact_transits_are_simulated_to_the_hand_checked_date() -> None:
    """Rail ordered Wednesday 2026-03-04 leaves Tuesday 03-10 at 12:00 Shanghai (04:00 UTC),
    takes "exactly" 18 days and is delivered on Sunday 03-29 in Madrid, as the engine says."""
    rail = route(WEEKLY, "rail-weekly", "courier-es")
    t = datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)
    sim = simulate_route(rail, np.full(50, utc_minutes(t)), WEEKLY, np.random.default_rng(1))
    assert set(sim.departed[0]) == {utc_minutes(datetime(2026, 3, 10, 4, 0, tzinfo=UTC))}
    madrid = time_zone("Europe/Madrid")
    assert set(madrid.local_day(sim.delivered)) == {day_number(date(2026, 3, 29))}
    assert promise(rail, t, WEEKLY).p50 == date(2026, 3, 29)


def test_an_arrival_on_a_day_without_delivery_waits_for_ten_oclock_next_delivery_day() -> None:
    """Ordered Mon 2026-03-02 in Yiwu: the feeder leaves Mon 23:00, misses Tuesday's 12:00
    flight, takes Wednesday's to Madrid (Fri 04:00), the post leaves Fri 18:00 and arrives
    Sunday, when it does not deliver: every parcel is delivered Mon 03-09 at 10:00 Madrid."""
    post = route(WEEKLY, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")
    t = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    sim = simulate_route(post, np.full(50, utc_minutes(t)), WEEKLY, np.random.default_rng(2))
    sunday = day_number(date(2026, 3, 8))
    assert set(time_zone("Europe/Madrid").local_day(sim.arrived[-1])) == {sunday}
    monday_ten = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    assert set(sim.delivered) == {utc_minutes(monday_ten)}


@pytest.mark.parametrize("ids", [("feeder-szx-pvg", "air-pvg-mad", "postal-es"), ("cbec-mad-cn",)])
def test_each_parcel_leaves_at_a_departure_after_it_is_ready(ids: tuple[str, ...]) -> None:
    """Per parcel and leg: it leaves at one of the leg's cut-off instants, no earlier than
    the order (or its previous arrival), arrives after leaving, and is delivered no earlier
    than it arrives, on a day the last mile delivers."""
    r = route(WORLD, *ids)
    legs = compile_route(r, WORLD, default_settings())
    rng = np.random.default_rng(3)
    ordered = np.sort(utc_minutes(datetime(2026, 1, 1, tzinfo=UTC)) + rng.integers(0, 10**5, 400))
    sim = simulate_route(r, ordered, WORLD, rng)
    ready = ordered
    for leg, departed, arrived in zip(legs, sim.departed, sim.arrived, strict=True):
        cutoffs = leg.departures.between(int(departed.min()), int(departed.max()))
        assert np.isin(departed, cutoffs).all()
        assert (departed >= ready).all() and (arrived > departed).all()
        ready = arrived
    assert (sim.delivered >= ready).all()
    zone = legs[-1]
    assert zone.delivery is not None and zone.zone_tz is not None
    days = zone.zone_tz.local_day(sim.delivered)
    assert (zone.delivery.next_working(days) == days).all()


def test_a_history_has_one_row_per_shipment_with_ordered_scans() -> None:
    """300 shipments numbered 1..300; each leg departs after the shipment (or the previous
    leg) and arrives after it departs; read back, none is left out and every route's legs
    are there."""
    table = simulate_history(WORLD, 300, seed=5, start=date(2026, 2, 1), days=30)
    assert list(table["shipment_id"]) == list(range(1, 301))
    times = {c: pd.to_datetime(table[c], utc=True) for c in table.columns if c.endswith("_at")}
    earlier = times["shipped_at"]
    for i in (1, 2, 3):
        departed, arrived = times[f"leg{i}_departed_at"], times[f"leg{i}_arrived_at"]
        has_leg = departed.notna()
        assert (departed[has_leg] >= earlier[has_leg]).all()
        assert (arrived[has_leg] > departed[has_leg]).all()
        earlier = arrived.where(has_leg, earlier)
    assert (times["delivered_at"] >= earlier).all()
    assert times["shipped_at"].min() >= pd.Timestamp("2026-02-01", tz="UTC")
    assert times["shipped_at"].max() < pd.Timestamp("2026-03-03", tz="UTC")
    history = history_from_frame(table)
    assert len(history) == 300 and not history.dropped and len(history.legs) == 3


def test_the_same_seed_gives_the_same_history() -> None:
    """A history is a function of its seed: the same seed repeats it, another does not."""
    a = simulate_history(WORLD, 100, seed=9, days=20)
    assert a.equals(simulate_history(WORLD, 100, seed=9, days=20))
    assert not a.equals(simulate_history(WORLD, 100, seed=10, days=20))


def test_times_are_written_as_iso_8601_utc_minutes() -> None:
    """Minute 0 is 1970-01-01T00:00Z; 2026-03-05 14:30 UTC is written as such."""
    t = utc_minutes(datetime(2026, 3, 5, 14, 30, tzinfo=UTC))
    assert list(iso_minutes(np.array([0, t]))) == ["1970-01-01T00:00Z", "2026-03-05T14:30Z"]
