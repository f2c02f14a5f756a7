"""DDP duties and taxes of each order on each route: what the quote engine's DDP option for
that route lists under duties and taxes, to the minor unit of the plan's currency.

For an order on a route the quote engine (`routing.quote`) prices each leg, hands the
charges to customs (`routing.customs.landed_cost`: the destination's scheme, the rules
and rates in force on the day the order was made, freight in the customs value where
the valuation is CIF, thresholds on FOB or CIF values in their own currencies), and
converts each line of duty or tax into the answer's currency, rounding each. Here the
same is done for whole arrays of (order, route) pairs: orders are grouped into duty
classes (`classes.DutyClasses`: what every rule lookup depends on), the freight of each
pair is priced leg by leg (`freight.PairFreight`), each class and set of modes goes
through its scheme's twin (`landed.SCHEMES`), and each line is converted as the quote
converts it. A pair the arrays cannot decide exactly (a float within a hair of a
rounding tie, a scheme without a twin) is computed by the engine itself. The results are
kept per (commodity, route) pair asked for, so `of` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import pairwise

import numpy as np
import pandas as pd

from carriers.money import minor_units
from carriers.pricing import price_parcel
from routing.customs import landed_cost
from routing.customs.routes import route_modes
from routing.customs.rules import Valuation
from routing.fx import FxRates
from routing.network import Network
from routing.plan.charges import LaneCharges, runs
from routing.plan.classes import DutyClasses
from routing.plan.commodities import Commodities
from routing.plan.exact import half_up, times
from routing.plan.freight import PairFreight
from routing.plan.landed import SCHEMES, Batch, places
from routing.plan.routes import RouteSet
from routing.plan.table import OrdersTable
from routing.quote.charges import Converter, duty_lines

CHUNK = 1 << 21  # (order, route) pairs computed at once: bounds the memory of a large plan
TABLE_CELLS = 1 << 25  # commodities x routes up to which pairs are found by a table (int32)


class Duties:
    """DDP duties and taxes per (order, route), in minor units of `currency` (module
    docstring). `at`, the plan's first day, is kept for callers: each order is costed on
    the day it was made, as a quote at checkout is."""

    def __init__(
        self,
        network: Network,
        orders: OrdersTable,
        com: Commodities,
        routes: RouteSet,
        fx: FxRates,
        at: date,
        currency: str,
    ) -> None:
        self.network, self.orders, self.com, self.routes = network, orders, com, routes
        self.fx, self.at, self.currency = fx, at, currency
        self.classes = DutyClasses(network, orders, fx)
        self.lanes = LaneCharges(network.compiled, orders)
        net = network.compiled
        modes = [route_modes(routes.services(net, r)) for r in range(len(routes))]
        self.modes = sorted(set(modes), key=sorted)
        self.modes_of = np.array([self.modes.index(m) for m in modes], dtype=np.int64)
        self.rank = np.empty(len(orders), dtype=np.int64)  # place in its commodity
        self.rank[com.members] = np.arange(len(orders)) - np.repeat(com.start[:-1], com.count)
        self._pc = self._pr = np.zeros(0, dtype=np.int64)  # the pairs kept, by route
        self._start = np.zeros(1, dtype=np.int64)  # pair j's orders: _duty[_start[j]:...]
        self._duty = np.zeros(0)  # each order's, in commodity member order
        # the index of each pair kept, by commodity x route (a table while that is small)
        self._table = len(com) * len(routes) <= TABLE_CELLS
        self._pairs = np.full((len(com), len(routes)) if self._table else 0, -1, dtype=np.int32)
        self._keys = pd.Index(np.zeros(0, dtype=np.int64))

    def pair_means(self, pc: np.ndarray, pr: np.ndarray) -> np.ndarray:
        """Mean duty per order of commodity pc on route pr (each order's own duty, kept
        for `of`)."""
        self._learn(pc, pr)
        j = self._find(pc, pr)
        total = np.add.reduceat(self._duty, self._start[:-1]) if len(self._duty) else self._duty
        count = np.diff(self._start)
        means = np.where(count > 0, total / np.maximum(count, 1), 0.0) if len(total) else total
        return means[j] if len(j) else np.zeros(0)

    def of(self, order: np.ndarray, route: np.ndarray) -> np.ndarray:
        """Duties of each order on the route beside it (its commodity's pair learnt first
        if it was not asked for before)."""
        pc = self.com.of_order[order]
        j = self._find(pc, route)
        if (j < 0).any():
            self._learn(pc[j < 0], route[j < 0])
            j = self._find(pc, route)
        return self._duty[self._start[j] + self.rank[order]]

    def _find(self, pc: np.ndarray, pr: np.ndarray) -> np.ndarray:
        """The index of each (commodity, route) pair among those kept, or -1."""
        if self._table:
            return self._pairs[pc, pr].astype(np.int64)
        return self._keys.get_indexer(pc * len(self.routes) + pr)

    def _learn(self, pc: np.ndarray, pr: np.ndarray) -> None:
        """Compute and keep every order's duty for the new pairs among (pc, pr)."""
        new = self._find(pc, pr) < 0
        pairs = np.unique(np.stack([pr[new], pc[new]]), axis=1)  # by route: legs priced once
        if not pairs.shape[1]:
            return
        r, c = pairs
        count = self.com.count[c]
        parts = [self._pairs_duties(c[lo:hi], r[lo:hi]) for lo, hi in _chunks(count, CHUNK)]
        self._pc, self._pr = np.append(self._pc, c), np.append(self._pr, r)
        self._duty = np.concatenate([self._duty, *parts])
        self._start = np.concatenate([[0], np.cumsum(self.com.count[self._pc])])
        if self._table:
            self._pairs[self._pc, self._pr] = np.arange(len(self._pc))
        else:
            self._keys = pd.Index(self._pc * len(self.routes) + self._pr)

    def _pairs_duties(self, pc: np.ndarray, pr: np.ndarray) -> np.ndarray:
        """Duties of every order of commodity pc[j] on route pr[j], pair after pair, in
        plan-currency minor units (inf where a leg cannot price the order)."""
        legs = self.routes.legs[pr].astype(np.int64)
        freight = PairFreight(self.lanes, self.com, pc, legs, self.classes.destinations, self.fx)
        o, r = freight.order, pr[freight.pair]
        charged, priced, near = freight.freight()
        near |= self.classes.near[o]
        out = np.zeros(len(o))
        cls = self.classes.of_order[o]
        for rows in runs(cls * len(self.modes) + self.modes_of[r]):
            c = int(cls[rows[0]])
            twin = SCHEMES.get(self.classes.place(c).scheme)
            if twin is None:
                near[rows] = True
                continue
            batch = Batch(
                facts=self.classes.facts(c),
                modes=self.modes[self.modes_of[r[rows[0]]]],
                goods=self.classes.goods[o[rows]],
                freight=charged[rows],
                grams=self.classes.grams[o[rows]],
                value_in=self._value_in(c, o[rows], partial(freight.by_card_currency, rows)),
                near=near[rows],
            )
            lines = twin(batch)
            out[rows] = self._in_plan_currency(c, lines, batch.near)
            near[rows] = batch.near
        for e in np.flatnonzero(near & priced):
            out[e] = self._engine(int(o[e]), int(r[e]))
        return np.where(priced, out, np.inf)

    def _value_in(
        self, c: int, o: np.ndarray, by_card: Callable[[], dict[str, np.ndarray]]
    ) -> Callable[[str, Valuation, np.ndarray], np.ndarray]:
        """`Shipment.value_in` for the pairs of one class: the goods (FOB) or the goods and
        every freight line (CIF, `by_card()`: the lines per card currency, added up) in
        `currency`, rounded once, in units of 10**-places."""
        day, goods_currency = self.classes.day(c), str(self.orders.currency[o[0]])

        def factor(base: str, quote: str) -> Decimal:
            rate = self.fx.rate(base, quote, day).rate
            return rate.scaleb(places(quote) - minor_units(base))

        def value_in(currency: str, basis: Valuation, near: np.ndarray) -> np.ndarray:
            terms = [(self.orders.value_minor[o], factor(goods_currency, currency))]
            if basis is Valuation.CIF:
                terms += [(total, factor(card, currency)) for card, total in by_card().items()]
            return half_up(terms, near)

        return value_in

    def _in_plan_currency(self, c: int, lines: list[np.ndarray], near: np.ndarray) -> np.ndarray:
        """The lines converted one by one as the quote converts them (`Converter`), added."""
        currency = self.classes.place(c).currency
        total = np.zeros(len(near), dtype=np.int64)
        if currency == self.currency:
            return (sum(lines, total)).astype(np.float64)
        rate = self.fx.rate(currency, self.currency, self.classes.day(c)).rate
        factor = rate.scaleb(minor_units(self.currency) - minor_units(currency))
        for line in lines:
            total += times(line, factor, near)
        return total.astype(np.float64)

    def _engine(self, o: int, r: int) -> float:
        """One pair's duties through the engine itself, as the quote computes them."""
        order = self.classes.order(o)
        route = self.routes.services(self.network.compiled, r)
        to = order.destination
        charges = [
            c
            for s in route
            for p in order.parcels
            for c in price_parcel(s.rate_card, p.weight_kg, p.dims_cm, to.country, to.postal_code)
        ]
        day = order.created_at.date()
        rules, fx = self.classes.rules, self.fx
        landed = landed_cost(order, route, charges, day, rules, fx, network=self.network)
        money = Converter(fx, self.currency, day)
        return float(sum(line.amount.amount for line in duty_lines(landed, money)))


def _chunks(count: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Runs of consecutive pairs holding about `size` orders each."""
    ends = np.cumsum(count)
    cuts = np.unique(np.searchsorted(ends, np.arange(size, int(ends[-1]), size), side="right"))
    bounds = [0, *cuts.tolist(), len(count)]
    return [(lo, hi) for lo, hi in pairwise(bounds) if hi > lo]
