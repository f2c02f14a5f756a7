"""The customs engine's landed cost (`routing.customs`) for many orders at once: each
destination scheme's arithmetic on arrays, for the orders of one duty class on routes of
one set of modes.

A duty class holds what every rule lookup depends on: the rules and rates in force, the
destination's jurisdiction (and state), the origin's country, the goods (HS code,
category), their currency and the seller's programmes. The `OrderFacts` of one of its
orders answer those lookups exactly as they answer the engine. What is left depends on
each order's value, weight and freight; it is computed here as the schemes compute it for
an order of one line of goods: the same rules, the same steps, every amount rounded half
up where the engine rounds it (`routing.plan.exact`).

A scheme returns the landed cost's lines as arrays of minor units of the destination's
currency (0 where an order has no such line): the duties and taxes a DDP quote lists one
by one. The clearance fee is a DAP line and never among them. `SCHEMES` holds a twin for
every scheme of `routing.customs.schemes` (a test holds the two lists equal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import cached_property

import numpy as np

from carriers.model import Mode
from carriers.money import is_currency, minor_units
from routing.customs.rules import Amount, Band, Topic, Valuation
from routing.customs.shipment import OrderFacts
from routing.plan.exact import times

RATE_PLACES = Decimal("1E-10")  # China's composite CBEC rate, as routing.customs.schemes.cn
Lines = list[np.ndarray]


def places(currency: str) -> int:
    """The decimals a value in `currency` is rounded to before a threshold sees it."""
    return minor_units(currency) if is_currency(currency) else 2


@dataclass
class Batch:
    """Orders of one duty class on routes of one set of modes, one element per pair."""

    facts: OrderFacts  # of one order of the class
    modes: frozenset[Mode]
    goods: np.ndarray  # int64: the goods' value in the destination's minor units
    freight: np.ndarray  # int64: the route's freight lines there, converted one by one
    grams: np.ndarray  # int64: the order's kg as customs reads it (3 decimals), x 1000
    # `Shipment.value_in(currency, basis)` x 10**places, marking undecided elements in `near`
    value_in: Callable[[str, Valuation, np.ndarray], np.ndarray]
    near: np.ndarray  # bool: elements the float arithmetic cannot decide

    @cached_property
    def customs_value(self) -> np.ndarray:
        if self.facts.place.valuation is Valuation.CIF:
            return self.goods + self.freight
        return self.goods

    def times(self, x: np.ndarray, factor: Decimal, where: np.ndarray | None = None) -> np.ndarray:
        """`Money.times` per element; only the elements `where` count (the rest are
        computed and dropped by the caller)."""
        hit = np.zeros(len(x), dtype=bool)
        out = times(x, factor, hit)
        self.near |= hit if where is None else hit & where
        return out if where is None else np.where(where, out, 0)

    def value(self, currency: str, basis: Valuation) -> np.ndarray:
        """The consignment's value in `currency` (units of 10**-places) on `basis`."""
        return self.value_in(currency, basis, self.near)

    def within(self, limit: Amount, basis: Valuation) -> np.ndarray:
        """`Shipment.within`: the value (on `basis`) is at most the limit."""
        return self.value(limit.currency, basis) <= units_below(limit)

    def money(self, amount: Amount) -> int:
        """A rule's figure in the destination's minor units (`OrderFacts.money`)."""
        return self.facts.money(amount)[0].amount

    def amounts(
        self, x: np.ndarray, scale: Decimal, currency: str, where: np.ndarray | None = None
    ) -> np.ndarray:
        """`OrderFacts.money(Amount(x * scale, currency))` per element."""
        target = self.facts.currency
        factor = scale if currency == target else scale * self.facts.rate(currency, target).rate
        return self.times(x, factor.scaleb(minor_units(target)), where)

    def rate(self, topic: Topic, table: bool = False, required: bool = True) -> Decimal | None:
        """The rate the engine picks for the order's one line of goods on these modes."""
        found = self.facts.pick(topic, 0, self.modes, table, required)
        return None if found is None else found[1]

    def due_rate(self, topic: Topic, table: bool = False) -> Decimal:
        found = self.rate(topic, table)
        assert found is not None  # required: the engine raised InvalidRule otherwise
        return found


def units_below(limit: Amount) -> int:
    """The largest value in units of 10**-places that is at most the limit."""
    scaled = limit.value.scaleb(places(limit.currency))
    return int(scaled.to_integral_value(rounding=ROUND_FLOOR))


def _zeros(b: Batch) -> np.ndarray:
    return np.zeros(len(b.goods), dtype=np.int64)


