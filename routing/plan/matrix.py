"""Every order against every lane at once: what each lane charges it and whether it may
carry it, as (orders x services) arrays.

The per-order twin of `routing.network.lanes` (which prices one parcel on all lanes) and of
the quote's shipping lines: each service prices all parcels in a few vectorised steps
with the same integer rules (`routing.plan.charges.LaneCharges`), and each charge line
(freight, remote area, oversize, fuel) is converted into the plan's currency at the rates
of the day the order was made and rounded half up on its own, as the quote's `Converter`
converts it, so that a route's price is the quote's shipping for it to the minor unit.
An order whose goods its destination's customs refuse on every route (HS codes off a
positive list, a value over a ceiling that excludes, under the Indonesian floor price, as
`routing.customs.screen` finds) is allowed on no lane; one whose batteries are banned on
some modes is allowed on no lane of those modes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from carriers.model import GoodsCategory
from carriers.money import Money, minor_units
from routing.calendar import day_date
from routing.customs import CustomsRules, load_rules
from routing.customs.rules import Rule, Topic
from routing.customs.shipment import round_value
from routing.fx import FxRates
from routing.network import CompiledNetwork
from routing.network.lanes import CATEGORIES, LaneTable
from routing.plan.charges import ChargeParts, LaneCharges, converted, groups, runs
from routing.plan.table import SELLER_FLAGS, OrdersTable


@dataclass(frozen=True)
class LaneMatrix:
    price: np.ndarray  # float64 (services x orders): plan-currency minor units, inf = no price
    allowed: np.ndarray  # bool (services x orders): restrictions, value limit, price, coverage
    currency: str


def lane_matrix(
    net: CompiledNetwork, orders: OrdersTable, fx: FxRates, at: date, currency: str
) -> LaneMatrix:
    """Prices and permissions of every order on every service it could reach (a service
    off every path from the order's origin to its country is left unpriced and refused).
    `at`, the plan's first day, is kept for callers: each order is priced at the rates
    of the day it was made, as a quote at checkout is."""
    s, n = len(net.services), len(orders)
    lanes = LaneCharges(net, orders)
    relevant = _relevant(net, orders)
    price = np.full((s, n), np.inf, dtype=np.float64)
    allowed = _restrictions(net.lanes, orders) & _value_ok(net, orders, fx) & relevant
    allowed &= admitted(net, orders)[None, :]
    screened(net, orders, fx, allowed)
    rates = _DayRates(orders, fx, currency)
    for k in range(s):
        rows = np.flatnonzero(relevant[k])
        if not len(rows):
            continue
        parts = lanes.on(k, rows)
        price[k, rows] = np.where(parts.found, rates.shipping(parts, rows), np.inf)
        allowed[k, rows] &= parts.found
    for country, services in net.last_miles.items():
        for k in services:
            allowed[k] &= lanes.keys.covered(net, k, country)
    return LaneMatrix(price, allowed, currency)


class _DayRates:
    """Charge lines in the plan's currency at the rates of each order's own day."""

    def __init__(self, orders: OrdersTable, fx: FxRates, currency: str) -> None:
        self.fx, self.currency = fx, currency
        days, self.day_of = np.unique(orders.created_day, return_inverse=True)
        self.days = [day_date(int(d)) for d in days]
        self._by_rate: dict[str, tuple[np.ndarray, list[date]]] = {}

    def _rates(self, card: str) -> tuple[np.ndarray, list[date]]:
        """Per day, an id of its card -> plan rate; and a day of each id."""
        if card not in self._by_rate:
            rates = [self.fx.rate(card, self.currency, d).rate for d in self.days]
            ids = pd.factorize(pd.Series(rates, dtype=object))[0].astype(np.int64)
            first = np.unique(ids, return_index=True)[1]  # ids number rates as first seen
            self._by_rate[card] = (ids, [self.days[int(d)] for d in first])
        return self._by_rate[card]

    def shipping(self, parts: ChargeParts, rows: np.ndarray) -> np.ndarray:
        """The lines of orders `rows` converted and rounded one by one, added up."""
        if parts.currency == self.currency:
            return parts.total
        ids, day = self._rates(parts.currency)
        rate_of = ids[self.day_of[rows]]
        out = np.empty(len(rows), dtype=np.int64)
        for sel in runs(rate_of) if len(day) > 1 else [np.arange(len(rows))]:
            when = day[int(rate_of[sel[0]])]
            near = np.zeros(len(sel), dtype=bool)
            out[sel] = converted(parts.take(sel), self.currency, when, self.fx, near)
            for e in sel[near]:  # a float within a hair of a tie: as the quote does it
                out[e] = self._exactly(parts, int(e), when)
        return out

    def _exactly(self, parts: ChargeParts, e: int, when: date) -> int:
        rate = self.fx.rate(parts.currency, self.currency, when).rate
        scale = -minor_units(parts.currency)
        lines = (Decimal(int(line[e])).scaleb(scale) * rate for line in parts.lines)
        return sum(Money.of(x, self.currency).amount for x in lines)


def admitted(net: CompiledNetwork, orders: OrdersTable) -> np.ndarray:
    """Per order: its destination's customs admit its goods (bool). Where a positive list
    is in force on the order's day and duty is due (the origin lies outside the place's
    customs union), an HS code that starts with none of its prefixes is refused on every
    route, as `routing.customs.screen` refuses it (`prohibited`). Worked out once per
    (jurisdiction, origin country, day) and HS code."""
    rules = load_rules()
    ok = np.ones(len(orders), dtype=bool)
    rows = np.flatnonzero(np.isin(orders.dest_country, _listing_countries(rules)))
    if not len(rows):
        return ok
    sub = orders.take(rows)
    address = pd.MultiIndex.from_arrays([sub.dest_country, sub.dest_postal_code])
    at, uniques = address.factorize()
    place = np.array([rules.destination(c, p).id for c, p in uniques], dtype=object)[at]
    country = dict(zip(net.node_ids, net.country, strict=True))
    origin = pd.Series(sub.origin, dtype=object).map(country).to_numpy(dtype=object)
    for group in groups(place, origin, sub.created_day):
        o = int(group[0])
        jurisdiction = rules.jurisdictions[str(place[o])]
        view = rules.in_force(jurisdiction.id, day_date(int(sub.created_day[o])))
        lists = view.all(Topic.POSITIVE_LIST)
        if not lists or rules.customs_union_of(str(origin[o])) == jurisdiction.customs_union:
            continue
        listed = tuple(p for r in lists for p in r.selectors.hs_prefixes or ())
        codes, inverse = np.unique(sub.hs_code[group].astype(str), return_inverse=True)
        ok[rows[group]] = np.array([c.startswith(listed) for c in codes], dtype=bool)[inverse]
    return ok


def screened(
    net: CompiledNetwork, orders: OrdersTable, fx: FxRates, ok: np.ndarray | None = None
) -> np.ndarray:
    """(services x orders): False where `routing.customs.screen` refuses what one order or
    one service decides, worked out once per (jurisdiction, origin country, day):

    - battery bans (`_bans`): an order whose batteries a ban names is refused on every
      service of the ban's modes (a route's modes are its services' modes);
    - where duty or tax is due (`_value_limits`): a value ceiling that excludes, on the
      goods' value alone (a CIF value only adds the route's freight to it, so the goods
      over the ceiling are over it on every route), and the floor price of a seller on a
      cross-border marketplace (each unit's FOB value below it).
    The values are converted exactly as the engine converts them (per distinct value).
    Given `ok`, it is cleared where refused, in place (no second matrix), and returned."""
    rules = load_rules()
    if ok is None:
        ok = np.ones((len(net.services), len(orders)), dtype=bool)
    if not len(orders):
        return ok
    place = places(orders, rules)[0]
    country = dict(zip(net.node_ids, net.country, strict=True))
    origin = pd.Series(orders.origin, dtype=object).map(country).to_numpy(dtype=object)
    mode = np.array([s.mode for s in net.services], dtype=object)
    marketplace = (orders.seller.astype(np.int64) >> SELLER_FLAGS.index(_MARKETPLACE)) & 1 > 0
    for group in groups(place, origin, orders.created_day):
        o = int(group[0])
        jurisdiction = rules.jurisdictions[str(place[o])]
        day = day_date(int(orders.created_day[o]))
        view = rules.in_force(jurisdiction.id, day)
        for rule in view.all(Topic.BATTERY_BAN):
            banned = np.isin(mode, list(rule.selectors.modes or ()))
            if rule.battery is None:
                continue
            hit = group[orders.battery[group] == rule.battery.rank]
            if banned.any() and len(hit):
                ok[np.ix_(banned, hit)] = False
        home = str(origin[o])
        due = rules.customs_union_of(home) != jurisdiction.customs_union
        if not (due or rules.vat_area_of(home) != jurisdiction.vat_area):
            continue
        refused = np.zeros(len(group), dtype=bool)
        for rule in view.all(Topic.VALUE_CEILING):
            if rule.treatment == "excludes":
                refused |= _values(orders, group, rule, fx, day) > _limit(rule)
        for rule in view.all(Topic.FLOOR_PRICE):
            under = _values(orders, group, rule, fx, day) < _limit(rule)
            refused |= under & marketplace[group]
        ok[:, group[refused]] = False
    return ok


_MARKETPLACE = "cross_border_marketplace"


def _limit(rule: Rule) -> Decimal:
    assert rule.limit is not None
    return rule.limit.value


def _values(
    orders: OrdersTable, rows: np.ndarray, rule: Rule, fx: FxRates, day: date
) -> np.ndarray:
    """The goods' value of each order (one line of goods, quantity 1) in the rule's limit
    currency, rounded half up as `OrderFacts.goods_value_in` and `Shipment.convert` round
    it (as Decimal objects)."""
    assert rule.limit is not None
    target = rule.limit.currency
    out = np.empty(len(rows), dtype=object)
    for sel in groups(orders.currency[rows]):
        currency = str(orders.currency[rows[sel[0]]])
        rate = fx.rate(currency, target, day).rate
        values, inverse = np.unique(orders.value_minor[rows[sel]], return_inverse=True)
        scale = -minor_units(currency)
        found = [round_value(Decimal(int(v)).scaleb(scale) * rate, target) for v in values]
        out[sel] = np.array(found, dtype=object)[inverse]
    return out


def places(orders: OrdersTable, rules: CustomsRules) -> tuple[np.ndarray, np.ndarray]:
    """Per order the id of its destination's jurisdiction (a special territory by postal
    code) and its state ("" where the jurisdiction has none), as `CustomsRules` says: each
    asked once per distinct postal prefix that the territories look at, or code."""
    width: dict[str, int] = {}  # country -> the longest territory prefix it has
    for j in rules.jurisdictions.values():
        for country in (j.country, *j.aliases) if j.kind == "territory" else ():
            width[country] = max(width.get(country, 0), *map(len, j.postal_prefixes))
    cut = np.full(len(orders), "", dtype=object)
    for country, most in width.items():
        rows = np.flatnonzero(orders.dest_country == country)
        code = pd.Series(orders.dest_postal_code[rows], dtype=object)
        code = code.str.replace(" ", "").str.replace("-", "").str.upper().str[:most]
        cut[rows] = code.to_numpy(dtype=object)
    place = np.empty(len(orders), dtype=object)
    for rows in groups(orders.dest_country, cut):
        country, prefix = str(orders.dest_country[rows[0]]), str(cut[rows[0]])
        place[rows] = rules.destination(country, prefix).id
    state = np.full(len(orders), "", dtype=object)
    has = np.flatnonzero(pd.Series(place, dtype=object).isin(list(rules.states)).to_numpy())
    keys = list(zip(place[has].tolist(), orders.dest_postal_code[has].tolist(), strict=True))
    found = {key: rules.state_of(*key) for key in set(keys)}
    state[has] = [found[key] for key in keys]
    return place, state


def _listing_countries(rules: CustomsRules) -> list[str]:
    """The countries of the jurisdictions that see a positive-list rule."""
    found: set[str] = set()
    for j in rules.jurisdictions.values():
        if any(r.topic is Topic.POSITIVE_LIST for r in rules.visible(j.id)):
            found.update((j.country, *j.aliases) if j.kind == "territory" else (j.id,))
    return sorted(found)


def _relevant(net: CompiledNetwork, orders: OrdersTable) -> np.ndarray:
    """(services x orders): the service lies on some path from the order's origin toward
    a zone of its destination country."""
    pairs = pd.MultiIndex.from_arrays([orders.origin, orders.dest_country])
    index, uniques = pairs.factorize()
    table = np.zeros((len(net.services), len(uniques)), dtype=bool)
    for j, (origin, country) in enumerate(uniques):
        toward = net.toward.get(country)
        if toward is None or origin not in net.node_index:
            continue
        reach = _reachable(net, net.node_index[origin])
        table[:, j] = reach[net.src] & toward[net.dst]
    return table[:, index]


def _reachable(net: CompiledNetwork, start: int) -> np.ndarray:
    reach = np.zeros(len(net.node_ids), dtype=bool)
    reach[start] = True
    while True:
        grown = reach.copy()
        grown[net.dst[reach[net.src]]] = True
        if grown.sum() == reach.sum():
            return reach
        reach = grown


def _restrictions(table: LaneTable, orders: OrdersTable) -> np.ndarray:
    """True where the service's limits take the order (weight, size, battery, liquid,
    category): the per-order twin of `routing.network.lanes.lane_blocks`."""
    side = np.maximum(np.maximum(orders.length_cm, orders.width_cm), orders.height_cm)
    total = orders.length_cm + orders.width_cm + orders.height_cm
    cats, inverse = np.unique(orders.category.astype(str), return_inverse=True)
    mask = np.array([1 << CATEGORIES.index(GoodsCategory(c)) for c in cats], dtype=np.int64)
    forbidden = (mask[inverse][None, :] & table.forbidden[:, None]) != 0
    return ~(
        (orders.weight_kg[None, :] > table.max_weight_kg[:, None])
        | (side[None, :] > table.max_side_cm[:, None])
        | (total[None, :] > table.max_sum_sides_cm[:, None])
        | (orders.battery[None, :] > table.max_battery[:, None])
        | (orders.liquid[None, :] & ~table.liquids[:, None])
        | forbidden
    )


def _value_ok(net: CompiledNetwork, orders: OrdersTable, fx: FxRates) -> np.ndarray:
    """True unless the goods' value is over a service's declared-value ceiling (converted
    half up to the ceiling's minor unit at the rates of the order's day, as the quote's
    `FxRates.convert` does)."""
    ok = np.ones((len(net.services), len(orders)), dtype=bool)
    if not net.value_capped or not len(orders):
        return ok
    days = groups(orders.currency, orders.created_day)
    for k in net.value_capped:
        cap = net.services[k].restrictions.max_value
        assert cap is not None
        value = np.zeros(len(orders))
        for rows in days:
            cur, day = str(orders.currency[rows[0]]), day_date(int(orders.created_day[rows[0]]))
            factor = float(fx.rate(cur, cap.currency, day).rate) * 10.0 ** (
                minor_units(cap.currency) - minor_units(cur)
            )
            value[rows] = np.floor(orders.value_minor[rows] * factor + 0.5)
        ok[k] = value <= cap.amount
    return ok
