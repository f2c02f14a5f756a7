"""Calculations the destination schemes share: ad valorem lines grouped by rule and rate,
reliefs, the flat duty per tariff subheading, and stacking one line into the next base.

Lines are per group of items that share a rule and a rate, so a basket of shirts and a
phone shows one duty line per rate. Each line's amount is rounded half up once; its
amount is then shared back over the group's items (largest remainder) so that the next
tax can be computed on "customs value + duty" item by item and still add up exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from carriers.money import Money
from routing.customs.lines import Collection, LandedLine, LineKind, rule_line
from routing.customs.rules import Rule, Topic
from routing.customs.shipment import ItemValue, Shipment, apportion

Shares = dict[int, int]  # item index -> minor units of a line attributed to that item
Pick = Callable[[ItemValue], tuple[Rule, Decimal, str] | None]


@dataclass
class Assessment:
    """What a destination scheme found: its lines, and how they are collected."""

    lines: list[LandedLine] = field(default_factory=list)
    regime: str = ""  # a name for how the goods clear, when the scheme decides it
    forced: Collection | None = None  # collected at checkout whatever the incoterm
    notes: list[str] = field(default_factory=list)
    imports: bool = True  # False when nothing is imported (same customs union, VAT area)
    consulted: list[str] = field(default_factory=list)  # rules that decided without a line


def no_import(s: Shipment) -> Assessment:
    return Assessment(
        regime="no import",
        imports=False,
        notes=[f"{s.origin} -> {s.place.id}: same customs union and VAT area, nothing to clear"],
        consulted=[s.place.id],
    )


def base_of(item: ItemValue, *stacked: Shares) -> int:
    """An item's customs value plus what earlier lines attributed to it, in minor units."""
    base = item.customs_value.amount
    for shares in stacked:
        base += shares.get(item.index, 0)
    return base


def ad_valorem(
    kind: LineKind,
    items: Iterable[ItemValue],
    pick: Pick,
    stacked: tuple[Shares, ...] = (),
    name: str = "",
    gross_up: bool = False,
    note: str = "",
) -> tuple[list[LandedLine], Shares]:
    """One line per (rule, rate): base = the group's bases, amount = base x rate (or
    base x rate / (1 - rate) when `gross_up`, a tax computed "por dentro")."""
    groups: dict[tuple[str, Decimal, str], tuple[Rule, list[ItemValue]]] = {}
    for item in items:
        picked = pick(item)
        if picked is None:
            continue
        rule, rate, label = picked
        key = (rule.where, rate, label)
        group = groups.get(key)
        if group is None:
            groups[key] = (rule, [item])
        else:
            group[1].append(item)
    lines: list[LandedLine] = []
    shares: Shares = {}
    for (_, rate, label), (rule, members) in groups.items():
        bases = [base_of(m, *stacked) for m in members]
        base = Money(sum(bases), members[0].customs_value.currency)
        amount = base.times(rate / (1 - rate) if gross_up else rate)
        text = f"{label}; {note}" if label and note else label or note
        lines.append(rule_line(kind, rule, base, rate, amount, name=name, note=text))
        if len(members) == 1:
            index = members[0].index
            shares[index] = shares.get(index, 0) + amount.amount
            continue
        for member, part in zip(members, apportion(amount.amount, bases), strict=True):
            shares[member.index] = shares.get(member.index, 0) + part
    return lines, shares


def by_topic(s: Shipment, topic: Topic, label: str = "") -> Pick:
    """Pick each item's rate from the most specific rule of a topic (required)."""

    def pick(item: ItemValue) -> tuple[Rule, Decimal, str]:
        found = s.pick(topic, item)
        assert found is not None  # required: no rule in force raised
        return found if not label else (found[0], found[1], label)

    return pick


def by_table(s: Shipment, topic: Topic, required: bool = True) -> Pick:
    """Pick each item's duty from a duty table (the longest matching HS prefix)."""

    def pick(item: ItemValue) -> tuple[Rule, Decimal, str] | None:
        return s.pick(topic, item, table=True, required=required)

    return pick


def relief(
    s: Shipment, rule: Rule, name: str, note: str, kind: LineKind = LineKind.DUTY
) -> LandedLine:
    """A zero line that shows a relief applied (de minimis, duty relief up to EUR 150)."""
    return rule_line(kind, rule, s.customs_value, Decimal(0), s.facts.zero, name, note=note)


def per_subheading(s: Shipment, rule: Rule, name: str) -> tuple[LandedLine, Shares]:
    """A fixed duty per distinct HS-6 subheading; each subheading's amount is attributed
    to the first item of that subheading."""
    assert rule.amount is not None  # required by the loader for per_subheading
    each = s.money(rule.amount)
    first: dict[str, int] = {}
    for item in s.items:
        first.setdefault(item.subheading, item.index)
    amount = Money(each.amount * len(first), s.currency)
    codes = ", ".join(sorted(first))
    line = rule_line(
        LineKind.DUTY,
        rule,
        s.customs_value,
        each,
        amount,
        name,
        units=len(first),
        note=f"{len(first)} subheading(s): {codes}",
    )
    return line, {index: each.amount for index in first.values()}
