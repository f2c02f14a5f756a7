"""The rule book: every jurisdiction and rule of a rules directory, and what a destination
sees on a day.

What a destination sees is its own rules, the customs rules (duties) of its customs union
and the tax rules of its VAT area, plus the `WORLD` rules. `CustomsRules.in_force(j, day)`
returns that set as a `RuleView`, built once per (jurisdiction, day) and kept, so a
quote's lookups are dictionary reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from carriers.errors import InvalidOrder, InvalidRule, Problem, UnknownCountry
from routing.cache import Lru
from routing.customs.rules import CUSTOMS_TOPICS, Goods, Rule, Topic, Valuation


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    kind: str  # country, union, territory, global
    currency: str
    scheme: str
    valuation: Valuation
    customs_union: str  # whose duties apply (its own id when not in a union)
    vat_area: str  # whose consumption-tax rules apply
    source: str
    where: str
    country: str = ""  # territories: the ISO country they belong to
    aliases: tuple[str, ...] = ()  # ISO codes that also mean this place (IC, EA)
    postal_prefixes: tuple[str, ...] = ()  # territories: postal codes that are in it
    states_file: str = ""
    regimes: frozenset[str] = frozenset()  # clearance regimes the rules cover; empty: all


# The fields a rules file's [jurisdiction] table may state, and the kinds of place.
JURISDICTION_KEYS = {
    "id",
    "name",
    "kind",
    "currency",
    "scheme",
    "valuation",
    "customs_union",
    "vat_area",
    "source",
    "country",
    "aliases",
    "postal_prefixes",
    "states_file",
    "regimes",
}
KINDS = {"country", "union", "territory", "global"}


@dataclass(frozen=True)
class StateRange:
    low: int
    high: int
    state: str


@dataclass(frozen=True)
class StateTable:
    """Postal-code ranges of a country's states (Brazil: CEP -> UF), from a CSV file."""

    path: str
    digits: int  # every postal code of the country has this many digits
    ranges: tuple[StateRange, ...]


@dataclass(frozen=True)
class RuleView:
    """The rules a destination sees on one day, by topic; selections are remembered, so a
    quote's repeated lookups (the same HS code on every route) are dictionary reads."""

    jurisdiction: Jurisdiction
    day: date
    by_topic: dict[Topic, tuple[Rule, ...]]
    _memo: Lru[tuple[Rule | None]] = field(  # by (topic, goods): (the rule or None,)
        default_factory=lambda: Lru(50_000), repr=False, compare=False
    )
    _ones: dict[Topic, Rule | None] = field(default_factory=dict, repr=False, compare=False)

    def all(self, topic: Topic) -> tuple[Rule, ...]:
        return self.by_topic.get(topic, ())

    def one(self, topic: Topic) -> Rule | None:
        """The single rule of a topic without selectors; None when none is in force."""
        try:
            return self._ones[topic]
        except KeyError:
            found = self._ones[topic] = self.select(topic, _ANY)
            return found

    def require(self, topic: Topic, goods: Goods | None = None) -> Rule:
        rule = self.one(topic) if goods is None else self.select(topic, goods)
        if rule is None:
            raise InvalidRule(
                f"no {topic.value!r} rule for {self.jurisdiction.id} is in force on {self.day}"
                f"{_describe(goods)} (in {self.jurisdiction.where.split(':')[0]} or its unions)"
            )
        return rule

    def select(self, topic: Topic, goods: Goods) -> Rule | None:
        """The most specific rule of a topic matching the goods; ties are data errors."""
        key = (topic, goods)
        kept = self._memo.get(key)
        if kept is None:
            kept = (self._select(topic, goods),)
            self._memo.put(key, kept)
        return kept[0]

    def _select(self, topic: Topic, goods: Goods) -> Rule | None:
        best: list[Rule] = []
        best_key: tuple[int, ...] = ()
        for rule in self.by_topic.get(topic, ()):
            if not rule.selectors.matches(goods):
                continue
            key = rule.selectors.specificity(goods)
            if not best or key > best_key:
                best, best_key = [rule], key
            elif key == best_key:
                best.append(rule)
        if len(best) > 1:
            places = ", ".join(f"{r.rule_id} ({r.where})" for r in best)
            raise InvalidRule(f"ambiguous {topic.value!r} rules on {self.day}: {places}")
        return best[0] if best else None


_ANY = Goods()


def _postal(code: str, message: str) -> Problem:
    return Problem("order", "destination.postal_code", f"{code!r} {message}")


