"""The facts a landed-cost or screening calculation works from.

`OrderFacts` are what no route changes, gathered once per order: where the order goes (a
jurisdiction, maybe a special territory) and the rules in force there, where it comes
from, whether duties and import taxes are due, the seller's programmes. It also keeps
what every route would otherwise compute again: each item's selector facts per set of
modes, the goods' exact value in a currency, the conversion of an amount.

`Shipment` adds one route: who clears import, the modes, the freight, what the goods and
the freight are worth in the destination's currency, and each item's customs value (its
goods value plus, under CIF, its share of the freight). It records every exchange rate it
uses, in the order of first use.

Rounding: each conversion rounds half up to the target's minor unit; freight is shared
between items in proportion to their value by largest remainder, so the shares add up to
the freight exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from carriers.model import CustomsRegime, Mode, Service
from carriers.money import Money, is_currency, minor_units
from carriers.pricing import Charge, ChargeKind
from routing.customs.lines import Collection
from routing.customs.rulebook import CustomsRules, Jurisdiction
from routing.customs.rules import Amount, Goods, Rule, Topic, Valuation
from routing.fx import FxRate, FxRates
from routing.network import Route
from routing.orders import Incoterm, Item, Order

FREIGHT_KINDS = frozenset({ChargeKind.FREIGHT, ChargeKind.SURCHARGE, ChargeKind.FEE})
CHECKOUT_REGIMES = frozenset(
    {
        CustomsRegime.COURIER_DDP,
        CustomsRegime.IOSS,
        CustomsRegime.B2B_HUB,
        CustomsRegime.CBEC_1210,
        CustomsRegime.CBEC_9610,
    }
)
Picked = tuple[Rule, Decimal, str]  # a rule, the rate it gives an item, which row gave it


class ItemValue:
    """One item on one route (built for every route, so a plain slotted object)."""

    __slots__ = ("customs_value", "index", "item", "value")

    def __init__(self, index: int, item: Item, value: Money, customs_value: Money) -> None:
        self.index = index
        self.item = item
        self.value = value  # goods value in the destination currency
        self.customs_value = customs_value  # value + freight share under CIF

    @property
    def subheading(self) -> str:
        return self.item.hs_code[:6]


class OrderFacts:
    """What no route changes, and what the routes of one order share once computed."""

    def __init__(
        self,
        order: Order,
        at: date,
        rules: CustomsRules,
        fx: FxRates,
        place: Jurisdiction,
        origin: str,
        year_to_date: Money | None = None,
    ) -> None:
        self.order, self.at, self.rules, self.fx = order, at, rules, fx
        self.place, self.origin, self.year_to_date = place, origin, year_to_date
        self.view = rules.in_force(place.id, at)
        self.currency = place.currency
        seller = order.seller
        programmes = (
            ("ioss", seller.ioss_registered),
            ("remessa_conforme", seller.remessa_conforme),
            ("cross_border_marketplace", seller.cross_border_marketplace),
        )
        self.sellers = frozenset(name for name, on in programmes if on)
        # goods from outside the destination's customs union pay its duties, and goods
        # from outside its VAT area its import taxes
        self.duty_due = rules.customs_union_of(origin) != place.customs_union
        self.tax_due = rules.vat_area_of(origin) != place.vat_area
        self._goods: dict[tuple[int, frozenset[Mode]], Goods] = {}
        self._consignment: dict[tuple[frozenset[Mode], str | None], Goods] = {}
        self._state: str | None = None
        self._picks: dict[tuple[Topic, int, frozenset[Mode], bool], Picked | None] = {}
        self.zero = Money.zero(self.currency)
        self._rates: dict[tuple[str, str], FxRate] = {}
        self._goods_in: dict[str, Decimal] = {}
        self._goods_value_in: dict[str, tuple[Decimal, FxRate]] = {}
        self._converted: dict[tuple[int, str, str], Money] = {}
        self._freight: dict[tuple[int, str], int] = {}
        self._money: dict[tuple[Decimal, str], tuple[Money, FxRate | None]] = {}

    def goods(
        self, modes: frozenset[Mode], item: Item | None = None, state: str | None = None
    ) -> Goods:
        if item is None:  # the consignment: kept per lane
            key = (modes, state)
            found = self._consignment.get(key)
            if found is None:
                found = self._consignment[key] = self._new_goods(modes, None, state)
            return found
        return self._new_goods(modes, item, state)

    def _new_goods(self, modes: frozenset[Mode], item: Item | None, state: str | None) -> Goods:
        return Goods(
            hs=item.hs_code if item else "",
            category=item.category if item else None,
            state=state,
            origin=self.origin,
            sellers=self.sellers,
            modes=modes,
        )

    def state(self) -> str:
        """The destination's state, from its postal code (Brazil: the CEP)."""
        if self._state is None:
            self._state = self.rules.state_of(self.place.id, self.order.destination.postal_code)
        return self._state

    def goods_of(self, index: int, modes: frozenset[Mode]) -> Goods:
        """The selector facts of item `index` on a lane of `modes` (built once)."""
        key = (index, modes)
        found = self._goods.get(key)
        if found is None:
            found = self._goods[key] = self._new_goods(modes, self.order.items[index], None)
        return found

    def pick(
        self,
        topic: Topic,
        index: int,
        modes: frozenset[Mode],
        table: bool = False,
        required: bool = True,
    ) -> Picked | None:
        """The most specific rule of `topic` for item `index` on a lane of `modes`, with
        its rate: the rule's own, or with `table` the rate of the item's HS code in the
        rule's table and which row gave it. No rule in force is an error when `required`,
        else None."""
        key = (topic, index, modes, table)
        try:
            found = self._picks[key]
        except KeyError:
            found = self._picks[key] = self._pick(topic, index, modes, table)
        if found is None and required:
            self.view.require(topic, self.goods_of(index, modes))  # raises InvalidRule
        return found

    def _pick(self, topic: Topic, index: int, modes: frozenset[Mode], table: bool) -> Picked | None:
        rule = self.view.select(topic, self.goods_of(index, modes))
        if rule is None:
            return None
        if table:
            return (rule, *rule.table_rate(self.order.items[index].hs_code))
        assert rule.rate is not None  # the loader requires rate_pct for these topics
        return rule, rule.rate, ""

    def rate(self, base: str, quote: str) -> FxRate:
        key = (base, quote)
        found = self._rates.get(key)
        if found is None:
            found = self._rates[key] = self.fx.rate(base, quote, self.at)
        return found

    def goods_in(self, rate: FxRate) -> Decimal:
        """The goods' value times `rate` (from the goods' currency), unrounded."""
        found = self._goods_in.get(rate.quote)
        if found is None:
            goods = sum(i.unit_value.amount * i.quantity for i in self.order.items)
            found = Money(goods, self.order.goods_currency).decimal * rate.rate
            self._goods_in[rate.quote] = found
        return found

    def goods_value_in(self, currency: str) -> tuple[Decimal, FxRate]:
        """The goods' value in `currency` as a threshold compares it, and the rate used."""
        found = self._goods_value_in.get(currency)
        if found is None:
            fx = self.rate(self.order.goods_currency, currency)
            value = round_value(Decimal(0) + self.goods_in(fx), currency)
            found = self._goods_value_in[currency] = (value, fx)
        return found

    def freight_in(self, money: Money) -> int:
        """A freight charge in the destination currency, in minor units (converted once)."""
        key = (money.amount, money.currency)
        found = self._freight.get(key)
        if found is None:
            rate = self.rate(money.currency, self.currency)
            found = self._freight[key] = self.converted(money, rate).amount
        return found

    def converted(self, money: Money, rate: FxRate) -> Money:
        """`money` at `rate`, rounded half up to the quote currency's minor unit."""
        key = (money.amount, money.currency, rate.quote)
        found = self._converted.get(key)
        if found is None:
            found = self._converted[key] = Money.of(money.decimal * rate.rate, rate.quote)
        return found

    def money(self, amount: Amount) -> tuple[Money, FxRate | None]:
        """A rule's figure in the destination currency, and the rate used if any."""
        key = (amount.value, amount.currency)
        found = self._money.get(key)
        if found is None:
            if amount.currency == self.currency:
                found = (Money.of(amount.value, self.currency), None)
            else:
                fx = self.rate(amount.currency, self.currency)
                found = (Money.of(amount.value * fx.rate, self.currency), fx)
            self._money[key] = found
        return found


