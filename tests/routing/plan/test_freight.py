"""routing/plan/freight.py: orders' charge lines on single lanes are `price_parcel`'s; their
sum in another currency converts line by line; a route's freight for the orders of a
commodity adds its legs' (a shared first or last mile priced once)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from carriers.errors import NotPriceable
from carriers.money import Money
from carriers.pricing import price_parcel
from routing.fx import load_fx
from routing.network import Network
from routing.plan import sample_orders
from routing.plan.freight import (
    ChargeParts,
    Destinations,
    LaneCharges,
    PairFreight,
    converted,
    groups,
    members,
)
from routing.plan.matrix import _Billed, _PostalKeys, price_on
from tests.routing.plan.conftest import first_stages

DAY = date(2026, 11, 9)


def test_charge_lines_are_price_parcels_and_add_up_to_price_on(world: Network) -> None:
    """200 sample orders on every service: where the card prices the parcel, its freight,
    remote-area, oversize and fuel lines are `price_parcel`'s (a line it does not list is
    0) and their sum is the lane matrix's `price_on`; where it cannot, not `found`."""
    s = first_stages(world, sample_orders(200, seed=6))
    net, t = world.compiled, s.table
    lanes, billed, keys = LaneCharges(net, t), _Billed(t), _PostalKeys(net, t)
    rows = np.arange(len(t))
    priced = 0
    for k, service in enumerate(net.services):
        parts = lanes.on(k, rows)
        total = price_on(net.lanes, service.rate_card, k, billed, keys, rows)
        for o in range(len(t)):
            dims = (t.length_cm[o], t.width_cm[o], t.height_cm[o])
            try:
                lines = price_parcel(
                    service.rate_card,
                    t.weight_kg[o],
                    dims,
                    t.dest_country[o],
                    t.dest_postal_code[o],
                )
            except NotPriceable:
                assert not parts.found[o]
                continue
            named = {c.name: c.amount.amount for c in lines}
            want = [named.get(n, 0) for n in ("freight", "remote area", "oversize", "fuel")]
            assert parts.found[o] and [int(a[o]) for a in parts.lines] == want, (k, o)
            assert parts.total[o] == total[o]
            priced += 1
    assert priced > 1000


def test_lines_convert_one_by_one(world: Network) -> None:
    """In another currency each line is converted and rounded half up on its own (as
    customs converts freight): the sum of `FxRates.convert` of each line."""
    s = first_stages(world, sample_orders(50, seed=7))
    net, fx = world.compiled, load_fx()
    lanes = LaneCharges(net, s.table)
    k = next(k for k, x in enumerate(net.services) if x.rate_card.currency == "CNY")
    parts = lanes.on(k, np.arange(len(s.table)))
    near = np.zeros(len(s.table), dtype=bool)
    got = converted(parts, "EUR", DAY, fx, near)
    want = [
        sum(fx.convert(m, "EUR", DAY).amount for m in _money(parts, o)) for o in range(len(got))
    ]
    assert got.tolist() == want and not near.any()
    assert converted(parts, "CNY", DAY, fx, near).tolist() == parts.total.tolist()


def _money(parts: ChargeParts, o: int) -> list[Money]:
    return [Money(int(a[o]), parts.currency) for a in parts.lines]


def test_a_routes_freight_adds_its_legs_for_every_order_of_the_pair(world: Network) -> None:
    """Every commodity of 120 sample orders on two of its origin's routes: each order's
    freight is the sum over the legs of its lines in EUR; the cards' totals per currency
    add up to the lines' own sum; elements run pair after pair, in member order."""
    s = first_stages(world, sample_orders(120, seed=8))
    net, fx, com = world.compiled, load_fx(), s.com
    lanes = LaneCharges(net, s.table)
    pc, pr = [], []
    for c in range(len(com)):
        mine = np.flatnonzero(s.routes.origin == com.origin[c])[:2]
        pc += [c] * len(mine)
        pr += mine.tolist()
    legs = s.routes.legs[np.array(pr)].astype(np.int64)
    to = Destinations(np.zeros(len(s.table), dtype=np.int64), ["EUR"], [DAY])
    pair = PairFreight(lanes, com, np.array(pc), legs, to, fx)
    freight, priced, near = pair.freight()
    assert pair.order.tolist() == members(com, np.array(pc)).tolist()
    cards = pair.by_card_currency(np.arange(len(pair.order)))
    for e in range(0, len(pair.order), 7):
        o, j = np.array([pair.order[e]]), pair.pair[e]
        ks = [k for k in legs[j] if k >= 0]
        each = [lanes.on(int(k), o) for k in ks]
        if not all(p.found[0] for p in each):
            assert not priced[e]
            continue
        hit = np.zeros(1, dtype=bool)
        assert freight[e] == sum(int(converted(p, "EUR", DAY, fx, hit)[0]) for p in each)
        by_card: dict[str, int] = {}
        for p in each:
            by_card[p.currency] = by_card.get(p.currency, 0) + int(p.total[0])
        assert {c: int(v[e]) for c, v in cards.items() if v[e]} == {
            c: v for c, v in by_card.items() if v
        }
    assert priced.any() and not near.all()


@pytest.mark.parametrize(
    ("columns", "want"),
    [
        ((np.array([3, 1, 3, 2]),), [[1], [3], [0, 2]]),
        ((np.array(["a", "b", "a"]), np.array([1, 1, 2])), [[0], [1], [2]]),
    ],
)
def test_groups_are_the_positions_of_each_combination(columns: tuple, want: list) -> None:
    assert sorted(g.tolist() for g in groups(*columns)) == sorted(want)
