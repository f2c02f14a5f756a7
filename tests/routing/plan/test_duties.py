"""routing/plan/duties.py: each order's own DDP duties and taxes on each route, as the quote
engine lists them in the plan's currency. Worked by hand on the two-lane world (from
2026-07-01 Spain charges the EU's flat EUR 3 of duty per subheading up to EUR 150, and
21 % VAT on goods, freight and duty; before, no duty up to EUR 150), and held to the
customs engine over the default world's sample orders on every open route."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from carriers.pricing import price_parcel
from routing.customs import landed_cost, load_rules
from routing.network import Network
from routing.plan import sample_orders
from routing.plan.classes import DutyClasses
from routing.plan.duties import Duties
from routing.plan.universe import open_pairs
from routing.quote.charges import Converter, duty_lines
from tests.routing.plan.conftest import first_stages, one_kilo_orders


def _duties(network: Network, frame: pd.DataFrame) -> tuple[SimpleNamespace, Duties]:
    s = first_stages(network, frame)
    return s, Duties(network, s.table, s.com, s.routes, s.fx, s.at, "EUR")


def _by(s: SimpleNamespace, network: Network, service: str) -> int:
    """The route from Yiwu through `service` (lanes-rail or lanes-air)."""
    k = network.compiled.service_index[service]
    return int(np.flatnonzero((s.routes.legs == k).any(axis=1))[0])


def test_each_order_pays_its_own_duties_not_a_share_of_its_value(two_lanes: Network) -> None:
    """EUR 10 of T-shirts from Yiwu by rail and post (EUR 1 + EUR 1 of freight): duty EUR
    3, VAT 21 % of (10 + 2 + 3) = EUR 3.15, EUR 6.15 in all. EUR 20: 3 + 21 % of 25 = EUR
    8.25 (not twice EUR 6.15); EUR 30: 3 + 21 % of 35 = EUR 10.35. By air the freight is
    EUR 4 (VAT on it too): EUR 6.57, 8.67, 10.77. A commodity's mean is its orders'."""
    frame = one_kilo_orders(3)
    frame["value"] = ["10.00", "20.00", "30.00"]
    s, duties = _duties(two_lanes, frame)
    rail, air = _by(s, two_lanes, "lanes-rail"), _by(s, two_lanes, "lanes-air")
    assert s.com.count.tolist() == [3]
    means = duties.pair_means(np.zeros(2, dtype=np.int64), np.array([rail, air]))
    assert means.tolist() == pytest.approx([(615 + 825 + 1035) / 3, (657 + 867 + 1077) / 3])
    assert duties.of(np.arange(3), np.full(3, rail)).tolist() == [615, 825, 1035]
    assert duties.of(np.arange(3), np.full(3, air)).tolist() == [657, 867, 1077]


def test_an_order_is_costed_on_the_day_it_was_made_as_written(two_lanes: Network) -> None:
    """EUR 10 made on 30 June 2026 pays no duty (relief up to EUR 150) and VAT of
    21 % of (10 + 2) = EUR 2.52; made on 1 July, EUR 6.15. At 01:00 on 1 July at +08:00
    (still 30 June in UTC) it is made on 1 July, as a quote at checkout sees it."""
    frame = one_kilo_orders(3)
    frame["created_at"] = [
        "2026-06-30T12:00:00+02:00",
        "2026-07-01T12:00:00+02:00",
        "2026-07-01T01:00:00+08:00",
    ]
    s, duties = _duties(two_lanes, frame)
    rail = _by(s, two_lanes, "lanes-rail")
    assert duties.of(np.arange(3), np.full(3, rail)).tolist() == [252, 615, 615]


def test_a_pair_not_asked_for_before_is_learnt_by_of(two_lanes: Network) -> None:
    """`of` on a route whose pair `pair_means` never saw computes it (and keeps it)."""
    s, duties = _duties(two_lanes, one_kilo_orders(2))
    air = _by(s, two_lanes, "lanes-air")
    assert duties.of(np.array([1, 0]), np.array([air, air])).tolist() == [657, 657]
    assert duties.pair_means(np.array([0]), np.array([air])).tolist() == [657]


def test_duties_are_the_customs_engines_for_every_order_on_every_open_route(
    world: Network,
) -> None:
    """300 sample orders (seed 4), every open route of their commodities: each order's
    duties are those the customs engine gives the order on the route (its own charges,
    its own day, each line converted to EUR and rounded as a quote does)."""
    s, duties = _duties(world, sample_orders(300, seed=4))
    pairs = open_pairs(s.routes, s.com, 8)
    duties.pair_means(pairs.commodity, pairs.route)
    classes = DutyClasses(world, s.table, s.fx)
    rules, net = load_rules(), world.compiled
    rng = np.random.default_rng(4)
    picked = rng.choice(len(pairs), 150, replace=False)
    checked = 0
    for c, r in zip(pairs.commodity[picked], pairs.route[picked], strict=True):
        o = int(rng.choice(s.com.orders_of(int(c))))
        order, route = classes.order(o), s.routes.services(net, int(r))
        to, parcel = order.destination, order.parcels[0]
        charges = [
            x
            for leg in route
            for x in price_parcel(
                leg.rate_card, parcel.weight_kg, parcel.dims_cm, to.country, to.postal_code
            )
        ]
        day = order.created_at.date()
        landed = landed_cost(order, route, charges, day, rules, s.fx, network=world)
        lines = duty_lines(landed, Converter(s.fx, "EUR", day))
        want = sum(line.amount.amount for line in lines)
        assert duties.of(np.array([o]), np.array([r])).tolist() == [want], (order, r)
        checked += want > 0
    assert checked > 50  # most pay something: the check is not of zeros
