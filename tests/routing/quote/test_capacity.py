"""routing/quote/capacity.py: with capacity known, each option names the capacitated
departures it takes, and an option whose departure has no room is excluded with reason
`no_capacity`."""

from __future__ import annotations

from datetime import date

from routing.capacity import CapacityLimits, Override
from routing.capacity.state import CapacityView, Sold
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import quote
from routing.quote.capacity import order_load
from routing.quote.records import Departure
from tests.api.live import TINY, tiny_order

TUESDAY = date(2026, 12, 1)


def test_an_option_on_a_full_departure_is_excluded_with_no_capacity() -> None:
    network = load_network(TINY)
    order = parse_order(tiny_order())
    k = network.compiled.service_index["skyline-pvg-mad"]
    limits = CapacityLimits(network.compiled, [Override(k, None, 100.0, None)])
    free = quote(order, network, capacity=CapacityView(limits))
    assert free.options and all(
        o.departures == (Departure("skyline-pvg-mad", TUESDAY),) for o in free.options
    )
    kg, _ = order_load(order)
    almost = {("skyline-pvg-mad", TUESDAY): Sold(kg=100.0 - kg + 0.01)}
    full = quote(order, network, capacity=CapacityView(limits, almost))
    assert full.options == ()
    [why] = [r for e in full.excluded for r in e.reasons]
    assert why.code == "no_capacity" and "skyline-pvg-mad departing 2026-12-01" in why.message
    just = {("skyline-pvg-mad", TUESDAY): Sold(kg=100.0 - kg)}  # exactly the order's room
    assert quote(order, network, capacity=CapacityView(limits, just)).options
    assert quote(order, network).options[0].departures == ()  # capacity unknown: none named
