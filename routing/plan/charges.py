"""Orders' carrier charges on single lanes, itemised as the quote engine itemises them, for
(order, service) pairs: the freight, the remote-area and oversize surcharges and the fuel
line (`routing.network.lanes.ParcelCharges.itemised`, a twin of `price_parcel`), each in
the card's minor units; and what they come to in another currency, converted line by line
and rounded half up, as the quote's `Converter` converts shipping and customs converts
the freight of a customs value.

Postal-code rules (zones, remote areas, last-mile coverage) are evaluated once per
distinct code prefix, not per order (`_PostalKeys`). The lane matrix
(`routing.plan.matrix`) and the duties' freight (`routing.plan.freight`) both price from
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from carriers.errors import NotPriceable
from carriers.model import RateCard
from carriers.money import minor_units
from carriers.pricing import zone_of
from routing.fx import FxRates
from routing.network import CompiledNetwork
from routing.network.lanes import _KEY, LaneTable
from routing.plan.exact import times
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

    @property
    def keys(self) -> _PostalKeys:
        """The orders' postal-code groups (worked out on first use)."""
        if self._keys is None:
            self._keys = _PostalKeys(self.net, self.orders)
            self._first = np.unique(self._keys.index, return_index=True)[1]
        return self._keys

    def on(self, k: int, rows: np.ndarray) -> ChargeParts:
        """The charge lines of orders `rows` on service k, with the integer steps of
        `routing.network.lanes.lane_charges` (`found` is False where the card has no zone
        or weight break for one)."""
        keys = self.keys
        if self._weights is None:
            self._weights = _Billed(self.orders)
        table, card = self.net.lanes, self.net.services[k].rate_card
        billed = self._weights.grams(float(table.divisor[k]), int(table.step_g[k]))[rows]
        group = keys.index[rows]
        if k not in self._zone:  # per postal group (an order of each: `first`)
            self._zone[k] = _zones(table, card, k, keys)[self._first]
            self._remote[k] = _remote(card, keys)[self._first]
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
