"""Orders' carrier charges on single lanes, itemised as the quote engine itemises them, for
(order, service) pairs: the freight, the remote-area and oversize surcharges and the fuel
line (`routing.network.lanes.ParcelCharges.itemised`, a twin of `price_parcel`), each in
the card's minor units; and what they come to in another currency, converted line by line
and rounded half up, as customs converts the freight of a customs value.

The steps are `routing.plan.matrix.price_on`'s, kept apart by line (`price_on` adds them
up; a test holds the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from carriers.money import minor_units
from routing.fx import FxRates
from routing.network import CompiledNetwork
from routing.network.lanes import _KEY
from routing.plan.commodities import Commodities
from routing.plan.exact import times
from routing.plan.matrix import _Billed, _PostalKeys, _remote, _zones
from routing.plan.table import OrdersTable


@dataclass(frozen=True)
class ChargeParts:
    """The lines of orders on one service, in minor units of its card's currency."""

    freight: np.ndarray  # int64
    remote: np.ndarray  # int64, 0 if none
    oversize: np.ndarray  # int64, 0 if none
    fuel: np.ndarray  # int64 (a fuel line of 0 is still a line)
    found: np.ndarray  # bool: the card has a zone and a weight break for the parcel
    currency: str  # the card's

    @property
    def total(self) -> np.ndarray:
        return self.freight + self.remote + self.oversize + self.fuel

    @property
    def lines(self) -> tuple[np.ndarray, ...]:
        return (self.freight, self.remote, self.oversize, self.fuel)

    def take(self, rows: np.ndarray) -> ChargeParts:
        return ChargeParts(
            self.freight[rows],
            self.remote[rows],
            self.oversize[rows],
            self.fuel[rows],
            self.found[rows],
            self.currency,
        )


