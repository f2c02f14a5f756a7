"""routing/promise/legs.py: what each leg of a route needs for its dates, compiled once:
where import clearance happens, transit and clearance times as hourly histograms, and the
clearance times read from data."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidRule
from carriers.model import CustomsRegime, CustomsRole, TransitTime
from routing.calendar import CUSTOMS, MINUTES_PER_DAY
from routing.network import Network, Route, load_network
from routing.promise import default_settings, promise
from routing.promise.legs import (
    compile_route,
    hourly_histogram,
    load_clearance,
    sample_minutes,
)
from tests.helpers import DATA

WEEKLY = load_network(DATA / "promise_weekly")
WORLD = load_network(DATA / "promise_world")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def route(network: Network, *ids: str) -> Route:
    return tuple(network.service_by_id[i] for i in ids)


def clearances(*ids: str) -> list[tuple[str, str, str, str, float]]:
    """(leg, before/after, customs country, time zone, P50 days) of each clearance."""
    legs = compile_route(route(WORLD, *ids), WORLD, default_settings())
    found = []
    for leg in legs:
        for where, c in (("before", leg.clear_before), ("after", leg.clear_after)):
            if c is not None:
                assert c.calendar.scope == CUSTOMS
                found.append(
                    (leg.service.id, where, c.calendar.country, c.tz.name, c.time.p50_days)
                )
    return found


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


def test_broken_route_is_refused() -> None:
    """Services that do not connect are not a route."""
    with pytest.raises(ValueError, match="breaks"):
        promise(route(WEEKLY, "feeder-yiw-pvg", "postal-es"), datetime.now(UTC), WEEKLY)


def test_an_import_country_clears_once_where_it_is_entered() -> None:
    """The flight into Spain clears on arrival in Madrid (IOSS: P50 half a day); a post
    that starts in Spain and clears postal parcels clears before it leaves; Spain entered by
    a clearing flight is not cleared again by its post; Brazil's direct post clears at the
    zone, China's CBEC courier in China."""
    madrid = "Europe/Madrid"
    assert clearances("feeder-yiw-pvg", "air-pvg-mad", "courier-es") == [
        ("air-pvg-mad", "after", "ES", madrid, 0.5)
    ]
    postal = load_clearance().time("ES", "postal").p50_days
    assert clearances("feeder-yiw-pvg", "airpost-pvg-mad", "postal-es") == [
        ("postal-es", "before", "ES", madrid, postal)
    ]
    assert clearances("feeder-yiw-pvg", "air-pvg-mad", "postal-es") == [
        ("air-pvg-mad", "after", "ES", madrid, 0.5)
    ]
    brazil = load_clearance().time("BR", "postal").p50_days
    assert clearances("postal-br-direct") == [
        ("postal-br-direct", "after", "BR", "America/Sao_Paulo", brazil)
    ]
    [(_, where, country, tz, _)] = clearances("cbec-mad-cn")
    assert (where, country, tz) == ("after", "CN", "Asia/Shanghai")


def test_a_leg_carries_its_schedule_handling_and_last_mile() -> None:
    """The Shenzhen feeder handles one working day (1,440 min) before its daily 17:00
    cut-off; the flight leaves Mon, Wed, Fri, Sat at 12:00; only the last leg delivers, in
    its zone's time zone."""
    feeder, flight, post = compile_route(
        route(WORLD, "feeder-szx-pvg", "air-pvg-mad", "postal-es"), WORLD, default_settings()
    )
    assert (feeder.handling_min, feeder.cutoff_min, feeder.weekdays.all()) == (1440, 1020, True)
    assert feeder.from_tz.name == "Asia/Shanghai" and feeder.handling.country == "CN"
    assert list(np.flatnonzero(flight.weekdays)) == [0, 2, 4, 5] and flight.cutoff_min == 720
    assert feeder.delivery is None and flight.zone_tz is None
    assert post.delivery is not None and post.zone_tz is not None
    assert (post.delivery.country, post.delivery.weekends, post.zone_tz.name) == (
        "ES",
        False,
        "Europe/Madrid",
    )


