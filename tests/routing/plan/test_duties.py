"""routing/plan/duties.py: DDP duties and taxes per order and route, computed once per duty
class (market, HS code, category, currency, value band) and clearing signature (the
route's import-clearing services) by the customs engine, and applied to the class's
orders as a share of their value. Worked by hand on the two-lane world: Spain charges
a flat EUR 3 of duty per subheading and 21 % VAT on goods, freight and duty."""

from __future__ import annotations

import numpy as np
import pytest

from routing.network import Network
from routing.plan.duties import Duties, clearing_signatures, duty_classes
from tests.routing.plan.conftest import first_stages, one_kilo_orders


def _duties(network: Network, values: list[str]):
    frame = one_kilo_orders(len(values))
    frame["value"] = values
    s = first_stages(network, frame)
    duties = Duties(network, s.table, s.com, s.routes, s.fx, s.at, "EUR")
    return s, duties


def test_a_classes_duty_is_the_customs_engines_on_its_first_order(two_lanes: Network) -> None:
    """EUR 10 of T-shirts from Yiwu by rail and post (EUR 2 of freight): duty EUR 3,
    VAT 21 % of (10 + 2 + 3) = EUR 3.15, EUR 6.15 in all, on either line-haul (both
    clear through the post, so they share the figure)."""
    s, duties = _duties(two_lanes, ["10.00"])
    pc, pr = np.zeros(2, dtype=np.int64), np.flatnonzero(s.routes.origin == "CN-YIW-WH")
    assert len(pr) == 2
    assert duties.pair_means(pc, pr).tolist() == pytest.approx([615.0, 615.0])
    assert duties.of(np.array([0, 0]), pr).tolist() == pytest.approx([615.0, 615.0])


def test_orders_of_a_class_pay_its_share_of_their_value(two_lanes: Network) -> None:
    """EUR 10 and EUR 20 are one class (both up to EUR 22): the EUR 20 order pays the
    EUR 10 order's 61.5 %, EUR 12.30. EUR 30 is the next band, its own class, priced on
    itself: EUR 3 + 21 % of (30 + 2 + 3) = EUR 10.35. The commodity's mean is theirs."""
    s, duties = _duties(two_lanes, ["10.00", "20.00", "30.00"])
    assert s.com.count.tolist() == [3]  # one commodity, three duty classes' worth
    rail = int(np.flatnonzero(s.routes.origin == "CN-YIW-WH")[0])
    mean = duties.pair_means(np.array([0]), np.array([rail]))
    got = duties.of(np.array([0, 1, 2]), np.full(3, rail))
    assert got.tolist() == pytest.approx([615.0, 1230.0, 1035.0])
    assert mean.tolist() == pytest.approx([(615 + 1230 + 1035) / 3])


def test_duty_classes_split_by_market_goods_currency_and_value_band(two_lanes: Network) -> None:
    """EUR 10, 20 and 22 share the band up to EUR 22; 22.01 and 30 the next; the same
    EUR 10 with another HS code, or in another currency, is a class of its own."""
    frame = one_kilo_orders(7)
    frame["value"] = ["10.00", "20.00", "22.00", "22.01", "30.00", "10.00", "10.00"]
    frame.loc[5, "hs_code"] = "610510"
    frame.loc[6, "currency"] = "USD"
    s = first_stages(two_lanes, frame)
    value_eur = s.table.value_minor / 100.0  # the EUR orders' values; USD is apart anyway
    cls = duty_classes(s.table, value_eur).tolist()
    assert cls[0] == cls[1] == cls[2]
    assert cls[3] == cls[4] != cls[0]
    assert len({cls[0], cls[3], cls[5], cls[6]}) == 4


def test_routes_share_a_clearing_signature_exactly_when_they_clear_alike(world: Network) -> None:
    """Every route from Yiwu in the default world: two routes have the same id iff
    the tuples of their import-clearing services are the same."""
    s = first_stages(world, one_kilo_orders(1))
    net = world.compiled
    ids = clearing_signatures(s.routes, net)
    clears = [
        tuple(int(k) for k in legs if k >= 0 and net.services[k].customs.clears_import)
        for legs in s.routes.legs
    ]
    assert len(set(clears)) > 1
    by_tuple = dict(zip(clears, ids.tolist(), strict=True))
    assert len(set(by_tuple.values())) == len(by_tuple)
    assert all(by_tuple[c] == i for c, i in zip(clears, ids.tolist(), strict=True))
