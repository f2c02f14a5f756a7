"""routing/promise.py and `glocal promise`: delivery-date distributions of routes.

Hand-checkable cases run on tests/data/promise_weekly/, where every transit takes "exactly"
N days (all of its mass in the hour before N x 24 h); properties run on
tests/data/promise_world/, which has realistic spreads.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api.commands.promise import app
from carriers.model import CustomsRegime, CustomsRole
from routing.cache import Lru
from routing.calendar import day_number, time_zone, utc_minutes
from routing.network import Network, Route, load_network, routes_from
from routing.promise import (
    Promise,
    RouteFamily,
    best_per_family,
    clear_caches,
    default_settings,
    promise,
    promise_all,
    route_family,
    simulate_route,
)
from routing.promise.comb import fold, spread
from routing.promise.grid import arrive, clear, deliver, depart, departures_between, handle
from routing.promise.legs import TimedLeg, compile_route, load_clearance
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


def test_pre_cleared_regimes_clear_faster_than_postal_dap() -> None:
    """In the clearance data IOSS, Remessa Conforme, courier DDP and CBEC clear faster than
    DAP postal parcels; swapping a route's IOSS clearance for postal makes it later."""
    clearance = load_clearance()
    postal = clearance.time("ES", "postal").p90_days
    for regime in ("ioss", "remessa_conforme", "courier_ddp", "cbec_1210", "cbec_9610"):
        assert clearance.time("ES", regime).p90_days < postal
    assert clearance.time("BR", "postal").p90_days > postal
    ioss = route(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "courier-es")
    air = dataclasses.replace(ioss[1], customs=CustomsRole(True, CustomsRegime.POSTAL))
    t = datetime(2026, 5, 12, 9, 0, tzinfo=SHANGHAI)
    fast, slow = promise(ioss, t, WORLD), promise((ioss[0], air, ioss[2]), t, WORLD)
    assert fast.p90 < slow.p90 and fast.p50 <= slow.p50


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


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(0, 120), min_size=1, max_size=60, unique=True),
    shift=st.sampled_from([0, 0, 1, -1, 5]),
    width=st.integers(1, 900),
    seed=st.integers(0, 2**32 - 1),
)
def test_day_comb_spread_is_the_direct_convolution(
    days: list[int], shift: int, width: int, seed: int
) -> None:
    """Spreading a transit from departures at one hour of day (some an hour off, as across
    a daylight-saving change, or at random hours) equals the direct convolution to
    rounding (1e-15 of the mass)."""
    rng = np.random.default_rng(seed)
    day = np.sort(np.array(days, dtype=np.int64))
    hours = 500_000 + 24 * day + np.where(rng.random(len(day)) < 0.5, 0, shift)
    hours = np.unique(hours if shift != 5 else hours + rng.integers(0, 24, len(day)))
    mass = rng.random(len(hours))
    p = rng.random(width)
    p /= p.sum()
    rel = hours - hours[0]
    direct = np.convolve(np.bincount(rel, weights=mass), p)
    comb = spread(hours, mass, fold(p), len(direct))
    if comb is not None:  # (None: too many hours of day for a comb)
        assert len(comb) == len(direct) and np.max(np.abs(comb - direct)) < 1e-15 * len(hours)


def test_handling_is_read_at_the_boundaries() -> None:
    """The next leg's handling, kept unapplied on the arrivals and applied to the hours
    they are read at, gives the same mass as handling the mass on the hour grid (to 1e-12:
    the grid leaves out the transit's negligible ends)."""
    checked = 0
    for route in DEFAULT_ROUTES:
        legs = compile_route(route, DEFAULT, default_settings())
        for i, leg in enumerate(legs[1:], 1):
            if not leg.handling_min or legs[i - 1].clear_after or leg.clear_before:
                continue
            departed = _departures(legs, i - 1, datetime(2026, 3, 20, 8, 0, tzinfo=UTC))
            arrivals = arrive(legs[i - 1], leg, departed)
            assert arrivals.handling is not None
            hours = np.arange(arrivals.first - 48, arrivals.last + 48, 7)
            on_grid = arrivals.dist().below(hours)
            assert np.max(np.abs(arrivals.below(hours) - on_grid)) < 1e-12
            checked += 1
    assert checked >= 10


def _departures(legs: tuple[TimedLeg, ...], i: int, t: datetime) -> Spikes:
    departed = depart(legs[0], Spikes(np.array([utc_minutes(t)], dtype=np.int64), np.ones(1)))
    for leg, following in pairwise(legs[: i + 1]):
        departed = depart(following, arrive(leg, following, departed))
    return departed