def _describe(goods: Goods | None) -> str:
    if goods is None:
        return ""
    parts = [f"HS {goods.hs}" if goods.hs else "", goods.category or "", goods.state or ""]
    text = ", ".join(p for p in parts if p)
    return f" for {text}" if text else ""


class CustomsRules:
    """Every jurisdiction and rule of a rules directory; views cached per (place, day)."""

    def __init__(
        self,
        jurisdictions: dict[str, Jurisdiction],
        rules: tuple[Rule, ...],
        states: dict[str, StateTable],
        source: str = "",
    ) -> None:
        self.jurisdictions = jurisdictions
        self.rules = rules
        self.states = states  # jurisdiction id -> postal-code ranges of its states
        self.source = source
        self._own: dict[str, tuple[Rule, ...]] = {}
        for rule in rules:
            self._own[rule.jurisdiction] = (*self._own.get(rule.jurisdiction, ()), rule)
        self._global = tuple(
            r for r in rules if self.jurisdictions[r.jurisdiction].kind == "global"
        )
        self._views: Lru[RuleView] = Lru(4096)  # by (jurisdiction, day)
        self._places: dict[str, list[Jurisdiction]] = {}
        for j in jurisdictions.values():
            if j.kind == "territory":
                for code in (j.country, *j.aliases):
                    self._places.setdefault(code, []).append(j)

    def visible(self, jurisdiction_id: str) -> tuple[Rule, ...]:
        """A destination's rules: its own, its union's duties, its VAT area's taxes, WORLD."""
        j = self.jurisdictions[jurisdiction_id]
        seen = list(self._own.get(j.id, ()))
        if j.customs_union != j.id:
            seen += [r for r in self._own.get(j.customs_union, ()) if r.topic in CUSTOMS_TOPICS]
        if j.vat_area != j.id:
            seen += [r for r in self._own.get(j.vat_area, ()) if r.topic not in CUSTOMS_TOPICS]
        if j.kind != "global":
            seen += self._global
        return tuple(seen)

    def in_force(self, jurisdiction_id: str, day: date) -> RuleView:
        key = (jurisdiction_id, day)
        view = self._views.get(key)
        if view is None:
            by_topic: dict[Topic, tuple[Rule, ...]] = {}
            for rule in self.visible(jurisdiction_id):
                if rule.in_force(day):
                    by_topic[rule.topic] = (*by_topic.get(rule.topic, ()), rule)
            view = RuleView(self.jurisdictions[jurisdiction_id], day, by_topic)
            self._views.put(key, view)
        return view

    def destination(self, country: str, postal_code: str) -> Jurisdiction:
        """The jurisdiction of an address: a special territory by postal code, else the
        country. A country without customs data raises UnknownCountry."""
        code = postal_code.replace(" ", "").replace("-", "").upper()
        territories = self._places.get(country, [])
        for j in territories:
            if any(code.startswith(p) for p in j.postal_prefixes):
                return j
        if country in self.jurisdictions and self.jurisdictions[country].kind == "country":
            return self.jurisdictions[country]
        if territories:
            names = ", ".join(f"{j.id} ({'/'.join(j.postal_prefixes)})" for j in territories)
            raise InvalidOrder([_postal(postal_code, f"is in none of {country}'s places: {names}")])
        raise UnknownCountry(
            f"no customs data for destination country {country!r} in {self.source or 'rules'}"
            " (a country without data is an error, not a tax-free country)"
        )

    def customs_union_of(self, country: str) -> str:
        j = self.jurisdictions.get(country)
        return j.customs_union if j is not None else country

    def vat_area_of(self, country: str) -> str:
        j = self.jurisdictions.get(country)
        return j.vat_area if j is not None else country

    def state_of(self, jurisdiction_id: str, postal_code: str) -> str:
        """The state of a postal code, from the jurisdiction's states file."""
        j = self.jurisdictions[jurisdiction_id]
        table = self.states.get(jurisdiction_id)
        if table is None:
            raise InvalidRule(f"{j.where}: {j.id} has no states_file to place {postal_code!r}")
        digits = "".join(ch for ch in postal_code if ch.isdigit())
        if len(digits) != table.digits or len(postal_code.replace("-", "")) != table.digits:
            raise InvalidOrder([_postal(postal_code, f"is not a {table.digits}-digit code")])
        number = int(digits)
        for r in table.ranges:
            if r.low <= number <= r.high:
                return r.state
        raise InvalidOrder([_postal(postal_code, f"is in no state range of {table.path}")])

    def versions(self, rule_id: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.rule_id == rule_id)
