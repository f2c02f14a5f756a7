"""Capacity state and bid prices, read by the quote engine to steer checkout options.

    CapacityLimits(net, overrides)   what each departure can carry (network, capacity file)
    read_capacity(path, net)         a capacity file (bookings.csv of `glocal design`)
    planned_departures(...)          the departures an order on a route takes
    CapacityView                     limits and what is sold: which departures have room

The planner writes bid prices (`glocal plan --publish`); the server keeps what is sold
(`api.store`) and hands the quote engine a `CapacityView`.
"""

from routing.capacity.file import CAPACITY_COLUMNS, Override, read_capacity
from routing.capacity.limits import CapacityLimits

__all__ = ["CAPACITY_COLUMNS", "CapacityLimits", "Override", "read_capacity"]
