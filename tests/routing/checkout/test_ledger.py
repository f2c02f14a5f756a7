"""routing/checkout/ledger.py: what a simulated week has sold, and how an order rides an
option over it: booked room, spot, or refused."""

from __future__ import annotations

import math

import pytest

from routing.capacity.state import CapacityView, Sold
from routing.checkout.arrivals import peak_arrivals, scaled_limits
from routing.checkout.costs import CostBook
from routing.checkout.ledger import Ledger, overflow
from routing.checkout.offline import Prices
from routing.network import Network
from routing.orders import Order
from routing.quote import quote
from routing.quote.capacity import order_load
from routing.quote.records import Option


@pytest.fixture(scope="module")
def case(default_world: Network) -> tuple[Ledger, Order, tuple[Option, ...]]:
    """An order of a peak week whose options take capacitated departures with spot, and
    an empty ledger over the default world's whole capacity."""
    week = peak_arrivals("peak", seed=1, arrivals=40)
    limits = scaled_limits(default_world, 1.0)
    ledger = Ledger(default_world, limits, CostBook(default_world), 1.0)
    for order in week.orders:
        options = quote(order, default_world, capacity=CapacityView(limits)).options
        if any(o.departures and ledger.spot(_key(o)) for o in options):
            return ledger, order, options
    raise AssertionError("no order of the week takes a departure with spot")


def _key(option: Option) -> tuple:
    d = option.departures[0]
    return (d.service, d.date)


def test_an_order_takes_booked_room_then_spot_once_it_is_full(case) -> None:
    ledger, order, options = case
    option = next(o for o in options if o.departures and ledger.spot(_key(o)))
    key, (kg, m3) = _key(option), order_load(order)
    ride, extra = ledger.spot_plan(order, option)
    assert ride[0] == (key, 0.0) and extra == 0.0  # room, no prices: booked, free
    cap_kg, _ = ledger.left(key)
    ledger.sold[key] = Sold(cap_kg - kg / 2, 0.0)  # half the order's kg left
    rate, kg_per_m3 = ledger.spot(key)
    charged = max(kg, m3 * kg_per_m3)
    ride, extra = ledger.spot_plan(order, option)
    assert ride[0] == (key, charged) and extra == pytest.approx(rate * charged)
    ledger.ship(order, ride)
    assert ledger.spot_used[key] == charged and ledger.sold[key].kg == cap_kg - kg / 2
    ledger.spot_used[key] = ledger.spot_left(key) + ledger.spot_used[key] - charged / 2
    assert ledger.spot_plan(order, option) is None  # no room, not enough spot: no ride
    ledger.sold.clear()
    ledger.spot_used.clear()


def test_a_bid_price_above_spots_moves_the_order_to_spot(case) -> None:
    ledger, order, options = case
    option = next(o for o in options if o.departures and ledger.spot(_key(o)))
    key = _key(option)
    rate, _ = ledger.spot(key)
    dear = Prices({key: (1e9, 1e9)}, {})
    ride, _ = ledger.spot_plan(order, option, dear)
    assert ride[0][0] == key and ride[0][1] > 0
    cheap = Prices({key: (1e-9, 0.0)}, {})
    assert ledger.spot_plan(order, option, cheap)[0][0] == (key, 0.0)
    assert not math.isinf(rate)


def test_bid_price_refuses_an_order_whose_room_is_worth_more_to_others(case) -> None:
    """An order no quote offered room to ships on its cheapest way; with a bid price on
    its departures above what leaving it unplanned costs, it is refused instead."""
    ledger, order, options = case
    costs = ledger.costs
    assert overflow(order, options, ledger, costs, None) is not None
    dear = {(d.service, d.date): (1e6, 1e6) for o in options for d in o.departures}
    refused = overflow(order, options, ledger, costs, Prices(dear, dict.fromkeys(dear, 1e6)))
    if all(o.departures for o in options):
        assert refused is None
    assert overflow(order, options, ledger, costs, Prices({}, {})) is not None
