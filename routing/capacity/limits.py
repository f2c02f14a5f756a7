"""What one departure of a service can carry: the network's figure (`Service.capacity`),
overridden by a capacity file (`routing.capacity.file`): a row for the service and its
date first, else a row for every departure of the service, else the network."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from routing.calendar import day_number
from routing.capacity.file import Override
from routing.network import CompiledNetwork


class CapacityLimits:
    """The capacity (kg, m3; inf = not limited) of each departure of a network's
    services, under a capacity file's overrides."""

    def __init__(self, net: CompiledNetwork, overrides: Iterable[Override] = ()) -> None:
        self.net = net
        self.overrides = tuple(overrides)
        self._exact = {(o.service, o.day): o for o in self.overrides if o.day is not None}
        self._every = {o.service: o for o in self.overrides if o.day is None}
        self._listed = {o.service for o in self.overrides}
        self._legs: dict[tuple[int, ...], tuple[int, ...]] = {}  # by route: capacitated legs
        self._dated: dict[tuple[int, date], tuple[float, float]] = {}  # `on`, kept

    def capacitated(self, k: int) -> bool:
        """Whether some departure of service k may be limited (network or file)."""
        cap = self.net.services[k].capacity
        return cap.kg is not None or cap.m3 is not None or k in self._listed

    def capacitated_legs(self, route: tuple[int, ...]) -> tuple[int, ...]:
        """The positions of the route's (compiled service indices) capacitated legs; kept
        per route (limits never change once made)."""
        found = self._legs.get(route)
        if found is None:
            found = tuple(i for i, k in enumerate(route) if self.capacitated(k))
            if len(self._legs) < 65_536:
                self._legs[route] = found
        return found

    def of(self, k: int, day: int) -> tuple[float, float]:
        """kg and m3 the departure of service k on local day number `day` can carry."""
        cap = self.net.services[k].capacity
        kg, m3 = _or_inf(cap.kg), _or_inf(cap.m3)
        for o in (self._every.get(k), self._exact.get((k, day))):
            if o is not None:
                kg = kg if o.kg is None else o.kg
                m3 = m3 if o.m3 is None else o.m3
        return kg, m3

    def on(self, k: int, day: date) -> tuple[float, float]:
        """`of` by the departure's local date; kept per departure (a quote asks it for
        every capacitated leg of every route, and limits never change once made)."""
        found = self._dated.get((k, day))
        if found is None:
            found = self.of(k, day_number(day))
            if len(self._dated) < 65_536:
                self._dated[(k, day)] = found
        return found

    def dated(self) -> list[tuple[int, int]]:
        """The (service, day) departures the file names by date."""
        return sorted(self._exact)


def _or_inf(value: float | None) -> float:
    return math.inf if value is None else float(value)
