"""Screening: can this order take this route, and what must travel with it?

`screen(order, route, at)` (in `routing.customs.case`) returns findings with stable codes.
A finding either excludes the route (its `excludes` is true and its message is the reason)
or rides along as a message for the buyer or the shipper (an id to collect, a form to fill
in).

    prohibited          goods or batteries refused by a service, the destination or every
                        air/postal lane (loose lithium batteries); goods off a positive list
    unsupported_regime  the destination's rules do not cover how this route clears
    buyer_id_required   an id customs needs is missing (CPF, INN + passport, CN resident id)
    buyer_id_invalid    an id was given but its check digits are wrong
    over_value_limit    the value is outside what the regime admits: above a ceiling (CBEC
                        CNY 5,000, a service's maximum) or below the Indonesian floor price
    over_weight_limit   a parcel is heavier than a service or an allowance takes
    document_required   a CN22 / CN23, or an export + import declaration pair
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from carriers.model import GoodsCategory, Mode, Restrictions, Service
from routing.customs.ids import cn_resident_id_problem, cpf_problem, inn_problem, passport_problem
from routing.customs.routes import node_country
from routing.customs.rules import Rule, Topic, Valuation
from routing.customs.shipment import Shipment
from routing.network import Network
from routing.orders import Order


class FindingCode(StrEnum):
    PROHIBITED = "prohibited"
    UNSUPPORTED_REGIME = "unsupported_regime"
    BUYER_ID_REQUIRED = "buyer_id_required"
    BUYER_ID_INVALID = "buyer_id_invalid"
    OVER_VALUE_LIMIT = "over_value_limit"
    OVER_WEIGHT_LIMIT = "over_weight_limit"
    DOCUMENT_REQUIRED = "document_required"


@dataclass(frozen=True)
class Finding:
    code: FindingCode
    excludes: bool  # True: the route cannot carry the order, and `message` says why
    message: str
    rule_id: str = ""  # the customs rule, or the service id for a service restriction
    source: str = ""
    service_id: str = ""
    field: str = ""  # the order field it concerns: "buyer.tax_id", "items[1]"


@dataclass(frozen=True)
class Screening:
    findings: tuple[Finding, ...]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def allowed(self) -> bool:
        return not any(f.excludes for f in self.findings)

    @property
    def reasons(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.excludes)

    @property
    def messages(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.excludes)

    def codes(self) -> frozenset[FindingCode]:
        return frozenset(f.code for f in self.findings)


def screen_shipment(s: Shipment, kept: ScreenParts, network: Network | None) -> Screening:
    """Every finding of an order on one route (`s`, without values). Most findings depend
    on one part of the route and are kept for the order's other routes (`kept`)."""
    found: list[Finding] = []
    for service in s.route:
        limits = kept.limits.get(service.id)
        if limits is None or limits[0] is not service:
            limits = kept.limits[service.id] = (service, tuple(_service_limits(s, kept, service)))
        found += limits[1]
    clearing = s.import_service
    key = clearing.id if clearing else ""
    regime = kept.regimes.get(key)
    if regime is None or regime[0] is not clearing:
        regime = kept.regimes[key] = (clearing, tuple(_regime(s)))
    found += regime[1]
    lane = kept.lanes.get(s.modes)
    if lane is None:
        lane = kept.lanes[s.modes] = (*_bans(s), *_buyer_ids(s, kept))
    found += lane
    if kept.order is None:
        kept.order = tuple(_value_limits(s))
    found += kept.order
    found += _documents(s, kept, network)
    return Screening(tuple(found))


