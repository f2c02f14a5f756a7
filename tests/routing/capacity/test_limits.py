"""routing/capacity/limits.py: a departure's capacity is the network's, overridden by a
row for every departure of its service, overridden in turn by a row for its date."""

from __future__ import annotations

import math

from routing.capacity import CapacityLimits, Override
from routing.network import load_network
from tests.api.live import TINY


def test_dated_rows_beat_undated_rows_beat_the_network() -> None:
    net = load_network(TINY).compiled
    k = net.service_index["skyline-pvg-mad"]
    other = net.service_index["feeder-yiw-pvg"]
    limits = CapacityLimits(net, [Override(k, None, 100.0, None), Override(k, 7, None, 0.5)])
    assert limits.capacitated(k) and not limits.capacitated(other)
    assert limits.of(k, 6) == (100.0, math.inf)
    assert limits.of(k, 7) == (100.0, 0.5)
    assert limits.of(other, 7) == (math.inf, math.inf)
    assert limits.dated() == [(k, 7)]
    assert not CapacityLimits(net).capacitated(k)  # the tiny network limits nothing


def test_a_routes_capacitated_legs_are_its_limited_services_positions() -> None:
    net = load_network(TINY).compiled
    k = net.service_index["skyline-pvg-mad"]
    other = net.service_index["feeder-yiw-pvg"]
    limits = CapacityLimits(net, [Override(k, None, 100.0, None)])
    assert limits.capacitated_legs((other, k)) == (1,)
    assert limits.capacitated_legs((other, k)) == (1,)  # kept
    assert limits.capacitated_legs((other,)) == ()
