"""routing/plan/charges.py: orders' charge lines on single lanes are `price_parcel`'s; in
another currency they convert line by line; orders group by the values of columns."""

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
from routing.plan.charges import ChargeParts, LaneCharges, converted, groups
from tests.routing.plan.conftest import first_stages

DAY = date(2026, 11, 9)


def test_charge_lines_are_price_parcels(world: Network) -> None:
    """200 sample orders on every service: where the card prices the parcel, its freight,
    remote-area, oversize and fuel lines are `price_parcel`'s (a line it does not list is
    0); where it cannot, not `found`."""
    s = first_stages(world, sample_orders(200, seed=6))
    net, t = world.compiled, s.table
    lanes = LaneCharges(net, t)
    rows = np.arange(len(t))
    priced = 0
    for k, service in enumerate(net.services):
        parts = lanes.on(k, rows)
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
            assert parts.total[o] == sum(want)
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


@pytest.mark.parametrize(
    ("columns", "want"),
    [
        ((np.array([3, 1, 3, 2]),), [[1], [3], [0, 2]]),
        ((np.array(["a", "b", "a"]), np.array([1, 1, 2])), [[0], [1], [2]]),
    ],
)
def test_groups_are_the_positions_of_each_combination(columns: tuple, want: list) -> None:
    assert sorted(g.tolist() for g in groups(*columns)) == sorted(want)