@dataclass
class ScreenParts:
    """The parts of one order's screenings, kept by what they depend on: a service's own
    limits (by service), the regime (by clearing service), bans and buyer ids (by set of
    modes), value limits and what is wrong with the buyer's ids (the order), whether a
    service crosses a border and the postal form of a postal service (by service). An
    entry kept by service holds the service it was computed for, and is used only for that
    very object. The order's goods in brief let most services be passed at a glance."""

    categories: frozenset[GoodsCategory]  # of the items
    battery: int  # the highest rank of the items' batteries
    liquid: bool  # some item is a liquid
    limits: dict[str, tuple[Service, tuple[Finding, ...]]] = field(default_factory=dict)
    regimes: dict[str, tuple[Service | None, tuple[Finding, ...]]] = field(default_factory=dict)
    lanes: dict[frozenset[Mode], tuple[Finding, ...]] = field(default_factory=dict)
    order: tuple[Finding, ...] | None = None
    crossings: dict[str, tuple[Service, bool]] = field(default_factory=dict)
    forms: dict[str, tuple[Service, Finding | None]] = field(default_factory=dict)
    ids: dict[str, str | None] = field(default_factory=dict)  # id type -> what is wrong

    @classmethod
    def of(cls, order: Order) -> ScreenParts:
        return cls(
            frozenset(i.category for i in order.items),
            max(i.battery.rank for i in order.items),
            any(i.liquid for i in order.items),
        )


def _finding(code: FindingCode, excludes: bool, message: str, rule: Rule, **kw: str) -> Finding:
    return Finding(code, excludes, message, rule.rule_id, rule.source, **kw)


def _prohibited(message: str, rule: Rule, item: int) -> Finding:
    return _finding(FindingCode.PROHIBITED, True, message, rule, field=f"items[{item}]")


# --- the carriers' own restrictions ---------------------------------------------------------


def _service_limits(s: Shipment, kept: ScreenParts, service: Service) -> list[Finding]:
    limits = service.restrictions
    if limits.max_value is None and _takes(limits, kept, s.order):
        return []
    found = []

    def refuse(code: FindingCode, message: str, field: str = "") -> None:
        found.append(
            Finding(
                code,
                True,
                f"{service.id}: {message}",
                service.id,
                service.source,
                service.id,
                field,
            )
        )

    for i, item in enumerate(s.order.items):
        where = f"items[{i}]"
        if item.category in limits.forbidden_categories:
            refuse(FindingCode.PROHIBITED, f"does not carry {item.category.value}", where)
        if item.battery.rank > limits.max_battery.rank:
            refuse(FindingCode.PROHIBITED, f"takes batteries up to {limits.max_battery}", where)
        if item.liquid and not limits.liquids:
            refuse(FindingCode.PROHIBITED, "does not carry liquids", where)
    for i, parcel in enumerate(s.order.parcels):
        if limits.max_weight_kg is not None and parcel.weight_kg > limits.max_weight_kg:
            text = f"parcel of {parcel.weight_kg:g} kg over its {limits.max_weight_kg:g} kg"
            refuse(FindingCode.OVER_WEIGHT_LIMIT, text, f"parcels[{i}]")
    if limits.max_value is not None:
        value = s.value_in(limits.max_value.currency, Valuation.FOB)
        if value > limits.max_value.decimal:
            text = f"goods of {value} {limits.max_value.currency} over its {limits.max_value}"
            refuse(FindingCode.OVER_VALUE_LIMIT, text)
    return found


def _takes(limits: Restrictions, kept: ScreenParts, order: Order) -> bool:
    """Does a service with these limits take every item and parcel? (values aside)"""
    heaviest = limits.max_weight_kg
    return (
        kept.categories.isdisjoint(limits.forbidden_categories)
        and kept.battery <= limits.max_battery.rank
        and (limits.liquids or not kept.liquid)
        and (heaviest is None or all(p.weight_kg <= heaviest for p in order.parcels))
    )


# --- the destination's rules ----------------------------------------------------------------


def _regime(s: Shipment) -> list[Finding]:
    covered = s.place.regimes
    clearing = s.import_service
    regime = clearing.customs.regime if clearing else None
    if not covered or not s.duty_due or (regime is not None and regime.value in covered):
        return []
    how = f"clears under {regime.value}" if regime else "declares no import clearance"
    return [
        Finding(
            FindingCode.UNSUPPORTED_REGIME,
            True,
            f"{s.place.name} rules cover {', '.join(sorted(covered))} only; this route {how}",
            s.place.id,
            s.place.source,
            clearing.id if clearing else "",
        )
    ]