def vat_import(b: Batch) -> Lines:
    """`routing.customs.schemes.vat_import`: low-value duty or the tariff, then VAT on
    the customs value plus the duty (the checkout regimes change no amount)."""
    if not (b.facts.duty_due or b.facts.tax_due):
        return []
    cv = b.customs_value
    duty = _low_value_duty(b, cv) if b.facts.duty_due else _zeros(b)
    if not b.facts.tax_due:
        return [duty]
    exempt = b.facts.view.one(Topic.VAT_EXEMPTION)
    free = np.zeros(len(cv), dtype=bool)
    if exempt is not None and exempt.limit is not None:
        free = b.within(exempt.limit, Valuation.FOB)
    vat = b.times(cv + duty, b.due_rate(Topic.VAT), ~free) if not free.all() else _zeros(b)
    return [duty, vat]


def _low_value_duty(b: Batch, cv: np.ndarray) -> np.ndarray:
    low = b.facts.view.one(Topic.LOW_VALUE_DUTY)
    low_value = np.zeros(len(cv), dtype=bool)
    if low is not None and low.limit is not None:
        low_value = b.within(low.limit, Valuation.FOB)
    out = _zeros(b)
    if low is not None and low.treatment != "relief" and low_value.any():
        assert low.amount is not None  # per_subheading: one line of goods, one subheading
        out[low_value] = b.money(low.amount)
    if not low_value.all():
        out += b.times(cv, b.due_rate(Topic.DUTY_TABLE, table=True), ~low_value)
    return out


def us(b: Batch) -> Lines:
    """`routing.customs.schemes.us`: the tariff and the origin's surcharges on the FOB
    value, unless de minimis holds."""
    if not b.facts.duty_due:
        return []
    minimis = b.facts.view.one(Topic.DE_MINIMIS)
    free = np.zeros(len(b.goods), dtype=bool)
    if (
        minimis is not None
        and minimis.limit is not None
        and b.facts.origin not in minimis.except_origins
    ):
        free = b.within(minimis.limit, Valuation.FOB)
    if free.all():
        return []
    cv = b.customs_value
    lines = [b.times(cv, b.due_rate(Topic.DUTY_TABLE, table=True), ~free)]
    extra = b.rate(Topic.DUTY_SURCHARGE, table=True, required=False)
    if extra is not None:
        lines.append(b.times(cv, extra, ~free))
    return lines


def eaeu(b: Batch) -> Lines:
    """`routing.customs.schemes.eaeu`: the parcel allowance, then the duty on the excess
    (with its per-kg minimum) or on the whole value plus VAT."""
    if not (b.facts.duty_due or b.facts.tax_due):
        return []
    rule = b.facts.view.require(Topic.PARCEL_ALLOWANCE)
    assert rule.limit is not None and rule.per_kg is not None and rule.rate is not None
    currency, digits = rule.limit.currency, places(rule.limit.currency)
    value = b.value(currency, b.facts.place.valuation)
    limit = units_below(rule.limit)
    per_kg = rule.per_kg.value.scaleb(-3)  # a gram's worth
    if rule.treatment == "excess":
        kg_limit = rule.weight_limit_kg or Decimal(0)
        if limit != rule.limit.value.scaleb(digits) or kg_limit.scaleb(3) % 1:
            b.near[:] = True  # limits finer than a cent or a gram: left to the engine
            return []
        over_value = np.maximum(value - limit, 0)
        over_g = np.maximum(b.grams - int(kg_limit.scaleb(3)), 0) if kg_limit else _zeros(b)
        due = (over_value > 0) | (over_g > 0)
        by_value = b.amounts(over_value, Decimal(1).scaleb(-digits), currency, due)
        by_weight = b.amounts(over_g, per_kg, rule.per_kg.currency, due)
        excess = b.times(by_value, rule.rate, due)
        return [np.where(due, np.where(excess >= by_weight, excess, by_weight), 0)]
    due = value > limit
    cv = b.customs_value
    by_value = b.times(cv, rule.rate, due)
    by_weight = b.amounts(b.grams, per_kg, rule.per_kg.currency, due)
    duty = np.where(due, np.where(by_value >= by_weight, by_value, by_weight), 0)
    vat = b.times(cv + duty, b.due_rate(Topic.VAT), due) if due.any() else _zeros(b)
    return [duty, vat]


