"""Every order against every lane at once: what each lane charges it and whether it may
carry it, as (orders x services) arrays.

The per-order twin of `routing.network.lanes` (which prices one parcel on all lanes): here each
service prices all parcels in a few vectorised steps with the same integer rules (a test
holds the two equal). Postal-code rules (zones, remote areas, last-mile coverage) are
evaluated once per distinct code prefix, not per order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from carriers.errors import NotPriceable
from carriers.model import GoodsCategory, RateCard
from carriers.money import minor_units
from carriers.pricing import zone_of
from routing.fx import FxRates
from routing.network import CompiledNetwork
from routing.network.lanes import _KEY, CATEGORIES, LaneTable
from routing.plan.table import OrdersTable


@dataclass(frozen=True)
class LaneMatrix:
    price: np.ndarray  # float64 (services x orders): plan-currency minor units, inf = no price
    allowed: np.ndarray  # bool (services x orders): restrictions, value limit, price, coverage
    currency: str


def lane_matrix(
    net: CompiledNetwork, orders: OrdersTable, fx: FxRates, at: date, currency: str
) -> LaneMatrix:
    """Prices and permissions of every order on every service it could reach (a service
    off every path from the order's origin to its country is left unpriced and refused)."""
    s, n = len(net.services), len(orders)
    keys = _PostalKeys(net, orders)
    weights = _Billed(orders)
    relevant = _relevant(net, orders)
    price = np.full((s, n), np.inf, dtype=np.float64)
    allowed = _restrictions(net.lanes, orders) & _value_ok(net, orders, fx, at) & relevant
    for k, service in enumerate(net.services):
        rows = np.flatnonzero(relevant[k])
        if not len(rows):
            continue
        minor = price_on(net.lanes, service.rate_card, k, weights, keys, rows)
        card = service.rate_card.currency
        factor = float(fx.rate(card, currency, at).rate) * 10.0 ** (
            minor_units(currency) - minor_units(card)
        )
        ok = minor >= 0
        price[k, rows] = np.where(ok, minor * factor, np.inf)
        allowed[k, rows] &= ok
    for country, services in net.last_miles.items():
        for k in services:
            allowed[k] &= keys.covered(net, k, country)
    return LaneMatrix(price, allowed, currency)


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


class _Billed:
    """Actual and volumetric grams of every parcel, computed once per divisor and step."""

    def __init__(self, orders: OrdersTable) -> None:
        self.orders = orders
        self.actual = np.ceil(np.round(orders.weight_kg * 1000, 6)).astype(np.int64)
        self.volume = orders.length_cm * orders.width_cm * orders.height_cm * 1000
        self.side = np.maximum(np.maximum(orders.length_cm, orders.width_cm), orders.height_cm)
        self._cache: dict[tuple[float, int], np.ndarray] = {}

    def grams(self, divisor: float, step: int) -> np.ndarray:
        key = (divisor, step)
        if key not in self._cache:
            billed = self.actual
            if divisor > 0:
                vol = np.ceil(np.round(self.volume / divisor, 6)).astype(np.int64)
                billed = np.maximum(vol, billed)
            if step > 0:
                billed = -(-billed // step) * step
            self._cache[key] = billed
        return self._cache[key]


class _PostalKeys:
    """Orders grouped by what postal-code rules can see of their code: its longest prefix
    among the prefixes that the coverage and zone rules of its country name, and its
    longest prefix among the remote-area prefixes. Every such rule takes the longest of
    its own prefixes that the code starts with, and those all start the group's prefix,
    so a group is decided once for all its orders."""

    def __init__(self, net: CompiledNetwork, orders: OrdersTable) -> None:
        codes = pd.Series(orders.dest_postal_code, dtype=object)
        norm = codes.str.replace(" ", "").str.replace("-", "").str.upper()
        remote = codes.str.replace(" ", "").str.upper()
        rules, remote_rules = _prefixes(net)
        key = np.full(len(codes), "", dtype=object)
        for country, prefixes in rules.items():
            rows = np.flatnonzero(orders.dest_country == country)
            key[rows] = _longest_match(norm.iloc[rows], prefixes)
        frame = pd.DataFrame(
            {"c": orders.dest_country, "n": key, "r": _longest_match(remote, remote_rules)}
        )
        index, uniques = pd.MultiIndex.from_frame(frame).factorize()
        self.index = index  # per order, its group
        self.keys: list[tuple[str, str, str]] = list(uniques)  # (country, prefix, remote prefix)

    def per_key(self, values: list | np.ndarray, dtype: type | None = None) -> np.ndarray:
        return np.asarray(values, dtype=dtype)[self.index]

    def covered(self, net: CompiledNetwork, k: int, country: str) -> np.ndarray:
        s = net.services[k]
        covers = [c == country and s.covers(c, code) for c, code, _ in self.keys]
        return self.per_key(covers, bool)


def _prefixes(net: CompiledNetwork) -> tuple[dict[str, set[str]], set[str]]:
    """Postal prefixes named per country by coverage and zones, and all remote prefixes."""
    rules: dict[str, set[str]] = {}
    remote: set[str] = set()
    for s in net.services:
        for c in s.coverage:
            rules.setdefault(c.country, set()).update(c.postal_prefixes, c.except_prefixes)
        for z in s.rate_card.zones:
            rules.setdefault(z.country, set()).update(z.postal_prefixes)
        remote.update(s.rate_card.remote_area_prefixes)
    return rules, remote


def _longest_match(codes: pd.Series, prefixes: set[str]) -> np.ndarray:
    """Per code, the longest of `prefixes` it starts with ("" when none)."""
    out = np.full(len(codes), "", dtype=object)
    done = np.zeros(len(codes), dtype=bool)
    for length in sorted({len(p) for p in prefixes if p}, reverse=True):
        cut = codes.str[:length]
        hit = cut.isin([p for p in prefixes if len(p) == length]).to_numpy() & ~done
        out[hit] = cut.to_numpy()[hit]
        done |= hit
    return out


def price_on(
    table: LaneTable,
    card: RateCard,
    k: int,
    weights: _Billed,
    keys: _PostalKeys,
    rows: np.ndarray,
) -> np.ndarray:
    """Total charge (card minor units) of the parcels of `rows` on service k; -1 where the
    card has no tier or zone for one. Same integer steps as `routing.network.lanes.lane_charges`."""
    billed = weights.grams(float(table.divisor[k]), int(table.step_g[k]))[rows]
    zone = _zones(table, card, k, keys)[rows]
    block = k * table.n_zones + np.maximum(zone, 0)
    pos = np.searchsorted(table.break_key, block * _KEY + billed, side="left")
    pos_ok = pos < len(table.break_key)
    pos = np.minimum(pos, len(table.break_key) - 1)
    found = pos_ok & (table.break_key[pos] // _KEY == block) & (zone >= 0)
    freight = table.break_per_piece[pos] + (table.break_per_kg[pos] * billed + 500) // 1000
    freight = np.maximum(freight, table.minimum[k])
    weight = weights.orders.weight_kg[rows]
    too_big = (weights.side[rows] > table.oversize_side_cm[k]) | (
        weight > table.oversize_weight_kg[k]
    )
    charge = freight + np.where(too_big, table.oversize[k], 0)
    if card.remote_area_surcharge:
        charge = charge + _remote(card, keys)[rows]
    charge = charge + (charge * table.fuel_ppm[k] * 2 + 1_000_000) // 2_000_000
    return np.where(found, charge, -1)


def _zones(table: LaneTable, card: RateCard, k: int, keys: _PostalKeys) -> np.ndarray:
    if not card.zones:
        return np.zeros(len(keys.index), dtype=np.int64)
    names = table.zone_names[k]
    countries = {z.country for z in card.zones}
    out = []
    for country, code, _ in keys.keys:
        if country not in countries:
            out.append(-1)
            continue
        try:
            out.append(names.index(zone_of(card, country, code)))
        except NotPriceable:
            out.append(-1)
    return keys.per_key(out, np.int64)


def _remote(card: RateCard, keys: _PostalKeys) -> np.ndarray:
    hits = [
        card.remote_area_surcharge if any(r.startswith(p) for p in card.remote_area_prefixes) else 0
        for _, _, r in keys.keys
    ]
    return keys.per_key(hits, np.int64)


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


def _value_ok(net: CompiledNetwork, orders: OrdersTable, fx: FxRates, at: date) -> np.ndarray:
    """True unless the goods' value is over a service's declared-value ceiling (converted
    half up to the ceiling's minor unit, as `FxRates.convert` does)."""
    ok = np.ones((len(net.services), len(orders)), dtype=bool)
    for k in net.value_capped:
        cap = net.services[k].restrictions.max_value
        assert cap is not None
        converted = np.zeros(len(orders))
        for cur in _uniq(orders.currency):
            rows = orders.currency == cur
            factor = float(fx.rate(cur, cap.currency, at).rate) * 10.0 ** (
                minor_units(cap.currency) - minor_units(cur)
            )
            converted[rows] = np.floor(orders.value_minor[rows] * factor + 0.5)
        ok[k] = converted <= cap.amount
    return ok


def _uniq(values: np.ndarray) -> list[str]:
    return sorted(set(values.tolist()))