def test_departure_tables_list_every_departure() -> None:
    """A service's departures between two instants are exactly its cut-off instants on the
    days it runs, whatever was asked of its table before (years back and forth)."""
    legs = compile_route(DEFAULT_ROUTES[0], DEFAULT, default_settings())
    for leg in legs:
        first_day = day_number(date(2025, 6, 1))
        truth = leg.departures.on_days(first_day, 3 * 365)
        n = len(truth)
        for a, b in ((n // 2, n * 2 // 3), (1, n // 10), (n - 30, n - 2), (0, 3), (n // 3,) * 2):
            found = departures_between(leg, int(truth[a]) - 1, int(truth[b]))
            assert np.array_equal(found, truth[a : b + 1])
            assert np.array_equal(departures_between(leg, int(truth[a]), int(truth[b]) - 1), found)


def test_result_caches_are_bounded() -> None:
    """A cache keeps its most recently used entries, up to its size."""
    cache: Lru[int] = Lru(3)
    for k in range(5):
        cache.put(k, k)
    assert cache.get(4) == 4 and cache.get(1) is None and len(cache) == 3
    cache.get(2)
    cache.put(5, 5)
    assert cache.get(2) == 2 and cache.get(3) is None


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


def test_naive_order_time_is_refused() -> None:
    """An order time without a time zone is ambiguous and refused."""
    with pytest.raises(ValueError, match="time zone"):
        promise(AIR_POSTAL, datetime(2026, 3, 5, 22, 30), WEEKLY)


def test_broken_route_is_refused() -> None:
    """Services that do not connect are not a route."""
    with pytest.raises(ValueError, match="breaks"):
        promise(route(WEEKLY, "feeder-yiw-pvg", "postal-es"), datetime.now(UTC), WEEKLY)


# --- families and the CLI -----------------------------------------------------------------


def test_route_families() -> None:
    """Line-haul mode names the family; air splits by who delivers the last mile."""
    expected = {
        ("feeder-yiw-pvg", "air-pvg-mad", "postal-es"): RouteFamily.AIR_POSTAL,
        ("feeder-yiw-pvg", "air-pvg-mad", "courier-es"): RouteFamily.AIR_COURIER,
        ("feeder-yiw-pvg", "airpost-pvg-mad", "courier-es"): RouteFamily.AIR_COURIER,
        ("feeder-yiw-rail", "rail-yiw-mad", "postal-es"): RouteFamily.RAIL,
        ("feeder-yiw-ngb", "sea-ngb-mad", "courier-cnr"): RouteFamily.SEA,
        ("postal-br-direct",): RouteFamily.AIR_POSTAL,
        ("courier-br-direct",): RouteFamily.AIR_COURIER,
    }
    for ids, family in expected.items():
        assert route_family(route(WORLD, *ids), WORLD.nodes) is family


def test_best_per_family_has_the_earliest_p90() -> None:
    """Per family the chosen route's P90 is no later than any other route of the family."""
    t = datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)
    everything = promise_all(WORLD_ROUTES, t, WORLD)
    best = best_per_family(everything)
    assert len({b.family for b in best}) == len(best)
    for b in best:
        assert all(b.promise.p90 <= p.promise.p90 for p in everything if p.family is b.family)


runner = CliRunner()
CLI_ARGS = ["--origin", "CN-YIW-WH", "--to", "ES:28013", "--network", str(DATA / "promise_world")]


def test_cli_lists_one_promise_per_family() -> None:
    """`glocal promise --json` gives air postal, air courier, rail and sea for ES:28013."""
    result = runner.invoke(app, [*CLI_ARGS, "--at", "2026-03-05T22:30", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [o["family"] for o in doc["options"]] == ["air postal", "air courier", "rail", "sea"]
    assert doc["order_time"] == "2026-03-05T22:30:00+08:00"  # no offset: origin local time
    for option in doc["options"]:
        assert option["tz"] == "Europe/Madrid"
        assert option["p50"] <= option["p90"] <= option["p95"]


def test_cli_table_and_registration_under_glocal() -> None:
    """Registered as `glocal promise`, the default command prints a table of families."""
    glocal = typer.Typer()
    glocal.add_typer(app, name="promise")
    result = runner.invoke(glocal, ["promise", *CLI_ARGS, "--at", "2026-03-05T22:30+08:00"])
    assert result.exit_code == 0, result.output
    assert "air postal" in result.output and "sea" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--origin", "CN-XXX-WH", "--to", "ES:28013"], "unknown node"),
        (["--origin", "CN-YIW-WH", "--to", "28013"], "COUNTRY:POSTCODE"),
        (["--origin", "CN-YIW-WH", "--to", "US:10001"], "no route"),
        (["--origin", "CN-YIW-WH", "--to", "ES:28013", "--at", "tomorrow"], "ISO 8601"),
        (["--to", "ES:28013"], "--origin"),
    ],
)
def test_cli_errors_are_one_line(args: list[str], message: str) -> None:
    """Bad input exits 1 with one line on stderr, never a traceback."""
    result = runner.invoke(app, [*args, "--network", str(DATA / "promise_world")])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
