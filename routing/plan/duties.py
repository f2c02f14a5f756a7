"""DDP duties and taxes per order and route, where the route changes them.

Landed cost depends on the route through how it clears import (postal, courier DDP, bulk
at a hub, CBEC) and on little else that differs between routes, so it is computed once
per duty class (destination country, HS code, goods category, currency, value band) and
clearing signature (the route's clearing services), on the class's first order and the
signature's first route, and applied to every order of the class as a share of its value.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from carriers.model import BatteryClass, GoodsCategory
from carriers.money import Money, minor_units
from carriers.pricing import price_parcel
from routing.customs import landed_cost, load_rules
from routing.fx import FxRates
from routing.network import CompiledNetwork, Network
from routing.orders import Address, Item, Order, Parcel
from routing.plan.commodities import Commodities
from routing.plan.routes import RouteSet
from routing.plan.table import OrdersTable

VALUE_BANDS_EUR = (22, 50, 135, 150, 300, 800, 1000, 3000)
_BATTERY = {b.rank: b for b in BatteryClass}


def clearing_signatures(routes: RouteSet, net: CompiledNetwork) -> np.ndarray:
    """An id per route for the tuple of its import-clearing services."""
    sigs = []
    for legs in routes.legs:
        sigs.append(tuple(int(k) for k in legs if k >= 0 and net.services[k].customs.clears_import))
    ids = {s: i for i, s in enumerate(sorted(set(sigs)))}
    return np.array([ids[s] for s in sigs], dtype=np.int64)


def duty_classes(orders: OrdersTable, value_eur: np.ndarray) -> np.ndarray:
    band = np.searchsorted(np.array(VALUE_BANDS_EUR), value_eur)
    key = pd.MultiIndex.from_arrays(
        [orders.dest_country, orders.hs_code, orders.category, orders.currency, band]
    )
    codes, _ = key.factorize(sort=True)
    return codes.astype(np.int64)


def duty_shares(
    network: Network,
    orders: OrdersTable,
    asked: list[tuple[int, int, int]],
    routes: RouteSet,
    fx: FxRates,
    at: date,
    currency: str,
) -> dict[tuple[int, int], float]:
    """(class, route) -> DDP duties and taxes as a share of the goods' value, for each
    (class, route, order of that class which may take that route) asked for."""
    rules = load_rules()
    out: dict[tuple[int, int], float] = {}
    for cls, r, o in asked:
        order = _order(orders, o)
        route = routes.services(network.compiled, r)
        charges = [
            c
            for s in route
            for p in order.parcels
            for c in price_parcel(
                s.rate_card,
                p.weight_kg,
                p.dims_cm,
                order.destination.country,
                order.destination.postal_code,
            )
        ]
        landed = landed_cost(order, route, charges, at, rules, fx, network=network)
        due = fx.convert(landed.ddp_total, currency, at).amount
        value = fx.convert(order.items[0].value, currency, at).amount
        out[(cls, r)] = due / value if value else 0.0
    return out


def _order(t: OrdersTable, o: int) -> Order:
    from datetime import UTC, datetime, timedelta

    created = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(minutes=int(t.created_min[o]))
    item = Item(
        "goods",
        str(t.hs_code[o]),
        GoodsCategory(t.category[o]),
        1,
        Money(int(t.value_minor[o]), str(t.currency[o])),
        _BATTERY[int(t.battery[o])],
        bool(t.liquid[o]),
    )
    parcel = Parcel(
        float(t.weight_kg[o]), float(t.length_cm[o]), float(t.width_cm[o]), float(t.height_cm[o])
    )
    return Order(
        str(t.order_id[o]),
        str(t.origin[o]),
        Address(str(t.dest_country[o]), str(t.dest_postal_code[o])),
        (parcel,),
        (item,),
        created,
    )


class Duties:
    """DDP duties per order and route, from shares per (duty class, clearing signature)."""

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
        self.value = _values(orders, fx, at, currency)
        self.cls = duty_classes(orders, self.value / 10 ** minor_units(currency))
        self.csig = clearing_signatures(routes, network.compiled)
        self.share = np.zeros(
            (int(self.cls.max(initial=-1)) + 1, int(self.csig.max(initial=-1)) + 1)
        )

    def pair_means(self, pc: np.ndarray, pr: np.ndarray) -> np.ndarray:
        """Mean duty per order of commodity pc on route pr, computing the shares needed."""
        pairs = pd.DataFrame({"c": pc, "s": self.csig[pr], "r": pr}).drop_duplicates(["c", "s"])
        members = pd.DataFrame(
            {"c": self.com.of_order, "k": self.cls, "o": np.arange(len(self.cls))}
        ).drop_duplicates(["c", "k"])
        need = pairs.merge(members, on="c").drop_duplicates(["k", "s"])
        asked = zip(need["k"].tolist(), need["r"].tolist(), need["o"].tolist(), strict=True)
        shares = duty_shares(
            self.network, self.orders, list(asked), self.routes, self.fx, self.at, self.currency
        )
        for (k, r), v in shares.items():
            self.share[k, self.csig[r]] = v
        out = np.zeros(len(pc))
        for s in np.unique(self.csig[pr]) if len(pr) else []:
            per_com = np.bincount(
                self.com.of_order, self.share[self.cls, s] * self.value, len(self.com)
            ) / np.maximum(self.com.count, 1)
            hit = self.csig[pr] == s
            out[hit] = per_com[pc[hit]]
        return out

    def of(self, order: np.ndarray, route: np.ndarray) -> np.ndarray:
        """Duties of each order on the route beside it (shares asked for before)."""
        return self.share[self.cls[order], self.csig[route]] * self.value[order]


def _values(orders: OrdersTable, fx: FxRates, at: date, currency: str) -> np.ndarray:
    out = np.zeros(len(orders))
    for cur in sorted(set(orders.currency.tolist())):
        rows = orders.currency == cur
        factor = float(fx.rate(cur, currency, at).rate) * 10.0 ** (
            minor_units(currency) - minor_units(cur)
        )
        out[rows] = orders.value_minor[rows] * factor
    return out
