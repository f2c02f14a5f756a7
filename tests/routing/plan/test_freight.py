"""routing/plan/freight.py: a route's freight for the orders of a commodity adds its legs'
(a shared first or last mile priced once)."""

from __future__ import annotations

from datetime import date

import numpy as np

from routing.fx import load_fx
from routing.network import Network
from routing.plan import sample_orders
from routing.plan.charges import LaneCharges, converted
from routing.plan.freight import Destinations, PairFreight, members
from tests.routing.plan.conftest import first_stages

DAY = date(2026, 11, 9)


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