class LaneCharges:
    """Charges of the orders of one table on the lanes of one network (postal-code groups
    and billed weights are worked out once, on first use)."""

    def __init__(self, net: CompiledNetwork, orders: OrdersTable) -> None:
        self.net, self.orders = net, orders
        self._keys: _PostalKeys | None = None
        self._weights: _Billed | None = None
        self._first = np.zeros(0, dtype=np.int64)  # an order of each postal group
        self._zone: dict[int, np.ndarray] = {}  # per service: zone per postal group
        self._remote: dict[int, np.ndarray] = {}  # per service: surcharge per postal group

    def on(self, k: int, rows: np.ndarray) -> ChargeParts:
        """The charge lines of orders `rows` on service k: `price_on`'s steps, line by
        line (`found` is False where the card has no zone or weight break for one)."""
        if self._keys is None or self._weights is None:
            self._keys, self._weights = _PostalKeys(self.net, self.orders), _Billed(self.orders)
            self._first = np.unique(self._keys.index, return_index=True)[1]
        table, card = self.net.lanes, self.net.services[k].rate_card
        billed = self._weights.grams(float(table.divisor[k]), int(table.step_g[k]))[rows]
        group = self._keys.index[rows]
        if k not in self._zone:  # per postal group (an order of each: `first`)
            self._zone[k] = _zones(table, card, k, self._keys)[self._first]
            self._remote[k] = _remote(card, self._keys)[self._first]
        zone = self._zone[k][group]
        block = k * table.n_zones + np.maximum(zone, 0)
        pos = np.searchsorted(table.break_key, block * _KEY + billed, side="left")
        found = pos < len(table.break_key)
        pos = np.minimum(pos, len(table.break_key) - 1)
        found &= (table.break_key[pos] // _KEY == block) & (zone >= 0)
        freight = table.break_per_piece[pos] + (table.break_per_kg[pos] * billed + 500) // 1000
        freight = np.maximum(freight, table.minimum[k])
        side = self._weights.side[rows]
        weight = self.orders.weight_kg[rows]
        too_big = (side > table.oversize_side_cm[k]) | (weight > table.oversize_weight_kg[k])
        oversize = np.where(too_big, table.oversize[k], 0)
        remote = self._remote[k][group]
        fuel = ((freight + oversize + remote) * table.fuel_ppm[k] * 2 + 1_000_000) // 2_000_000
        return ChargeParts(freight, remote, oversize, fuel, found, card.currency)


def converted(
    parts: ChargeParts, currency: str, day: date, fx: FxRates, near: np.ndarray
) -> np.ndarray:
    """The lines in `currency` at the rates of `day`, each converted and rounded half up
    on its own, added up: the freight of a customs value. Orders whose float arithmetic
    came near a tie are marked in `near`."""
    if parts.currency == currency:
        return parts.total
    rate = fx.rate(parts.currency, currency, day).rate
    factor = rate.scaleb(minor_units(currency) - minor_units(parts.currency))
    return sum((times(line, factor, near) for line in parts.lines), np.zeros_like(parts.total))


def codes(*columns: np.ndarray) -> np.ndarray:
    """A dense int64 id per distinct combination of the columns' values."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        found, uniques = pd.factorize(column)
        key = pd.factorize(key * len(uniques) + found)[0].astype(np.int64)
    return key


def groups(*columns: np.ndarray) -> list[np.ndarray]:
    """The positions of each distinct combination of the columns' values."""
    if not len(columns[0]):
        return []
    return runs(codes(*columns))


def runs(key: np.ndarray) -> list[np.ndarray]:
    """The positions of each distinct value of an integer key, in the key's order."""
    by = np.argsort(key, kind="stable")
    return np.split(by, np.flatnonzero(np.diff(key[by])) + 1)


@dataclass(frozen=True)
class Destinations:
    """Where each order's customs counts money: an order's group is a (currency, day)."""

    group: np.ndarray  # int64 per order
    currency: list[str]  # per group
    day: list[date]  # per group


class PairFreight:
    """The freight of routes for the orders of commodities, in each order's destination
    currency as customs counts it, for pairs (commodity pc[j], route with legs[j]): one
    element per order of each pair, pair after pair, the orders in commodity member order.
    A service shared by a commodity's routes (a first or last mile) is priced once."""

    def __init__(
        self,
        lanes: LaneCharges,
        com: Commodities,
        pc: np.ndarray,
        legs: np.ndarray,
        to: Destinations,
        fx: FxRates,
    ) -> None:
        self.com = com
        count = com.count[pc]
        self.pair = np.repeat(np.arange(len(pc)), count)
        self.order = members(com, pc)
        valid = legs >= 0
        n_services = len(lanes.net.services)
        key, slot = np.unique((pc[:, None] * n_services + legs)[valid], return_inverse=True)
        self.index = np.full(legs.shape, -1, dtype=np.int64)  # (commodity, service) slots
        self.index[valid] = slot
        self._segments(lanes, key // n_services, key % n_services, to, fx)
        # per leg position some route has: each element's place in the slots' arrays (the
        # neutral last place where its route has no such leg)
        first = np.cumsum(count) - count  # each pair's first element
        self.at = []
        for column in self.index.T:
            if (column >= 0).any():
                base = self.start[column] - first  # (masked below where there is no leg)
                at = np.repeat(base, count) + np.arange(len(self.order))
                self.at.append((column, np.where(np.repeat(column >= 0, count), at, -1)))

    def _segments(
        self, lanes: LaneCharges, sc: np.ndarray, sk: np.ndarray, to: Destinations, fx: FxRates
    ) -> None:
        """Per slot (commodity sc, service sk), its orders' charges: in the card's units
        (`total`) and converted (`local`), from `start[slot]` in member order; the last
        place of each array is neutral (no charge, priced, sure)."""
        count = self.com.count[sc]
        self.start = np.cumsum(count) - count
        who = members(self.com, sc)
        n = len(who) + 1
        self.total, self.local = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        self.found, self.unsure = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
        card = [lanes.net.services[k].rate_card.currency for k in sk]
        self.card, self.cards = pd.factorize(np.array(card, dtype=object))  # per slot
        for slots in groups(sk):
            k = int(sk[slots[0]])
            at = np.repeat(self.start[slots] - np.cumsum(count[slots]) + count[slots], count[slots])
            at += np.arange(len(at))
            parts = lanes.on(k, who[at])
            self.total[at], self.found[at] = parts.total, parts.found
            for rows in groups(to.group[who[at]]):
                g = int(to.group[who[at[rows[0]]]])
                hit = np.zeros(len(rows), dtype=bool)
                self.local[at[rows]] = converted(
                    parts.take(rows), to.currency[g], to.day[g], fx, hit
                )
                self.unsure[at[rows]] = hit

    def freight(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per element: the freight (customs' sum of converted lines), whether every leg
        priced the order, and whether a conversion came near a tie."""
        n = len(self.order)
        freight, priced, unsure = np.zeros(n, np.int64), np.ones(n, bool), np.zeros(n, bool)
        for _, at in self.at:
            freight += self.local[at]
            priced &= self.found[at]
            unsure |= self.unsure[at]
        return freight, priced, unsure

    def by_card_currency(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Per rate-card currency, the lines in it of each element of `rows`, added up."""
        out = np.zeros((len(self.cards) + 1, len(rows)), dtype=np.int64)  # + no leg
        for column, at in self.at:
            slot = column[self.pair[rows]]
            card = np.where(slot >= 0, self.card[slot], len(self.cards))
            out[card, np.arange(len(rows))] += self.total[at[rows]]  # one leg per position
        return {str(c): out[i] for i, c in enumerate(self.cards) if out[i].any()}


def members(com: Commodities, c: np.ndarray) -> np.ndarray:
    """The orders of each commodity of `c`, one after the other."""
    count = com.count[c]
    offset = np.repeat(com.start[c] - np.cumsum(count) + count, count)
    return com.members[offset + np.arange(int(count.sum()))]
