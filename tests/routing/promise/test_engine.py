"""routing/promise/engine.py: the delivery-date distribution of a route, its quantiles
and its caches.

Hand-checkable cases run on tests/data/promise_weekly/, where every transit takes "exactly"
N days (all of its mass in the hour before N x 24 h); properties run on
tests/data/promise_world/, which has realistic spreads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.calendar import utc_minutes
from routing.network import Network, Route, load_network, routes_from
from routing.promise import Promise, clear_caches, default_settings, promise
from routing.promise.grid import arrive, clear, deliver, depart, handle
from routing.promise.legs import compile_route
from routing.promise.mass import Spikes, State
from tests.helpers import DATA

WEEKLY = load_network(DATA / "promise_weekly")
WORLD = load_network(DATA / "promise_world")
WORLD_ROUTES = [r for o in WORLD.origins for r in routes_from(WORLD, o)]
DEFAULT = load_network()
# the default world: line-hauls with handling, hubs and last miles that clear
EVERY_DEFAULT_ROUTE = [r for o in DEFAULT.origins for r in routes_from(DEFAULT, o)]
DEFAULT_ROUTES = EVERY_DEFAULT_ROUTE[::5]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def route(network: Network, *ids: str) -> Route:
    return tuple(network.service_by_id[i] for i in ids)


def only_date(p: Promise) -> date:
    """The single delivery date of a near-deterministic promise (all quantiles agree)."""
    assert p.earliest == p.p50 == p.p90 == p.p95 == p.latest
    return p.p50


AIR_POSTAL = route(WEEKLY, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")


# --- hand-checkable dates ----------------------------------------------------------------


def test_weekly_rail_ordered_on_wednesday_waits_six_days() -> None:
    """A Tuesday 12:00 rail departure ordered Wednesday 2026-03-04 leaves Tuesday 03-10:
    +18 days reaches Madrid Sat 03-28 05:00, the daily courier leaves 18:00 and delivers
    Sunday 03-29 (it delivers at weekends). Ordered the Tuesday before, everything is a week
    earlier."""
    rail = route(WEEKLY, "rail-weekly", "courier-es")
    wednesday = promise(rail, datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI), WEEKLY)
    tuesday = promise(rail, datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI), WEEKLY)
    assert only_date(wednesday) == date(2026, 3, 29)
    assert only_date(tuesday) == date(2026, 3, 22)


def test_order_at_2330_shanghai_misses_the_2300_cutoff() -> None:
    """Ordered Thu 03-05 at 22:30 the feeder leaves at 23:00: Shanghai Fri 23:00, the Sat
    12:00 flight, Madrid Mon 05:00, post Mon 18:00 + 2 days = Wed 03-11. At 23:30 (16:30 in
    Madrid, still Thursday there) everything slips a day: Thu 03-12."""
    before = promise(AIR_POSTAL, datetime(2026, 3, 5, 22, 30, tzinfo=SHANGHAI), WEEKLY)
    after = promise(AIR_POSTAL, datetime(2026, 3, 5, 23, 30, tzinfo=SHANGHAI), WEEKLY)
    assert only_date(before) == date(2026, 3, 11)
    assert only_date(after) == date(2026, 3, 12)


def test_chinese_new_year_closure_makes_the_promise_later() -> None:
    """Ordered Fri 2026-02-13 the Yiwu warehouse is closed until 02-26: the feeder leaves
    Fri 02-27 23:00, flies Sun 03-01, Madrid Tue 03-03, post Tue 18:00, delivered Thu 03-05,
    20 days after the order. Three weeks later (Fri 03-06) the same route takes 6 days."""
    closed = promise(AIR_POSTAL, datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI), WEEKLY)
    later = promise(AIR_POSTAL, datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI), WEEKLY)
    assert only_date(closed) == date(2026, 3, 5)
    assert only_date(later) == date(2026, 3, 12)
    assert closed.days_after_order(closed.p90) == 20 > later.days_after_order(later.p90) == 6


def test_buyer_local_date_differs_from_the_order_date() -> None:
    """Ordered Tue 03-03 08:00 in Shanghai (Mon 03-02 21:00 in São Paulo), the 09:00 courier
    lands 3 days later at 01:00 UTC Fri 03-06: 22:00 Thursday 03-05 in São Paulo. The
    promise is in the buyer's calendar: Thu 03-05, three days after the buyer's 03-02."""
    courier = route(WEEKLY, "courier-br")
    p = promise(courier, datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI), WEEKLY)
    assert p.tz == "America/Sao_Paulo"
    assert only_date(p) == date(2026, 3, 5)
    assert p.order_date == date(2026, 3, 2) and p.days_after_order(p.p50) == 3


def test_post_does_not_deliver_at_weekends_or_on_holidays() -> None:
    """A last mile without weekend service never delivers on a Saturday, Sunday or a
    Spanish holiday (Good Friday 2026-04-03); the weekend courier does deliver on Sundays."""
    post = route(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")
    courier = route(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "courier-es")
    sunday_courier = 0.0
    for day in range(0, 60, 3):
        t = datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI) + timedelta(days=day, hours=day % 11)
        for p, may_weekend in (
            (promise(post, t, WORLD), False),
            (promise(courier, t, WORLD), True),
        ):
            dates = [p.first_day + timedelta(days=i) for i in range(len(p.pmf))]
            weekend = sum(m for d, m in zip(dates, p.pmf, strict=True) if d.weekday() >= 5)
            if may_weekend:
                sunday_courier += sum(
                    m for d, m in zip(dates, p.pmf, strict=True) if d.weekday() == 6
                )
            else:
                assert weekend == 0.0
                assert p.probability_by(date(2026, 4, 3)) == p.probability_by(date(2026, 4, 2))
    assert sunday_courier > 0.1


def test_customs_do_not_clear_during_golden_week() -> None:
    """A CBEC parcel into China cleared on arrival: none is delivered Oct 1-7, 2026, some
    before and most after."""
    cbec = route(WORLD, "cbec-mad-cn")
    p = promise(cbec, datetime(2026, 9, 24, 9, 0, tzinfo=ZoneInfo("Europe/Madrid")), WORLD)
    assert p.probability_by(date(2026, 10, 7)) == p.probability_by(date(2026, 9, 30))
    assert 0 < p.probability_by(date(2026, 9, 30)) < 0.5


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    which=st.integers(0, len(WORLD_ROUTES) - 1),
    minute=st.integers(0, 2 * 365 * 24 * 60),
)
def test_quantiles_are_ordered(which: int, minute: int) -> None:
    """For any route and order time: earliest <= P50 <= P90 <= P95 <= latest, the
    probabilities sum to 1 and P(by P90) >= 0.9."""
    t = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minute)
    p = promise(WORLD_ROUTES[which], t, WORLD)
    assert p.earliest <= p.p50 <= p.p90 <= p.p95 <= p.latest
    assert abs(float(p.pmf.sum()) - 1) < 1e-9 and float(p.pmf.min()) >= 0
    assert p.probability_by(p.p90) >= 0.9 - 1e-9 > p.probability_by(p.p90 - timedelta(days=1))
    assert p.earliest >= t.astimezone(ZoneInfo(p.tz)).date()


def test_same_input_same_promise() -> None:
    """The promise is deterministic: the same route and time give identical probabilities."""
    t = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    for r in WORLD_ROUTES[:6]:
        a, b = promise(r, t, WORLD), promise(tuple(r), t, WORLD)
        assert a.first_day == b.first_day and np.array_equal(a.pmf, b.pmf)


def uncached(route: Route, t: datetime, network: Network) -> tuple[date, np.ndarray]:
    """The promise step by step through the engine's public arithmetic, nothing cached
    (the first leg's handling before its departure, then transit, clearance, the next
    leg's handling and departure, leg after leg, and delivery)."""
    legs = compile_route(route, network, default_settings())
    state: State = Spikes(np.array([utc_minutes(t)], dtype=np.int64), np.ones(1))
    if legs[0].clear_before is not None:
        state = clear(legs[0].clear_before, state)
    if legs[0].handling_min:
        state = handle(legs[0], state)
    departed = depart(legs[0], state)
    for leg, following in pairwise(legs):
        departed = depart(following, arrive(leg, following, departed))
    day0, pmf = deliver(legs[-1], arrive(legs[-1], None, departed))
    return date.fromordinal(day0 + date(1970, 1, 1).toordinal()), pmf


ALL_ROUTES = [(WORLD, r) for r in WORLD_ROUTES] + [(DEFAULT, r) for r in DEFAULT_ROUTES]


@settings(max_examples=40, deadline=None)
@given(
    which=st.integers(0, len(ALL_ROUTES) - 1),
    minute=st.integers(0, 2 * 365 * 24 * 60),
    siblings=st.integers(0, 8),
)
def test_cached_and_uncached_promises_agree(which: int, minute: int, siblings: int) -> None:
    """The caches change how long a promise takes, never its answer: a route's promise is
    bit for bit the same computed cold, after up to eight routes sharing its first legs
    (most first) filled the per-prefix caches at the same time, asked again, and step by
    step with nothing cached."""
    network, route = ALL_ROUTES[which]
    t = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minute)
    clear_caches()
    cold = promise(route, t, network)
    clear_caches()
    every = WORLD_ROUTES if network is WORLD else EVERY_DEFAULT_ROUTE
    shared = sorted(
        (r for r in every if r[0] is route[0] and r != route),
        key=lambda r: -sum(1 for a, b in zip(r, route, strict=False) if a is b),
    )
    for r in shared[:siblings]:
        promise(r, t, network)
    warm, again = promise(route, t, network), promise(route, t, network)
    first_day, pmf = uncached(route, t, network)
    for p in (warm, again):
        assert p.first_day == cold.first_day == first_day
        assert np.array_equal(p.pmf, cold.pmf) and np.array_equal(pmf, cold.pmf)


