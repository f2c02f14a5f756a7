"""A route's freight for the orders of commodities, as customs counts it: each leg's charge
lines (`routing.plan.charges`) converted line by line into each order's destination
currency on the order's day, legs added up; a service shared by a commodity's routes (a
first or last mile) priced once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from routing.fx import FxRates
from routing.plan.charges import LaneCharges, converted, groups
from routing.plan.commodities import Commodities


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