def br(b: Batch) -> Lines:
    """`routing.customs.schemes.br`: the import tax of the CIF value's band (minus its
    deduction), then the state's ICMS on the customs value plus it, "por dentro"."""
    if not (b.facts.duty_due or b.facts.tax_due):
        return []
    state = b.facts.state()
    bands = b.facts.view.require(Topic.IMPORT_TAX_BANDS, b.facts.goods(b.modes)).bands
    band = _bands(b, bands, Valuation.CIF, top=True)
    cv = b.customs_value
    ii = _zeros(b)
    for i, each in enumerate(bands):
        rows = band == i
        if rows.any():
            amount = b.times(cv, each.rate, rows)
            deduction = b.money(each.deduction) if each.deduction else 0
            ii = np.where(rows, np.maximum(amount - deduction, 0), ii)
    icms = b.facts.view.require(Topic.STATE_TAX, b.facts.goods(b.modes, state=state))
    assert icms.rate is not None
    rate = icms.rate / (1 - icms.rate) if icms.treatment == "por_dentro" else icms.rate
    return [ii, b.times(cv + ii, rate)]


def _bands(b: Batch, bands: tuple[Band, ...], basis: Valuation, top: bool) -> np.ndarray:
    """Per element the first band whose `up_to` holds the value (in the bands' currency);
    above them all, the last one (`top`) or -1."""
    currency = next((x.up_to.currency for x in bands if x.up_to), b.facts.currency)
    value = b.value(currency, basis)
    out = np.full(len(value), len(bands) - 1 if top else -1, dtype=np.int64)
    free = np.ones(len(value), dtype=bool)
    for i, band in enumerate(bands):
        hit = free if band.up_to is None else free & (value <= units_below(band.up_to))
        out[hit] = i
        free &= ~hit
    return out


def idn(b: Batch) -> Lines:
    """`routing.customs.schemes.id`: a flat duty by FOB band, or the full tariff and income
    tax for protected goods and consignments above the bands; VAT on all of it."""
    if not (b.facts.duty_due or b.facts.tax_due):
        return []
    bands = b.facts.view.require(Topic.IMPORT_TAX_BANDS).bands
    band = _bands(b, bands, Valuation.FOB, top=False)
    listed = tuple(
        p for r in b.facts.view.all(Topic.FULL_RATE_GOODS) for p in r.selectors.hs_prefixes or ()
    )
    full = (band < 0) | b.facts.order.items[0].hs_code.startswith(listed)
    cv = b.customs_value
    flat = _zeros(b)
    for i, each in enumerate(bands):
        rows = ~full & (band == i)
        if rows.any():
            flat += b.times(cv, each.rate, rows)
    duty, income = _zeros(b), _zeros(b)
    if full.any():
        duty = b.times(cv, b.due_rate(Topic.DUTY_TABLE, table=True), full)
        income = b.times(cv + duty, b.due_rate(Topic.INCOME_TAX), full)
    return [flat, duty, income, b.times(cv + flat + duty, b.due_rate(Topic.VAT))]


def cn_cbec(b: Batch) -> Lines:
    """`routing.customs.schemes.cn`: within the CBEC limit the composite tax on the
    transaction value; over it general trade: tariff, consumption tax grossed up, VAT.
    (No buyer's year-to-date total: the annual limit is not checked, as in a quote.)"""
    if not (b.facts.duty_due or b.facts.tax_due):
        return []
    limits = b.facts.view.require(Topic.CBEC_LIMITS)
    assert limits.limit is not None
    within = b.within(limits.limit, Valuation.CIF)
    cv = b.customs_value
    goods = b.facts.view.require(Topic.CBEC_TAX, b.facts.goods_of(0, b.modes))
    assert goods.rate is not None
    ct = goods.consumption or Decimal(0)
    lines = []
    if within.any():
        share = b.facts.view.require(Topic.CBEC_DISCOUNT).rate
        assert share is not None
        rate = ((ct + goods.rate) / (1 - ct) * share).quantize(RATE_PLACES).normalize()
        lines.append(b.times(cv, rate, within))
    if not within.all():
        over = ~within
        duty = b.times(cv, b.due_rate(Topic.DUTY_TABLE, table=True), over)
        consumption = b.times(cv + duty, ct / (1 - ct), over) if ct else _zeros(b)
        vat = b.times(cv + duty + consumption, goods.rate, over) if goods.rate else _zeros(b)
        lines += [duty, consumption, vat]
    return lines


def _none(b: Batch) -> Lines:
    return []


SCHEMES: dict[str, Callable[[Batch], Lines]] = {
    "vat_import": vat_import,
    "br": br,
    "eaeu": eaeu,
    "id": idn,
    "us": us,
    "cn_cbec": cn_cbec,
    "none": _none,
}