def test_routes_that_begin_alike_share_their_first_legs_identities() -> None:
    """A route compiles once; two routes through the same feeder and flight share those two
    legs' prefixes and differ in the last; another feeder shares nothing."""
    post = route(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")
    legs = compile_route(post, WORLD, default_settings())
    assert compile_route(tuple(post), WORLD, default_settings()) is legs
    courier = compile_route(
        route(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "courier-es"), WORLD, default_settings()
    )
    assert [a.prefix is b.prefix for a, b in zip(legs, courier, strict=True)] == [True, True, False]
    other = compile_route(
        route(WORLD, "feeder-szx-pvg", "air-pvg-mad", "postal-es"), WORLD, default_settings()
    )
    assert not {id(leg.prefix) for leg in other} & {id(leg.prefix) for leg in legs}


def test_routes_that_are_not_routes_are_refused() -> None:
    """No service, or ending at a hub instead of a destination zone, is a ValueError; a
    service that clears import under no regime is an InvalidRule naming it."""
    with pytest.raises(ValueError, match="at least one service"):
        compile_route((), WORLD, default_settings())
    with pytest.raises(ValueError, match="ends at a destination zone, not at ES-MAD-HUB"):
        compile_route(route(WORLD, "feeder-yiw-pvg", "air-pvg-mad"), WORLD, default_settings())
    courier = route(WORLD, "courier-br-direct")[0]
    no_regime = dataclasses.replace(courier, customs=CustomsRole(clears_import=True))
    with pytest.raises(InvalidRule, match="'courier-br-direct' clears import but names no"):
        promise((no_regime,), datetime(2026, 3, 3, tzinfo=UTC), WORLD)


def test_exactly_one_day_is_all_mass_in_the_hour_before_24() -> None:
    """Transit of 0.96 to 0.97 days (23.04 to 23.28 h): offset 23 hours, p = [0, 1] (nothing
    by 23 h, everything by 24 h), so ready by hour 23 with 0 and by hour 24 with 1."""
    h = hourly_histogram(TransitTime(0.96, 0.965, 0.97))
    assert h.offset == 23 and list(h.p) == [0.0, 1.0]
    assert list(h.ready_cdf[22:]) == [0.0, 0.0, 1.0]
    assert list(h.rows[-1][:2]) == [0.0, 1.0]


@settings(max_examples=60, deadline=None)
@given(
    min_days=st.floats(0.0, 20.0),
    spread_days=st.floats(0.05, 10.0),
    ratio=st.floats(1.1, 5.0),
)
def test_a_histogram_holds_the_transit_hour_by_hour(
    min_days: float, spread_days: float, ratio: float
) -> None:
    """The masses are non-negative and sum to 1; nothing arrives before the minimum; at
    least half has arrived by P50 rounded up to the hour and at most half by P50 rounded
    down (likewise 90 % at P90); ready_cdf is the cdf counted from hour 0."""
    t = TransitTime(min_days, min_days + spread_days, min_days + spread_days * ratio)
    h = hourly_histogram(t)
    assert h.p.min() >= 0 and abs(h.p.sum() - 1) < 1e-12
    assert h.offset == math.floor(24 * t.min_days) and h.p[0] == 0
    np.testing.assert_allclose(h.cdf, np.cumsum(h.p), atol=1e-12)
    for q, days in ((0.5, t.p50_days), (0.9, t.p90_days)):
        up, down = math.ceil(24 * days) - h.offset, math.floor(24 * days) - h.offset
        assert h.cdf[up] >= q - 1e-9
        assert down < 0 or h.cdf[down] <= q + 1e-9
    assert not h.ready_cdf[: h.offset].any()
    n = min(len(h.cdf), len(h.ready_cdf) - h.offset)
    np.testing.assert_array_equal(h.ready_cdf[h.offset : h.offset + n], h.cdf[:n])


def test_sampled_transits_follow_the_distribution() -> None:
    """20,000 sampled durations: none below the minimum, the median within 2 % of P50 and
    the 90th percentile within 3 % of P90."""
    t = TransitTime(2.0, 5.0, 9.0)
    days = sample_minutes(t, np.random.default_rng(0), 20_000) / MINUTES_PER_DAY
    assert days.min() >= 2.0
    assert abs(np.median(days) - 5.0) < 0.1 and abs(np.quantile(days, 0.9) - 9.0) < 0.27


def test_clearance_times_by_regime_and_country(tmp_path: Path) -> None:
    """A country's figure overrides its regime's; a regime with no figure is an InvalidRule
    naming the file."""
    path = tmp_path / "clearance.toml"
    path.write_text(
        "[regimes.postal]\nmin = 1\np50 = 2\np90 = 4\n"
        "[countries.BR.postal]\nmin = 3\np50 = 6\np90 = 12\n",
        encoding="utf-8",
    )
    clearance = load_clearance(path)
    assert clearance.time("ES", "postal") == TransitTime(1, 2, 4)
    assert clearance.time("BR", "postal") == TransitTime(3, 6, 12)
    with pytest.raises(InvalidRule, match=f"regime 'ioss' in {re.escape(str(path))}"):
        clearance.time("ES", CustomsRegime.IOSS.value)


def test_a_broken_clearance_file_names_every_problem(tmp_path: Path) -> None:
    """A regime without p90 and a country figure with min above p50 are both reported, each
    by its key; a file that is not TOML is an InvalidRule too."""
    path = tmp_path / "clearance.toml"
    path.write_text(
        "[regimes.postal]\nmin = 1\np50 = 2\n[countries.BR.ioss]\nmin = 3\np50 = 2\np90 = 4\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidRule) as caught:
        load_clearance(path)
    assert "regimes.postal" in str(caught.value) and "countries.BR.ioss" in str(caught.value)
    path.write_text("[regimes\n", encoding="utf-8")
    with pytest.raises(InvalidRule, match=r"clearance\.toml"):
        load_clearance(path)
