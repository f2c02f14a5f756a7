"""The facts one landed-cost or screening call works from, gathered once per call.

`Shipment` answers: where the order goes (a jurisdiction, maybe a special territory), where
it comes from, who clears import, what the goods and the freight are worth in the
destination's currency, and each item's customs value (its goods value plus, under CIF,
its share of the freight). It records every exchange rate it uses.

Rounding: each conversion rounds half up to the target's minor unit; freight is shared
between items in proportion to their value by largest remainder, so the shares add up to
the freight exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from carriers.model import CustomsRegime, Mode, Service
from carriers.money import Money, is_currency, minor_units
from carriers.pricing import Charge, ChargeKind
from routing.customs.lines import Collection
from routing.customs.routes import import_service, node_country, route_modes
from routing.customs.rules import Amount, CustomsRules, Goods, Jurisdiction, RuleView, Valuation
from routing.fx import FxRate, FxRates
from routing.network import Network, Route
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


@dataclass(frozen=True)
class ItemValue:
    index: int
    item: Item
    value: Money  # goods value in the destination currency
    customs_value: Money  # value + freight share under CIF

    @property
    def subheading(self) -> str:
        return self.item.hs_code[:6]


@dataclass
class Shipment:
    order: Order
    route: Route
    at: date
    rules: CustomsRules
    fx: FxRates
    place: Jurisdiction
    view: RuleView
    origin: str
    freight_charges: tuple[Money, ...]
    freight: Money  # the freight in the destination currency
    goods_value: Money  # the items' values in the destination currency
    customs_value: Money  # goods + freight under CIF, goods under FOB
    year_to_date: Money | None = None
    import_service: Service | None = None
    modes: frozenset[Mode] = frozenset()
    items: tuple[ItemValue, ...] = ()
    sellers: frozenset[str] = frozenset()  # the seller's programmes: ioss, remessa_conforme
    used: dict[tuple[str, str], FxRate] = field(default_factory=dict)
    _values: dict[tuple[str, Valuation], Decimal] = field(default_factory=dict)
    _goods: dict[int, Goods] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.place.currency

    @property
    def duty_due(self) -> bool:
        """Goods from outside the destination's customs union pay its duties."""
        return self.rules.customs_union_of(self.origin) != self.place.customs_union

    @property
    def tax_due(self) -> bool:
        """Goods from outside the destination's VAT area pay its import taxes."""
        return self.rules.vat_area_of(self.origin) != self.place.vat_area

    def goods_of(self, item: ItemValue) -> Goods:
        """The selector facts of one item (built once per call)."""
        found = self._goods.get(item.index)
        if found is None:
            found = self._goods[item.index] = self.goods(item.item)
        return found

    def goods(self, item: Item | None = None, state: str | None = None) -> Goods:
        return Goods(
            hs=item.hs_code if item else "",
            category=item.category if item else None,
            state=state,
            origin=self.origin,
            sellers=self.sellers,
            modes=self.modes,
        )

    # --- money ---------------------------------------------------------------------------

    def rate(self, base: str, quote: str) -> FxRate:
        fx = self.fx.rate(base, quote, self.at)
        if base != quote:
            self.used.setdefault((base, quote), fx)
        return fx

    def convert(self, money: Money, to: str | None = None) -> Money:
        target = to or self.currency
        if money.currency == target:
            return money
        return Money.of(money.decimal * self.rate(money.currency, target).rate, target)

    def money(self, amount: Amount) -> Money:
        """A rule's figure in the destination currency."""
        if amount.currency == self.currency:
            return Money.of(amount.value, self.currency)
        fx = self.rate(amount.currency, self.currency)
        return Money.of(amount.value * fx.rate, self.currency)

    def value_in(self, currency: str, basis: Valuation) -> Decimal:
        """The consignment's value in any rate currency (SDR too), rounded half up to a
        cent-like minor unit: the figure a threshold in that currency is compared with."""
        key = (currency, basis)
        if key not in self._values:
            self._values[key] = self._value_in(currency, basis)
        return self._values[key]

    def _value_in(self, currency: str, basis: Valuation) -> Decimal:
        goods = sum(i.unit_value.amount * i.quantity for i in self.order.items)
        parts = [Money(goods, self.order.goods_currency)]
        if basis is Valuation.CIF:
            parts += self.freight_charges
        places = minor_units(currency) if is_currency(currency) else 2
        exact = sum((m.decimal * self.rate(m.currency, currency).rate for m in parts), Decimal(0))
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

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


def build_shipment(
    order: Order,
    route: Route,
    at: date,
    rules: CustomsRules,
    fx: FxRates,
    shipping_charges: Sequence[Charge] = (),
    network: Network | None = None,
    year_to_date: Money | None = None,
    with_values: bool = True,
) -> Shipment:
    """The facts of one call; `with_values` False skips the per-item customs values
    (screening compares whole-consignment values only)."""
    place = rules.destination(order.destination.country, order.destination.postal_code)
    s = Shipment(
        order=order,
        route=route,
        at=at,
        rules=rules,
        fx=fx,
        place=place,
        view=rules.in_force(place.id, at),
        origin=node_country(order.origin, network),
        freight_charges=freight_of(shipping_charges),
        freight=Money.zero(place.currency),
        goods_value=Money.zero(place.currency),
        customs_value=Money.zero(place.currency),
        year_to_date=year_to_date,
        import_service=import_service(route),
        modes=route_modes(route),
    )
    seller = order.seller
    programmes = (
        ("ioss", seller.ioss_registered),
        ("remessa_conforme", seller.remessa_conforme),
        ("cross_border_marketplace", seller.cross_border_marketplace),
    )
    s.sellers = frozenset(name for name, on in programmes if on)
    if not with_values:
        return s
    s.freight = Money(sum(s.convert(m).amount for m in s.freight_charges), s.currency)
    s.items = _item_values(s)
    s.goods_value = Money(sum(i.value.amount for i in s.items), s.currency)
    s.customs_value = Money(sum(i.customs_value.amount for i in s.items), s.currency)
    return s


def _item_values(s: Shipment) -> tuple[ItemValue, ...]:
    values = [s.convert(item.value) for item in s.order.items]
    freight = s.freight.amount if s.place.valuation is Valuation.CIF else 0
    shares = apportion(freight, [v.amount for v in values])
    return tuple(
        ItemValue(i, item, value, Money(value.amount + share, s.currency))
        for i, (item, value, share) in enumerate(zip(s.order.items, values, shares, strict=True))
    )
