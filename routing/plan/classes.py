"""Orders in duty classes: the orders whose customs rule lookups all answer alike.

Two orders are in one class when customs sees the same rules and rates (days with the
same rules in force and the same exchange rates share an epoch), the same destination
(jurisdiction, and state where the rules have states), the same origin country, the
same goods (HS code, category) in the same currency, and the same seller programmes.
One order of each class gives the class its `OrderFacts` (`routing.customs`), which
answer every lookup as they answer the engine; what differs between the orders (value,
weight, freight) is array arithmetic (`routing.plan.landed`).

Each order is also given, as customs computes them, its goods' value in the
destination's currency and its weight as customs reads it; and, for the engine itself,
its `Order`: one parcel, one line of goods, the seller's programmes, made at the time
and UTC offset its row gives.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pandas as pd

from carriers.errors import UnknownCurrency
from carriers.model import BatteryClass, GoodsCategory
from carriers.money import Money, minor_units
from routing.calendar import day_date
from routing.customs import CustomsRules, customs_case, load_rules
from routing.customs.routes import node_country
from routing.customs.rulebook import Jurisdiction
from routing.customs.shipment import OrderFacts
from routing.fx import FxRates
from routing.network import Network
from routing.orders import Address, Item, Order, Parcel, Seller
from routing.plan.charges import codes, groups
from routing.plan.exact import times
from routing.plan.freight import Destinations
from routing.plan.matrix import places
from routing.plan.table import SELLER_FLAGS, OrdersTable

_BATTERY = {b.rank: b for b in BatteryClass}


class DutyClasses:
    """The duty class of every order, and per class what customs makes of it."""

    def __init__(self, network: Network, orders: OrdersTable, fx: FxRates) -> None:
        self.network, self.orders, self.fx = network, orders, fx
        self.rules = load_rules()
        epoch = epochs(orders.created_day, self.rules, fx)
        place, state = places(orders, self.rules)
        countries = {n: node_country(n, network) for n in set(orders.origin.tolist())}
        origin = pd.Series(orders.origin, dtype=object).map(countries).to_numpy(dtype=object)
        key = codes(epoch, place, state, origin, orders.hs_code, orders.category, orders.currency)
        self.of_order = codes(key, orders.seller)
        self.first = np.unique(self.of_order, return_index=True)[1]  # an order of each class
        self._places = [self.rules.jurisdictions[p] for p in place[self.first]]
        # classes that convert alike: the same destination currency on the same epoch
        money = pd.MultiIndex.from_arrays([epoch[self.first], [p.currency for p in self._places]])
        self.money_group = money.factorize()[0].astype(np.int64)
        first = np.unique(self.money_group, return_index=True)[1]  # a class of each group
        self.destinations = Destinations(
            self.money_group[self.of_order],
            [self.place(int(c)).currency for c in first],
            [self.day(int(c)) for c in first],
        )
        self._facts: dict[int, OrderFacts] = {}
        self.near = np.zeros(len(orders), dtype=bool)
        self.goods = self._goods(self.near)
        self.grams = customs_grams(orders.weight_kg)

    def __len__(self) -> int:
        return len(self.first)

    def place(self, c: int) -> Jurisdiction:
        return self._places[c]

    def day(self, c: int) -> date:
        """A day of the class (every day of its epoch answers alike)."""
        return day_date(int(self.orders.created_day[self.first[c]]))

    def facts(self, c: int) -> OrderFacts:
        """The customs facts of the class (of one of its orders), made once."""
        found = self._facts.get(c)
        if found is None:
            order = self.order(int(self.first[c]))
            case = customs_case(order, self.day(c), self.rules, self.fx, network=self.network)
            found = self._facts[c] = case.facts
        return found

    def order(self, o: int) -> Order:
        """Order o of the table as the quote engine takes it."""
        t = self.orders
        zone = timezone(timedelta(minutes=int(t.utc_offset_min[o])))
        made = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(minutes=int(t.created_min[o]))
        item = Item(
            "goods",
            str(t.hs_code[o]),
            GoodsCategory(t.category[o]),
            1,
            Money(int(t.value_minor[o]), str(t.currency[o])),
            _BATTERY[int(t.battery[o])],
            bool(t.liquid[o]),
        )
        sizes = (float(t.length_cm[o]), float(t.width_cm[o]), float(t.height_cm[o]))
        bits = int(t.seller[o])
        return Order(
            str(t.order_id[o]),
            str(t.origin[o]),
            Address(str(t.dest_country[o]), str(t.dest_postal_code[o])),
            (Parcel(float(t.weight_kg[o]), *sizes),),
            (item,),
            made.astimezone(zone),
            seller=Seller(**{f: bool(bits >> i & 1) for i, f in enumerate(SELLER_FLAGS)}),
        )

    def _goods(self, near: np.ndarray) -> np.ndarray:
        """Each order's goods in its destination's minor units (`Shipment.convert`)."""
        out = self.orders.value_minor.copy()
        cls = self.of_order
        for rows in groups(self.money_group[cls], self.orders.currency):
            c = int(cls[rows[0]])
            base, quote = str(self.orders.currency[rows[0]]), self.place(c).currency
            if base != quote:
                rate = self.fx.rate(base, quote, self.day(c)).rate
                factor = rate.scaleb(minor_units(quote) - minor_units(base))
                hit = np.zeros(len(rows), dtype=bool)
                out[rows] = times(out[rows], factor, hit)
                near[rows] = hit
        return out


def epochs(day: np.ndarray, rules: CustomsRules, fx: FxRates) -> np.ndarray:
    """Per order an id of its day's epoch: days with the same rules in force and the same
    exchange rates between every two currencies get the same id."""
    currencies = sorted(fx.currencies)
    seen: dict[tuple, int] = {}
    ids = {}
    for d in np.unique(day).tolist():
        when = day_date(d)
        key = (tuple(r.in_force(when) for r in rules.rules), _rates(fx, currencies, when))
        ids[d] = seen.setdefault(key, len(seen))
    return pd.Series(day).map(ids).to_numpy(dtype=np.int64)


def _rates(fx: FxRates, currencies: list[str], when: date) -> tuple:
    out: list[Decimal | None] = []
    for a in currencies:
        for b in currencies:
            try:
                out.append(fx.rate(a, b, when).rate)
            except UnknownCurrency:
                out.append(None)
    return tuple(out)


def customs_grams(weight_kg: np.ndarray) -> np.ndarray:
    """An order's weight as customs reads it, Decimal(str(round(kg, 3))), in grams."""
    values, inverse = np.unique(weight_kg, return_inverse=True)
    grams = [int(Decimal(str(round(float(w), 3))).scaleb(3)) for w in values]
    return np.array(grams, dtype=np.int64)[inverse]
