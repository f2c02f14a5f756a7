"""carriers/model.py: the supply side's records and what they decide: transit-time
quantiles, postal-code coverage by longest prefix, battery ranks, services as entities."""

from __future__ import annotations

import math
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.model import (
    BatteryClass,
    Coverage,
    Mode,
    Schedule,
    Service,
    TransitTime,
)
from tests.helpers import DAILY, card


def test_p50_and_p90_are_the_figures_given() -> None:
    """The log-normal is fixed by min, P50 and P90, so those quantiles come back as given:
    2, 3 and 5 days; P95 lies beyond P90."""
    t = TransitTime(2, 3, 5)
    assert t.quantile(0.5) == pytest.approx(3)
    assert t.quantile(0.9) == pytest.approx(5)
    assert t.p95_days > 5
    assert t.mu == pytest.approx(0.0)  # log(3 - 2)
    assert t.sigma == pytest.approx(math.log(3) / 1.2815515655446004)  # log((5-2)/(3-2)) / z90


@given(
    low=st.floats(0, 20),
    gaps=st.tuples(st.floats(0.01, 20), st.floats(0.01, 40)),
    qs=st.tuples(st.floats(0.001, 0.999), st.floats(0.001, 0.999)),
)
def test_quantiles_rise_and_never_fall_below_the_minimum(
    low: float, gaps: tuple[float, float], qs: tuple[float, float]
) -> None:
    """For any valid transit, a higher probability never gives an earlier day, and no
    quantile is under the minimum."""
    t = TransitTime(low, low + gaps[0], low + gaps[0] + gaps[1])
    a, b = sorted(qs)
    assert low <= t.quantile(a) <= t.quantile(b)


@pytest.mark.parametrize(("lo", "p50", "p90"), [(-1, 2, 3), (2, 2, 3), (1, 3, 3), (1, 4, 3)])
def test_transit_figures_out_of_order_are_refused(lo: float, p50: float, p90: float) -> None:
    """0 <= min < p50 < p90, or a ValueError naming all three."""
    with pytest.raises(ValueError, match=f"got {lo}, {p50}, {p90}"):
        TransitTime(lo, p50, p90)


def test_batteries_rank_from_none_to_loose() -> None:
    """None < in equipment < loose: the order restrictions compare on."""
    assert [b.rank for b in BatteryClass] == [0, 1, 2]
    assert BatteryClass.LOOSE.rank > BatteryClass.IN_EQUIPMENT.rank > BatteryClass.NONE.rank


@pytest.mark.parametrize(
    ("code", "covered"),
    [
        ("28013", True),  # only "" matches: the whole country
        ("35101", False),  # "35" excepted (the Canaries), "350" does not match
        ("35 012", True),  # "350" is listed: longer than the exception
        ("07-001", False),  # dashes dropped: "07" excepted
        ("", True),
    ],
)
def test_the_longest_matching_prefix_decides(code: str, covered: bool) -> None:
    """Everything in ES but the 35 and 07 areas, except 350xx: worked out prefix by prefix."""
    coverage = Coverage("ES", ("", "350"), ("35", "07"))
    assert coverage.covers("ES", code) is covered


def test_coverage_reads_codes_as_written_on_parcels() -> None:
    """Lower case and spaces do not matter ('sw1a 1aa' is SW1A1AA); another country is
    never covered, whatever its code."""
    coverage = Coverage("GB", ("SW1A", "EC"))
    assert coverage.covers("GB", "sw1a 1aa") and coverage.covers("GB", "EC1A-1BB")
    assert not coverage.covers("GB", "N1 9GU")
    assert not coverage.covers("IE", "SW1A 1AA")


def service(coverage: tuple[Coverage, ...]) -> Service:
    return Service(
        "s",
        "c",
        "s",
        "A",
        "B",
        Mode.ROAD,
        card(100, 0),
        TransitTime(1, 2, 3),
        DAILY,
        coverage=coverage,
    )


def test_a_service_covers_what_any_of_its_coverages_covers() -> None:
    """Spain but the Canaries, and Portugal: both countries, not the excepted codes."""
    s = service((Coverage("ES", ("",), ("35",)), Coverage("PT", ("",))))
    assert s.covers("ES", "28013") and s.covers("PT", "1000-001")
    assert not s.covers("ES", "35001") and not s.covers("FR", "75001")
    assert not service(()).covers("ES", "28013")


def test_services_are_entities() -> None:
    """Two services with the same fields are two services: equal only to themselves,
    hashed by identity (caches key on them)."""
    a, b = service(()), service(())
    assert a == a and a != b
    assert len({a, b, a}) == 2


def test_a_schedule_is_daily_with_seven_departure_days() -> None:
    """Seven weekdays is daily; Tuesday and Friday is not."""
    assert DAILY.is_daily
    assert not Schedule(frozenset({1, 4}), time(18), False).is_daily
