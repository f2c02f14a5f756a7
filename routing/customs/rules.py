"""Customs rules as data: effective-dated rules, their topics and the goods they select.

A *jurisdiction* is what one file of `data/customs/` describes: a country (`ES`), a union
(`EU`, `EAEU`), a special territory (`ES-CN`, the Canary Islands) or the rules of every
lane (`WORLD`). A *rule* is one fact with a stable `rule_id`, a `topic` saying what the
calculation does with it, `valid_from` / `valid_to` (both inclusive), a `source` and a
confidence (H, M, L). Versions of one rule share its `rule_id` and never overlap in time.

What a destination sees, and the book of every jurisdiction and rule, is in
`routing.customs.rulebook`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from carriers.errors import InvalidRule, Problem
from carriers.model import BatteryClass, GoodsCategory, Mode


class Confidence(StrEnum):
    HIGH = "H"  # an official text or several consistent reputable sources
    MEDIUM = "M"  # one reputable secondary source, or secondary sources that agree
    LOW = "L"  # a blog or vendor page, conflicting reports, or unchecked general knowledge


class Valuation(StrEnum):
    CIF = "CIF"  # goods + freight (+ insurance) to the destination
    FOB = "FOB"  # goods only, as they leave the seller


class Topic(StrEnum):
    """What a rule is for; each topic has its own required parameters (`REQUIRED`)."""

    VAT = "vat"  # import consumption tax by goods (VAT, IVA, IGIC, IPSI): rate_pct
    VAT_EXEMPTION = "vat_exemption"  # no import VAT for consignments up to `limit`
    IOSS = "ioss"  # EU: VAT collected at checkout for consignments up to `limit`
    LOW_VALUE_DUTY = "low_value_duty"  # duty of consignments up to `limit`: `treatment`
    DUTY_TABLE = "duty_table"  # ad valorem duty by HS prefix (`table`), `default_pct` else
    DUTY_SURCHARGE = "duty_surcharge"  # extra duty by HS prefix for some `origins`
    DE_MINIMIS = "de_minimis"  # no duty up to `limit`, except for `except_origins`
    POINT_OF_SALE = "point_of_sale"  # UK: VAT at checkout and no duty up to `limit`
    IMPORT_TAX_BANDS = "import_tax_bands"  # banded ad valorem tax on the value (BR II, ID)
    STATE_TAX = "state_tax"  # a state tax by `states` (BR ICMS), `treatment` = por_dentro
    PARCEL_ALLOWANCE = "parcel_allowance"  # EAEU: value/weight allowance, excess duty
    FULL_RATE_GOODS = "full_rate_goods"  # ID: goods paying the tariff whatever the value
    INCOME_TAX = "income_tax"  # ID: PPh on full-rate goods
    CBEC_LIMITS = "cbec_limits"  # CN: per-transaction `limit` and per-buyer `annual_limit`
    CBEC_TAX = "cbec_tax"  # CN: VAT (`rate_pct`) and `consumption_pct` of a class of goods
    CBEC_DISCOUNT = "cbec_discount"  # CN: share of the statutory tax due within the limits
    POSITIVE_LIST = "positive_list"  # CN: HS prefixes admitted under CBEC
    FLOOR_PRICE = "floor_price"  # ID: least FOB per unit a cross-border marketplace may sell
    VALUE_CEILING = "value_ceiling"  # most a simplified regime admits (BR, ID)
    CLEARANCE_FEE = "clearance_fee"  # the carrier's fee to the buyer when duties are DAP
    BUYER_ID = "buyer_id"  # an id the buyer must give (`id_type`), maybe only by `modes`
    PROHIBITED = "prohibited"  # goods (categories, HS prefixes) not admitted
    BATTERY_BAN = "battery_ban"  # a battery class refused on some `modes`
    POSTAL_FORM = "postal_form"  # CN22 up to `limit` and `weight_limit_kg`, CN23 above


# The parameters a rule of each topic must state, and the treatments a topic allows.
REQUIRED: dict[Topic, tuple[str, ...]] = {
    Topic.VAT: ("name", "rate_pct"),
    Topic.VAT_EXEMPTION: ("limit",),
    Topic.IOSS: ("limit",),
    Topic.LOW_VALUE_DUTY: ("limit", "treatment"),
    Topic.DUTY_TABLE: ("name",),
    Topic.DUTY_SURCHARGE: ("name", "origins"),
    Topic.DE_MINIMIS: ("limit",),
    Topic.POINT_OF_SALE: ("limit",),
    Topic.IMPORT_TAX_BANDS: ("name", "bands"),
    Topic.STATE_TAX: ("name", "rate_pct", "treatment"),
    Topic.PARCEL_ALLOWANCE: ("name", "limit", "rate_pct", "per_kg", "treatment"),
    Topic.FULL_RATE_GOODS: ("hs_prefixes",),
    Topic.INCOME_TAX: ("name", "rate_pct"),
    Topic.CBEC_LIMITS: ("limit", "annual_limit"),
    Topic.CBEC_TAX: ("rate_pct",),
    Topic.CBEC_DISCOUNT: ("rate_pct",),
    Topic.POSITIVE_LIST: ("hs_prefixes",),
    Topic.FLOOR_PRICE: ("limit",),
    Topic.VALUE_CEILING: ("limit", "treatment"),
    Topic.CLEARANCE_FEE: (),
    Topic.BUYER_ID: ("id_type",),
    Topic.PROHIBITED: (),
    Topic.BATTERY_BAN: ("battery", "modes"),
    Topic.POSTAL_FORM: ("limit", "weight_limit_kg"),
}
TREATMENTS: dict[Topic, set[str]] = {
    Topic.LOW_VALUE_DUTY: {"relief", "per_subheading"},
    Topic.PARCEL_ALLOWANCE: {"excess", "whole"},
    Topic.STATE_TAX: {"por_dentro", "on_top"},
    Topic.VALUE_CEILING: {"excludes", "formal_entry"},
}

# Topics that belong to a customs union (duties); the rest belong to a VAT area or to the
# jurisdiction itself.
CUSTOMS_TOPICS = frozenset(
    {
        Topic.LOW_VALUE_DUTY,
        Topic.DUTY_TABLE,
        Topic.DUTY_SURCHARGE,
        Topic.DE_MINIMIS,
        Topic.PARCEL_ALLOWANCE,
    }
)

SCHEMES = frozenset({"vat_import", "br", "eaeu", "id", "us", "cn_cbec", "none"})
ID_TYPES = frozenset({"cpf", "inn", "passport", "cn_resident_id", "real_name"})
SELLER_PROGRAMMES = frozenset({"ioss", "remessa_conforme"})


@dataclass(frozen=True)
class Amount:
    """A money figure of a rule: a decimal in any rate currency (SDR included)."""

    value: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.value} {self.currency}"


@dataclass(frozen=True)
class TableRow:
    hs_prefix: str
    rate: Decimal  # fraction
    where: str


@dataclass(frozen=True)
class Band:
    """Values up to `up_to` (None: any) pay `rate`, less `deduction`."""

    up_to: Amount | None
    rate: Decimal
    deduction: Amount | None = None


@dataclass(frozen=True)
class Selectors:
    """Which goods, places and parties a rule is for; None in a dimension means any."""

    categories: frozenset[GoodsCategory] | None = None
    hs_prefixes: tuple[str, ...] | None = None
    states: frozenset[str] | None = None
    origins: frozenset[str] | None = None
    sellers: frozenset[str] | None = None
    modes: frozenset[Mode] | None = None

    def matches(self, goods: Goods) -> bool:
        return (
            _inside(goods.category, self.categories)
            and (self.hs_prefixes is None or _hs_match(goods.hs, self.hs_prefixes) > 0)
            and _inside(goods.state, self.states)
            and _inside(goods.origin, self.origins)
            and (self.sellers is None or bool(self.sellers & goods.sellers))
            and (self.modes is None or bool(self.modes & goods.modes))
        )

    def specificity(self, goods: Goods) -> tuple[int, ...]:
        """Longer HS prefixes beat shorter ones, and any explicit list beats `any`."""
        hs = 0 if self.hs_prefixes is None else _hs_match(goods.hs, self.hs_prefixes)
        lists = (self.states, self.categories, self.origins, self.sellers, self.modes)
        return (hs, *(0 if s is None else 1 for s in lists))

    def overlaps(self, other: Selectors) -> bool:
        """Could one good be matched by both at the same specificity? (a data conflict)"""
        pairs = (
            (self.categories, other.categories),
            (_frozen(self.hs_prefixes), _frozen(other.hs_prefixes)),
            (self.states, other.states),
            (self.origins, other.origins),
            (self.sellers, other.sellers),
            (self.modes, other.modes),
        )
        return all(_same_kind_overlap(a, b) for a, b in pairs)


def _frozen(values: tuple[str, ...] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _inside(value: object, allowed: frozenset | None) -> bool:
    return allowed is None or value in allowed


def _hs_match(hs: str, prefixes: Iterable[str]) -> int:
    return max((len(p) for p in prefixes if hs.startswith(p)), default=0)


def _same_kind_overlap(a: frozenset | None, b: frozenset | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(a & b)


@dataclass(frozen=True)
class Goods:
    """What selectors are matched against: one item (or the consignment) on one lane."""

    hs: str = ""
    category: GoodsCategory | None = None
    state: str | None = None
    origin: str | None = None
    sellers: frozenset[str] = frozenset()
    modes: frozenset[Mode] = frozenset()


@dataclass(frozen=True)
class Rule:
    rule_id: str
    topic: Topic
    jurisdiction: str
    valid_from: date
    valid_to: date | None
    source: str
    confidence: Confidence
    where: str  # path:line of the rule in its file
    name: str = ""
    note: str = ""
    illustrative: bool = False
    rate: Decimal | None = None  # fraction: 0.21 for 21 %
    consumption: Decimal | None = None  # fraction (CN consumption tax)
    amount: Amount | None = None
    limit: Amount | None = None
    annual_limit: Amount | None = None
    weight_limit_kg: Decimal | None = None
    per_kg: Amount | None = None
    default_rate: Decimal | None = None
    table: tuple[TableRow, ...] = ()
    bands: tuple[Band, ...] = ()
    treatment: str = ""
    id_type: str = ""
    battery: BatteryClass | None = None
    except_origins: frozenset[str] = frozenset()
    selectors: Selectors = field(default_factory=Selectors)

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps_in_time(self, other: Rule) -> bool:
        end = self.valid_to or date.max
        other_end = other.valid_to or date.max
        return self.valid_from <= other_end and other.valid_from <= end

    @property
    def validity(self) -> str:
        return f"{self.valid_from} .. {self.valid_to or 'open'}"

    @cached_property
    def _rows(self) -> dict[str, TableRow]:
        return {row.hs_prefix: row for row in self.table}

    def table_rate(self, hs: str) -> tuple[Decimal, str]:
        """The rate of the longest matching HS prefix, else `default_pct`; and which."""
        rows = self._rows
        for length in range(len(hs), 1, -1):
            best = rows.get(hs[:length])
            if best is not None:
                return best.rate, f"HS {best.hs_prefix}"
        if self.default_rate is None:
            raise InvalidRule(
                f"{self.where}: {self.rule_id} has no rate for HS {hs} and no default_pct",
                (Problem(self.where, "table", f"no row for HS {hs} and no default_pct"),),
            )
        return self.default_rate, f"HS {hs[:2]} not listed: default rate"