def round_value(exact: Decimal, currency: str) -> Decimal:
    """A value in any rate currency rounded half up to its minor unit (SDR: 2 places)."""
    places = minor_units(currency) if is_currency(currency) else 2
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Shipment:
    """The facts of one calculation: an order's facts on one route."""

    __slots__ = (
        "_values",
        "at",
        "currency",
        "customs_value",
        "duty_due",
        "facts",
        "freight",
        "freight_charges",
        "fx",
        "goods_value",
        "import_service",
        "items",
        "modes",
        "order",
        "origin",
        "place",
        "route",
        "rules",
        "sellers",
        "tax_due",
        "used",
        "view",
        "year_to_date",
    )

    def __init__(
        self,
        facts: OrderFacts,
        route: Route,
        import_service: Service | None,
        modes: frozenset[Mode],
        freight_charges: tuple[Money, ...] = (),
        values: dict[tuple[str, Valuation], Decimal] | None = None,
    ) -> None:
        self.facts = facts
        self.order, self.at, self.rules, self.fx = facts.order, facts.at, facts.rules, facts.fx
        self.place, self.view, self.origin = facts.place, facts.view, facts.origin
        self.currency, self.sellers = facts.currency, facts.sellers
        self.duty_due, self.tax_due = facts.duty_due, facts.tax_due
        self.year_to_date = facts.year_to_date
        self.route, self.import_service, self.modes = route, import_service, modes
        self.freight_charges = freight_charges
        self.freight = self.goods_value = self.customs_value = facts.zero
        self.items: tuple[ItemValue, ...] = ()
        self.used: dict[tuple[str, str], FxRate] = {}
        # the consignment's value per (currency, basis): shared by calls without freight
        self._values = {} if values is None else values

    def goods_of(self, item: ItemValue) -> Goods:
        """The selector facts of one item on this route's modes."""
        return self.facts.goods_of(item.index, self.modes)

    def goods(self, item: Item | None = None, state: str | None = None) -> Goods:
        return self.facts.goods(self.modes, item, state)

    def pick(
        self, topic: Topic, item: ItemValue, table: bool = False, required: bool = True
    ) -> Picked | None:
        """The rule of `topic` for one item on this route, and its rate (`OrderFacts.pick`)."""
        return self.facts.pick(topic, item.index, self.modes, table, required)

    # --- money ---------------------------------------------------------------------------

    def rate(self, base: str, quote: str) -> FxRate:
        if base == quote:
            return self.facts.rate(base, quote)
        key = (base, quote)
        fx = self.used.get(key)
        if fx is None:
            fx = self.used[key] = self.facts.rate(base, quote)
        return fx

    def note(self, rates: Sequence[FxRate]) -> None:
        """Record rates used once for every route (the items' values)."""
        for fx in rates:
            self.used.setdefault((fx.base, fx.quote), fx)

    def convert(self, money: Money, to: str | None = None) -> Money:
        target = to or self.currency
        if money.currency == target:
            return money
        return self.facts.converted(money, self.rate(money.currency, target))

    def money(self, amount: Amount) -> Money:
        """A rule's figure in the destination currency."""
        found, fx = self.facts.money(amount)
        if fx is not None:
            self.used.setdefault((fx.base, fx.quote), fx)
        return found

    def value_in(self, currency: str, basis: Valuation) -> Decimal:
        """The consignment's value in any rate currency (SDR too), rounded half up to a
        cent-like minor unit: the figure a threshold in that currency is compared with."""
        key = (currency, basis)
        found = self._values.get(key)
        if found is None:
            if basis is Valuation.FOB or not self.freight_charges:
                found, fx = self.facts.goods_value_in(currency)
                self.rate(fx.base, fx.quote)  # noted as used
            else:
                found = self._value_in(currency)
            self._values[key] = found
        return found

    def _value_in(self, currency: str) -> Decimal:
        """Goods and freight (CIF) in `currency`."""
        exact = Decimal(0) + self.facts.goods_in(self.rate(self.order.goods_currency, currency))
        for m in self.freight_charges:
            exact += m.decimal * self.rate(m.currency, currency).rate
        return round_value(exact, currency)

    def within(self, limit: Amount, basis: Valuation) -> bool:
        return self.value_in(limit.currency, basis) <= limit.value

    def default_collection(self) -> Collection:
        """DDP/DAP from the order's incoterm, else from the regime of the clearing service."""
        if self.order.incoterm is Incoterm.DDP:
            return Collection.CHECKOUT
        if self.order.incoterm is Incoterm.DAP:
            return Collection.DELIVERY
        regime = self.import_service.customs.regime if self.import_service else None
        return Collection.CHECKOUT if regime in CHECKOUT_REGIMES else Collection.DELIVERY


def apportion(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` minor units in proportion to `weights`, by largest remainder, so the
    parts add up to `amount` exactly (ties go to the earlier weight)."""
    if len(weights) == 1:
        return [amount]  # what the general case gives for one weight, zero or not
    whole = sum(weights)
    if not weights:
        return []
    if whole == 0:
        weights, whole = [1] * len(weights), len(weights)
    parts = [amount * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
    for i in order[: amount - sum(parts)]:
        parts[i] += 1
    return parts


def freight_of(charges: Sequence[Charge]) -> tuple[Money, ...]:
    return tuple(c.amount for c in charges if c.kind in FREIGHT_KINDS)
