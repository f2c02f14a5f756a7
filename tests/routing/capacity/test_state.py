"""routing/capacity/state.py: room on a departure is its capacity less what is sold, on
weight and volume alike."""

from __future__ import annotations

from datetime import date

from routing.capacity import CapacityLimits, Override
from routing.capacity.state import CapacityView, Sold
from routing.network import load_network
from tests.api.live import TINY

DAY = date(2026, 12, 1)


def test_room_is_capacity_less_sold_on_both_dimensions() -> None:
    net = load_network(TINY).compiled
    k = net.service_index["skyline-pvg-mad"]
    view = CapacityView(
        CapacityLimits(net, [Override(k, None, 10.0, 1.0)]),
        {("skyline-pvg-mad", DAY): Sold(kg=9.0, m3=0.2)},
    )
    assert view.remaining(k, DAY) == (1.0, 0.8)
    assert view.has_room(k, DAY, 1.0, 0.1)
    assert not view.has_room(k, DAY, 1.5, 0.1)  # weight binds
    assert not view.has_room(k, DAY, 0.5, 0.9)  # volume binds
    assert view.has_room(k, date(2026, 12, 4), 10.0, 1.0)  # nothing sold on Friday's