def _bans(s: Shipment) -> list[Finding]:
    found = []
    modes = {m for m in s.modes}
    for rule in s.view.all(Topic.BATTERY_BAN):
        banned = modes & set(rule.selectors.modes or ())
        for i, item in enumerate(s.order.items):
            if banned and item.battery is rule.battery:
                lanes = ", ".join(sorted(m.value for m in banned))
                text = f"{item.battery.value} lithium batteries never travel by {lanes}"
                found.append(_prohibited(text, rule, i))
    for rule in s.view.all(Topic.PROHIBITED):
        for i, item in enumerate(s.order.items):
            if rule.selectors.matches(s.facts.goods_of(i, s.modes)):
                text = f"{item.description!r} may not be imported into {s.place.name}"
                found.append(_prohibited(text, rule, i))
    lists = s.view.all(Topic.POSITIVE_LIST)
    allowed = tuple(p for r in lists for p in r.selectors.hs_prefixes or ())
    for i, item in enumerate(s.order.items):
        if lists and s.duty_due and not item.hs_code.startswith(allowed):
            text = f"HS {item.hs_code} is not on the positive list of {s.place.name}"
            found.append(_prohibited(text, lists[0], i))
    return found


_ID_FIELDS = {
    "cpf": ("buyer.tax_id", "CPF", cpf_problem),
    "inn": ("buyer.tax_id", "INN", inn_problem),
    "passport": ("buyer.id_number", "passport details", passport_problem),
    "cn_resident_id": ("buyer.id_number", "resident id", cn_resident_id_problem),
    "real_name": ("buyer.name", "real name", lambda _: None),
}


def _buyer_ids(s: Shipment, kept: ScreenParts) -> list[Finding]:
    if not s.duty_due and not s.tax_due:
        return []
    found = []
    buyer = s.order.buyer
    for rule in s.view.all(Topic.BUYER_ID):
        if rule.selectors.modes is not None and not (rule.selectors.modes & s.modes):
            continue
        field, label, problem = _ID_FIELDS[rule.id_type]
        given = getattr(buyer, field.split(".")[1]).strip()
        if not given:
            text = f"{s.place.name} customs need the buyer's {label} ({field})"
            text += f": {rule.note}" if rule.note else ""
            found.append(_finding(FindingCode.BUYER_ID_REQUIRED, False, text, rule, field=field))
        elif (wrong := _id_problem(kept, rule.id_type, problem, given)) is not None:
            found.append(_finding(FindingCode.BUYER_ID_INVALID, True, wrong, rule, field=field))
    return found


def _id_problem(
    kept: ScreenParts, id_type: str, problem: Callable[[str], str | None], given: str
) -> str | None:
    """What is wrong with the buyer's id of a type (checked once per order)."""
    if id_type not in kept.ids:
        kept.ids[id_type] = problem(given)
    return kept.ids[id_type]


def _value_limits(s: Shipment) -> list[Finding]:
    if not s.duty_due and not s.tax_due:
        return []
    found = _cbec_limits(s)
    for rule in s.view.all(Topic.VALUE_CEILING):
        assert rule.limit is not None
        value = s.value_in(rule.limit.currency, s.place.valuation)
        if value > rule.limit.value:
            excludes = rule.treatment == "excludes"
            text = f"{s.place.valuation} value {value} {rule.limit.currency} is over {rule.limit}"
            found.append(_finding(FindingCode.OVER_VALUE_LIMIT, excludes, text, rule))
    floors = s.view.all(Topic.FLOOR_PRICE) if "cross_border_marketplace" in s.sellers else ()
    for rule in floors:
        assert rule.limit is not None
        for i, item in enumerate(s.order.items):
            unit = s.convert(item.unit_value, rule.limit.currency).decimal
            if unit < rule.limit.value:
                text = f"unit FOB {unit} {rule.limit.currency} is below the {rule.limit} floor"
                found.append(
                    _finding(FindingCode.OVER_VALUE_LIMIT, True, text, rule, field=f"items[{i}]")
                )
    for rule in s.view.all(Topic.PARCEL_ALLOWANCE):
        kg = Decimal(str(round(s.order.weight_kg, 3)))
        if rule.weight_limit_kg is not None and kg > rule.weight_limit_kg:
            text = f"{kg} kg is over the {rule.weight_limit_kg} kg allowance: duty per kg over"
            found.append(_finding(FindingCode.OVER_WEIGHT_LIMIT, False, text, rule))
    return found


