"""routing/design/history.py: an order history summed per origin, zone, week and class,
checked by hand on five orders of the default world."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.calendar import day_number
from routing.design.history import destination_zones, forecast_from_orders, values_eur
from routing.fx import load_fx
from routing.network import Network
from routing.plan.table import OrdersTable, validate_orders
from tests.routing.design.conftest import HISTORY, history_frame


def orders(network: Network, rows: list[tuple] = HISTORY) -> OrdersTable:
    table, invalid = validate_orders(history_frame(rows), network)
    assert invalid == []
    return table


def rows_of(forecast) -> dict[tuple, tuple]:
    frame = forecast.frame()
    return {
        tuple(r[:6]): (round(r.kg, 9), round(r.m3, 12), r.parcels, r.season)
        for r in frame.itertuples(index=False)
    }


def test_orders_are_summed_per_origin_zone_week_and_class(default_world: Network) -> None:
    """A and B (Yiwu to Madrid, 12 days, under EUR 50, created in the 11.11 week) make one
    row of 3.5 kg, 0.003 m3, 2 parcels; C (a battery, to the Canaries, no date, USD 200)
    joins the same week on a Sunday evening in Yiwu; D is created past midnight into the
    next week; E leaves the hub for China at exactly EUR 150 (the high band's floor)."""
    found = rows_of(forecast_from_orders(orders(default_world), default_world))
    assert found == {
        ("CN-SZX-WH", "US-NAT-ZONE", "2026-11-16", "liquid", "standard", "mid"): (
            1.25, 0.004, 1, "normal"),
        ("CN-YIW-WH", "ES-CNR-ZONE", "2026-11-09", "battery", "none", "high"): (
            0.5, 0.0005, 1, "peak"),
        ("CN-YIW-WH", "ES-PEN-ZONE", "2026-11-09", "general", "express", "low"): (
            3.5, 0.003, 2, "peak"),
        ("ES-MAD-HUB", "CN-NAT-ZONE", "2026-11-02", "general", "economy", "high"): (
            0.75, 0.001, 1, "normal"),
    }  # fmt: skip


def test_weeks_keeps_the_last_calendar_weeks(default_world: Network) -> None:
    """weeks=1 keeps only the latest week's order (D); weeks=2 adds the 11.11 week's."""
    table = orders(default_world)
    last = forecast_from_orders(table, default_world, weeks=1)
    assert last.weeks() == [date(2026, 11, 16)] and last.parcels.sum() == 1
    two = forecast_from_orders(table, default_world, weeks=2)
    assert two.weeks() == [date(2026, 11, 9), date(2026, 11, 16)]
    assert two.parcels.sum() == 4
    with pytest.raises(InvalidPlanInput, match="weeks must be >= 1"):
        forecast_from_orders(table, default_world, weeks=0)


def test_the_zone_is_the_one_the_covering_last_mile_services_reach(
    default_world: Network,
) -> None:
    """Madrid's 28001 is the peninsula, 35001 the Canaries; Vatican City's 00120, which no
    Italian last-mile service covers, has no zone and is left out of the forecast."""
    vatican = ("F", "CN-YIW-WH", "IT", "00120", 1.0, (10, 10, 10), "10.00", "EUR", "apparel",
               "none", "false", "2026-11-10T10:00:00+08:00", "")  # fmt: skip
    table = orders(default_world, [*HISTORY, vatican])
    zones = destination_zones(table, default_world)
    assert zones.tolist() == [
        "ES-PEN-ZONE", "ES-PEN-ZONE", "ES-CNR-ZONE", "US-NAT-ZONE", "CN-NAT-ZONE", None
    ]  # fmt: skip
    forecast = forecast_from_orders(table, default_world)
    assert forecast.parcels.sum() == len(HISTORY)


def test_values_are_converted_to_eur_at_the_rate_of_the_order_day(
    default_world: Network,
) -> None:
    """C's USD 200 is 200 times the USD->EUR rate in force on 15 November 2026."""
    table = orders(default_world)
    rate = float(load_fx().rate("USD", "EUR", date(2026, 11, 15)).rate)
    assert values_eur(table, load_fx())[2] == pytest.approx(200 * rate)
    assert values_eur(table, load_fx())[0] == pytest.approx(10.0)


def test_an_empty_history_is_refused(default_world: Network) -> None:
    table = orders(default_world).take(np.array([], dtype=np.int64))
    with pytest.raises(InvalidPlanInput, match="no orders"):
        forecast_from_orders(table, default_world)


def test_weeks_are_day_numbers_of_mondays(default_world: Network) -> None:
    forecast = forecast_from_orders(orders(default_world), default_world)
    assert set(forecast.week.tolist()) == {day_number(date(2026, 11, d)) for d in (2, 9, 16)}