def test_naive_order_time_is_refused() -> None:
    """An order time without a time zone is ambiguous and refused."""
    with pytest.raises(ValueError, match="time zone"):
        promise(AIR_POSTAL, datetime(2026, 3, 5, 22, 30), WEEKLY)


def test_dates_of_a_hand_made_distribution() -> None:
    """Chances 0.2, 0.5, 0.3 from Tue 2026-03-10: 0.2 is reached on 03-10 itself, P50 on
    03-11 (0.7 by then), P90, P95 and P99 on 03-12; P(by 03-09) = 0, by 03-11 0.7, by any
    later date 1. Ordered Thu 03-05 22:30 in Shanghai (15:30 in Madrid), P50 is 6 days on."""
    ordered = datetime(2026, 3, 5, 22, 30, tzinfo=SHANGHAI)
    p = Promise(ordered, "Europe/Madrid", date(2026, 3, 10), np.array([0.2, 0.5, 0.3]))
    assert p.quantile(0.2) == p.earliest == date(2026, 3, 10)
    assert p.p50 == date(2026, 3, 11)
    assert p.p90 == p.p95 == p.latest == date(2026, 3, 12)
    assert [p.probability_by(date(2026, 3, d)) for d in (9, 11, 12, 30)] == [0.0, 0.7, 1.0, 1.0]
    doc = p.as_dict()
    assert doc["p50"] == "2026-03-11" and doc["order_time"] == "2026-03-05T22:30:00+08:00"
    assert doc["days"] == {"p50": 6, "p90": 7, "p95": 7, "earliest": 5, "latest": 7}


def test_a_share_outside_zero_to_one_has_no_date() -> None:
    """Quantiles 0 and 1 (and beyond) are refused: no date is 'the first with 100 %'."""
    p = Promise(datetime(2026, 3, 5, tzinfo=UTC), "UTC", date(2026, 3, 10), np.array([1.0]))
    for q in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="quantiles must be in"):
            p.quantile(q)