def _cbec_limits(s: Shipment) -> list[Finding]:
    rule = s.view.one(Topic.CBEC_LIMITS)
    if rule is None or rule.limit is None or rule.annual_limit is None:
        return []
    value = s.value_in(rule.limit.currency, Valuation.CIF)
    single = len(s.order.items) == 1 and s.order.items[0].quantity == 1
    found = []
    if s.year_to_date is None:
        text = f"annual {rule.annual_limit} per buyer not checked: no year-to-date total given"
        found.append(_finding(FindingCode.OVER_VALUE_LIMIT, False, text, rule))
    else:
        before = s.convert(s.year_to_date, rule.annual_limit.currency).decimal
        if before + value > rule.annual_limit.value:
            text = f"{before} + {value} {rule.annual_limit.currency} is over {rule.annual_limit}"
            found.append(_finding(FindingCode.OVER_VALUE_LIMIT, True, text, rule))
    if value > rule.limit.value:
        text = f"transaction {value} {rule.limit.currency} is over {rule.limit}"
        if single:
            text += ": one indivisible item, allowed at general-trade rates"
        found.append(_finding(FindingCode.OVER_VALUE_LIMIT, not single, text, rule))
    return found


def _documents(s: Shipment, kept: ScreenParts, network: Network | None) -> list[Finding]:
    found = []
    postal = _postal_crossing(s, kept, network)
    if postal is not None:
        form = kept.forms.get(postal.id)
        if form is None or form[0] is not postal:
            form = kept.forms[postal.id] = (postal, _postal_form(s, postal))
        if form[1] is not None:
            found.append(form[1])
    if s.place.kind == "territory" and _passes_through(s, s.place.country, network):
        text = (
            f"export from {s.place.country}'s VAT area and import into {s.place.name}: "
            "an export declaration and an import declaration (DUA)"
        )
        found.append(
            Finding(FindingCode.DOCUMENT_REQUIRED, False, text, s.place.id, s.place.source)
        )
    return found


def _postal_crossing(s: Shipment, kept: ScreenParts, network: Network | None) -> Service | None:
    """`routes.postal_border_crossing`, with each service's crossing kept."""
    for service in s.route:
        crossing = kept.crossings.get(service.id)
        if crossing is None or crossing[0] is not service:
            crosses = node_country(service.from_node, network) != node_country(
                service.to_node, network
            )
            crossing = kept.crossings[service.id] = (service, crosses)
        if service.mode is Mode.POSTAL and crossing[1]:
            return service
    clearing = s.import_service
    if clearing is not None and clearing.customs.regime == "postal":
        return clearing
    return None


def _postal_form(s: Shipment, postal: Service) -> Finding | None:
    form = s.view.one(Topic.POSTAL_FORM)
    if form is None or form.limit is None:
        return None
    value = s.value_in(form.limit.currency, Valuation.FOB)
    small = value <= form.limit.value and (
        form.weight_limit_kg is None or s.order.weight_kg <= form.weight_limit_kg
    )
    name = "CN22" if small else "CN23"
    text = f"{name}: contents worth {value} {form.limit.currency} on postal lane {postal.id}"
    return _finding(FindingCode.DOCUMENT_REQUIRED, False, text, form, service_id=postal.id)


def _passes_through(s: Shipment, country: str, network: Network | None) -> bool:
    """Does the parcel stand in `country` (outside the territory) before its last leg?"""
    if s.origin == country:
        return True
    return any(node_country(leg.to_node, network) == country for leg in s.route[:-1])
