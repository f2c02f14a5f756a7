"""A forecast as a booking problem: costs scale with the parcels, the booking options'
terms reach the capacity rows, weekly commitments hold within the season only."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from carriers.model import Commitment
from routing.calendar import day_date
from routing.design.forecast import Forecast
from routing.design.orders import SPREAD_FROM
from routing.design.world import WorldDesign, build_design
from routing.network import Network


@pytest.fixture(scope="module")
def design(tiny: Forecast, default_world: Network) -> WorldDesign:
    return build_design(tiny, default_world)


def test_every_commodity_has_columns_and_each_loads_known_rows(design: WorldDesign) -> None:
    p = design.problem
    assert len(p.commodities) == len(design.reps)
    assert set(p.columns.commodity.tolist()) == set(range(len(p.commodities)))
    assert p.columns.rows.min() >= 0 and p.columns.rows.max() < len(p.capacity)
    assert (p.columns.cost > 0).all()


def test_doubling_the_parcels_doubles_every_cost_and_load(
    tiny: Forecast, default_world: Network
) -> None:
    # rows that stay on the same side of SPREAD_FROM when doubled
    same = tiny.take(
        np.flatnonzero((tiny.parcels >= SPREAD_FROM) | (2 * tiny.parcels < SPREAD_FROM))
    )
    doubled = replace(same, kg=same.kg * 2, m3=same.m3 * 2, parcels=same.parcels * 2)
    twice = build_design(doubled, default_world).problem
    p = build_design(same, default_world).problem
    assert np.array_equal(twice.columns.commodity, p.columns.commodity)
    # per parcel the orders are the same, so every column costs twice as much
    assert np.allclose(twice.columns.cost, 2 * p.columns.cost)
    assert np.allclose(twice.commodities.kg, 2 * p.commodities.kg)
    assert np.allclose(twice.commodities.unserved, 2 * p.commodities.unserved)


def test_one_column_per_set_of_rows_and_commodity(design: WorldDesign) -> None:
    cols = design.problem.columns
    seen = set()
    for j in range(len(cols)):
        key = (int(cols.commodity[j]), tuple(sorted(cols.rows_of(j).tolist())))
        assert key not in seen
        seen.add(key)


def test_rows_take_their_services_booking_terms(design: WorldDesign) -> None:
    rows = design.problem.capacity
    net = design.network.compiled
    assert design.booked.all()  # every capacitated line haul of the world has an option
    for r, (k, day) in enumerate(design.keys):
        s = net.services[k]
        b = s.booking
        assert b is not None and s.unit is not None
        assert rows.unit_kg[r] == s.unit.capacity_kg and rows.unit_m3[r] == s.unit.capacity_m3
        assert (rows.min_units[r], rows.max_units[r]) == (b.min_units, b.max_units)
        assert np.isfinite(rows.spot_rate[r]) == (b.spot_rate is not None)
        assert rows.name[r] == f"{s.id}@{day_date(day).isoformat()}"


def test_a_weekly_commitment_is_shared_by_one_weekday_within_the_season(
    design: WorldDesign, tiny: Forecast
) -> None:
    rows = design.problem.capacity
    net = design.network.compiled
    last_day = int(tiny.week.max()) + 6
    groups: dict[int, set] = {}
    for r, (k, day) in enumerate(design.keys):
        weekly = net.services[k].booking.commitment is Commitment.WEEKLY  # type: ignore[union-attr]
        key = (k, day % 7) if weekly and day <= last_day else ("own", r)
        groups.setdefault(int(rows.commitment[r]), set()).add(key)
    assert all(len(keys) == 1 for keys in groups.values())  # one group, one key
    assert len(groups) == len({next(iter(k)) for k in groups.values()})
