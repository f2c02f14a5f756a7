"""The representative orders of a forecast: what each stands for adds up to its row."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from routing.calendar import day_date
from routing.design.classes import DEADLINE_DAYS
from routing.design.forecast import Forecast
from routing.design.orders import READY_DAYS, SPREAD_FROM, representatives, zone_postal_code
from routing.network import Network


def test_parcels_kg_and_m3_add_up_to_the_rows(tiny: Forecast, default_world: Network) -> None:
    reps = representatives(tiny, default_world)
    for column in ("parcels", "kg", "m3"):
        per_row = np.bincount(reps.row, getattr(reps, column), len(tiny))
        assert np.allclose(per_row, np.asarray(getattr(tiny, column), dtype=float))


def test_big_rows_spread_over_the_week_small_ones_on_wednesday(
    tiny: Forecast, default_world: Network
) -> None:
    reps = representatives(tiny, default_world)
    created = reps.orders.created_day
    for r in range(len(tiny)):
        days = sorted(int(d) - int(tiny.week[r]) for d in created[reps.row == r])
        big = tiny.parcels[r] >= SPREAD_FROM
        assert days == (list(READY_DAYS) if big else [READY_DAYS[1]])


def test_each_order_is_its_rows_average_parcel_due_by_its_class(
    tiny: Forecast, default_world: Network
) -> None:
    reps = representatives(tiny, default_world)
    t = reps.orders
    for i in range(len(reps)):
        r = reps.row[i]
        assert t.weight_kg[i] == pytest.approx(tiny.kg[r] / tiny.parcels[r], abs=1e-3)
        side = (tiny.m3[r] / tiny.parcels[r] * 1e6) ** (1 / 3)
        assert t.length_cm[i] == pytest.approx(side, abs=0.06)
        due = day_date(int(t.created_day[i])) + timedelta(
            days=DEADLINE_DAYS[tiny.deadline_class[r]]
        )
        assert day_date(int(t.deliver_by[i])) == due
    restriction = np.asarray(tiny.restriction)[reps.row]
    assert set(t.battery[restriction == "battery"]) == {1}  # in the equipment
    assert set(t.battery[restriction != "battery"]) == {0}
    assert (t.liquid == (restriction == "liquid")).all()


def test_a_zones_postal_code_is_one_its_last_mile_covers(default_world: Network) -> None:
    for zone in ("ES-PEN-ZONE", "ES-CNR-ZONE", "GB-NAT-ZONE", "BR-NAT-ZONE", "CN-NAT-ZONE"):
        code = zone_postal_code(default_world, zone)
        country = default_world.nodes[zone].country
        into = [s for s in default_world.services if s.to_node == zone]
        assert any(s.covers(country, code) for s in into), (zone, code)
